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
