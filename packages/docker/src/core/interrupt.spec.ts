// Nx ends a task process on Ctrl-C before the executor's `finally` runs: what a build holds (its
// metadata temp dir, its build slot) is freed by exit handlers. Run in a process of its own with
// the compiled modules (npm run build; tests run from the repository root) and a private TMPDIR.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIST = join(process.cwd(), 'packages', 'docker', 'dist', 'src', 'core');
/** A child process of the fake engine that never ends, not even when it is told to stop. */
const NEVER_ENDING = `Object.assign(new (require('node:events').EventEmitter)(), {
  stdout: new (require('node:stream').PassThrough)(), stderr: new (require('node:stream').PassThrough)(), kill: () => true, then: () => undefined })`;

/** What `script` printed, run by Node in a process of its own with TMPDIR=`tmp` (it exits as a stopped task does: non-zero). */
function printedBy(script: string, tmp: string): string {
  try {
    return execFileSync('node', ['-e', script], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } }).trim();
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '').trim();
  }
}

describe.each([
  ['docker', 'org-docker-build-'],
  ['podman', 'org-docker-podman-'],
] as const)('a %s task process that exits mid-build', (engine, tempPrefix) => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'org-docker-exit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no temp dir and no build slot behind', () => {
    const during = printedBy(
      `
      const fs = require('node:fs');
      const engine = require(${JSON.stringify(join(DIST, 'engine.js'))});
      engine.selectEngine(${JSON.stringify(engine)});
      engine.useEngine({ spawn: () => ${NEVER_ENDING}, spawnSync: () => undefined });
      (async () => {
        await require(${JSON.stringify(join(DIST, 'build-slots.js'))}).acquireBuildSlot(1, { key: 'e' });
        void require(${JSON.stringify(join(DIST, 'build.js'))}).runBuildx({ context: '.', dockerfile: 'Dockerfile', cwd: '.', tags: ['x'] }, { onLine: () => undefined });
        setTimeout(() => {
          console.log(fs.readdirSync(process.env.TMPDIR).sort().join());
          process.exit(130);
        }, 50);
      })();`,
      dir,
    );
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
  it("asks the engine to remove the scratch tag and removes its copies and the build's temp dir at the signal", () => {
    const out = printedBy(
      `
      const fs = require('node:fs');
      const path = require('node:path');
      const ctx = fs.mkdtempSync(path.join(process.env.TMPDIR, 'ctx-'));
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\\nCOPY a.txt /a.txt\\n');
      fs.writeFileSync(path.join(ctx, 'a.txt'), 'a');
      const calls = [];
      const engine = require(${JSON.stringify(join(DIST, 'engine.js'))});
      engine.selectEngine('docker');
      engine.useEngine({
        spawn: (args) => {
          calls.push(args.slice(0, 2).join(' ') === 'buildx build' ? 'buildx build' : args.join(' '));
          return ${NEVER_ENDING};
        },
        spawnSync: () => undefined,
      });
      void require(${JSON.stringify(join(DIST, 'perf.js'))}).measureImage({
        project: 'p', workspaceRoot: ctx, runs: 1, runId: 'r1', scenarios: ['cold'], onProgress: () => undefined,
        build: { dockerfile: path.join(ctx, 'Dockerfile'), context: ctx, cwd: ctx },
      });
      setTimeout(() => {
        process.kill(process.pid, 'SIGINT');
        setTimeout(() => {
          const temps = fs.readdirSync(process.env.TMPDIR).filter((d) => d.startsWith('org-docker-'));
          console.log(JSON.stringify({ calls, temps }));
          process.exit(130);
        }, 100);
      }, 100);`,
      dir,
    );
    expect(JSON.parse(out)).toEqual({ calls: ['buildx build', 'image rm --force org-docker-perf/p:r1'], temps: [] });
  });
});
