// Nx ends a task process on Ctrl-C before the executor's `finally` runs: what a build holds (its
// metadata temp dir, its build slot) is freed by exit handlers. Run in a process of its own with
// the compiled modules (npm run build; tests run from the repository root) and a private TMPDIR.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe.each([
  ['docker', 'org-docker-build-'],
  ['podman', 'org-docker-podman-'],
] as const)('a %s task process that exits mid-build', (engine, tempPrefix) => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'org-docker-exit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no temp dir and no build slot behind', () => {
    const dist = join(process.cwd(), 'packages', 'docker', 'dist', 'src', 'core');
    const script = `
      const { EventEmitter } = require('node:events');
      const { PassThrough } = require('node:stream');
      const fs = require('node:fs');
      // An engine whose build never ends.
      const engine = require(${JSON.stringify(join(dist, 'engine.js'))});
      engine.selectEngine(${JSON.stringify(engine)});
      engine.useEngine({
        spawn: () => Object.assign(new EventEmitter(), { stdout: new PassThrough(), stderr: new PassThrough(), kill: () => true, then: () => undefined }),
        spawnSync: () => undefined,
      });
      (async () => {
        await require(${JSON.stringify(join(dist, 'build-slots.js'))}).acquireBuildSlot(1, { key: 'e' });
        void require(${JSON.stringify(join(dist, 'build.js'))}).runBuildx({ context: '.', dockerfile: 'Dockerfile', cwd: '.', tags: ['x'] }, { onLine: () => undefined });
        setTimeout(() => {
          console.log(fs.readdirSync(process.env.TMPDIR).sort().join());
          process.exit(130);
        }, 50);
      })();`;
    let during = '';
    try {
      execFileSync('node', ['-e', script], { encoding: 'utf8', env: { ...process.env, TMPDIR: dir } });
    } catch (e) {
      during = String((e as { stdout?: string }).stdout ?? '').trim();
    }
    // While it ran: its temp dir and the slot directory (in whatever order readdir gives them).
    const held = during.split(',');
    expect(held).toHaveLength(2);
    expect(held).toContain('org-docker-build-slots');
    expect(held.find((d) => d !== 'org-docker-build-slots')).toMatch(new RegExp(`^${tempPrefix}\\w{6}$`));
    expect(readdirSync(dir).flatMap((d) => (d === 'org-docker-build-slots' ? readdirSync(join(dir, d, 'e')) : [d]))).toEqual([]);
  });
});

describe('docker-perf on Ctrl-C while the engine is slow to stop the build', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'org-docker-perf-exit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // Nx kills a stopped task's process tree 5 s after the signal: the scratch image's removal
  // and the temporary copies cannot wait for the build to end.
  it('asks the engine to remove the scratch tag and removes its copies at the signal', () => {
    const dist = join(process.cwd(), 'packages', 'docker', 'dist', 'src', 'core');
    const script = `
      const { EventEmitter } = require('node:events');
      const { PassThrough } = require('node:stream');
      const fs = require('node:fs');
      const path = require('node:path');
      const ctx = fs.mkdtempSync(path.join(process.env.TMPDIR, 'ctx-'));
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\\nCOPY a.txt /a.txt\\n');
      fs.writeFileSync(path.join(ctx, 'a.txt'), 'a');
      const calls = [];
      // An engine whose build never ends, not even when it is told to stop.
      const engine = require(${JSON.stringify(join(dist, 'engine.js'))});
      engine.selectEngine('docker');
      engine.useEngine({
        spawn: (args) => {
          calls.push(args.slice(0, 2).join(' ') === 'buildx build' ? 'buildx build' : args.join(' '));
          return Object.assign(new EventEmitter(), { stdout: new PassThrough(), stderr: new PassThrough(), kill: () => true, then: () => undefined });
        },
        spawnSync: () => undefined,
      });
      void require(${JSON.stringify(join(dist, 'perf.js'))}).measureImage({
        project: 'p', workspaceRoot: ctx, runs: 1, runId: 'r1', scenarios: ['cold'], onProgress: () => undefined,
        build: { dockerfile: path.join(ctx, 'Dockerfile'), context: ctx, cwd: ctx },
      });
      setTimeout(() => {
        process.kill(process.pid, 'SIGINT');
        setTimeout(() => {
          const temps = fs.readdirSync(process.env.TMPDIR).filter((d) => d.startsWith('org-docker-perf-'));
          console.log(JSON.stringify({ calls, temps }));
          process.exit(130);
        }, 100);
      }, 100);`;
    let out = '';
    try {
      execFileSync('node', ['-e', script], { encoding: 'utf8', env: { ...process.env, TMPDIR: dir } });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? '');
    }
    expect(JSON.parse(out)).toEqual({ calls: ['buildx build', 'image rm --force org-docker-perf/p:r1'], temps: [] });
  });
});
