import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireBuildSlot, tryTake } from './build-slots';

describe('build slots', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'slots-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets at most max builds run; the next one waits for a release', async () => {
    const order: string[] = [];
    const first = await acquireBuildSlot(1, { directory: dir, key: 'e', pollMs: 10 });
    const second = acquireBuildSlot(1, { directory: dir, key: 'e', pollMs: 10, onWait: () => order.push('waiting') }).then((release) => {
      order.push('second acquired');
      return release;
    });
    await new Promise((r) => setTimeout(r, 50));
    order.push('first releases');
    first();
    (await second)();
    expect(order).toEqual(['waiting', 'first releases', 'second acquired']);
    expect(readdirSync(join(dir, 'e'))).toEqual([]);
  });

  it('frees the slot when its owner exits without releasing it (Nx ends task processes on Ctrl-C)', () => {
    // The compiled module (npm run build; tests run from the repository root), in a process of its own that exits holding the slot.
    const compiled = join(process.cwd(), 'packages', 'docker', 'dist', 'src', 'core', 'build-slots.js');
    const script = `require(${JSON.stringify(compiled)}).acquireBuildSlot(1, { directory: ${JSON.stringify(dir)}, key: 'e' }).then(() => { console.log(require('fs').readdirSync(${JSON.stringify(join(dir, 'e'))}).join()); process.exit(0); });`;
    expect(execFileSync('node', ['-e', script], { encoding: 'utf8' }).trim()).toBe('slot-0.lock');
    expect(readdirSync(join(dir, 'e'))).toEqual([]);
  });

  it('reclaims a slot whose owner process is gone', async () => {
    mkdirSync(join(dir, 'e'), { recursive: true });
    writeFileSync(join(dir, 'e', 'slot-0.lock'), '999999999');
    const release = await acquireBuildSlot(1, { directory: dir, key: 'e', pollMs: 10 });
    release();
  });

  it('a slot freed between the exclusive open and the read is a busy slot for this round, not a crash', () => {
    const file = join(dir, 'slot-0.lock');
    writeFileSync(file, String(process.pid));
    const freedMeanwhile = () => {
      throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    };
    expect(tryTake(file, freedMeanwhile)).toBe(false);
    rmSync(file);
    expect(tryTake(file)).toBe(true);
  });

  it('no cap when max is 0', async () => {
    const releases = await Promise.all([1, 2, 3].map(() => acquireBuildSlot(0, { directory: dir })));
    releases.forEach((r) => r());
    expect(readdirSync(dir)).toEqual([]);
  });
});
