// A cap on concurrent builds per engine, across processes: Nx runs each task in its own
// process, so the slots are lock files (created exclusively, holding the owner's pid).
// A slot is freed when its owner exits, however it exits; one whose owner was killed outright
// (SIGKILL) is reclaimed by the next process that finds its pid dead.
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes a slot file if free (or its owner is dead). `readOwner` is a seam for tests. */
export function tryTake(file: string, readOwner: (file: string) => string = (f) => readFileSync(f, 'utf8')): boolean {
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch {
    let owner = 0;
    try {
      owner = Number(readOwner(file) || 0);
    } catch {
      // Freed between the exclusive open and this read: free now, take it on the next round.
      return false;
    }
    if (owner && !alive(owner)) rmSync(file, { force: true });
    return false;
  }
}

export interface SlotOptions {
  /** One directory per engine (e.g. keyed by DOCKER_HOST). */
  key?: string;
  directory?: string;
  pollMs?: number;
  onWait?: () => void;
}

/** Waits for one of `max` build slots; returns its release function. `max` <= 0 means no cap. */
export async function acquireBuildSlot(max: number, options: SlotOptions = {}): Promise<() => void> {
  if (!max || max <= 0) return () => undefined;
  const dir = join(
    options.directory ?? join(tmpdir(), 'org-docker-build-slots'),
    (options.key ?? process.env.DOCKER_HOST ?? 'default').replace(/[^A-Za-z0-9._-]+/g, '_'),
  );
  mkdirSync(dir, { recursive: true });
  let waited = false;
  for (;;) {
    for (let i = 0; i < max; i++) {
      const file = join(dir, `slot-${i}.lock`);
      if (tryTake(file)) {
        // Nx may end this process (Ctrl-C) before the caller's finally runs: free the slot on exit too.
        const release = () => {
          process.off('exit', release);
          rmSync(file, { force: true });
        };
        process.once('exit', release);
        return release;
      }
    }
    if (!waited) options.onWait?.();
    waited = true;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
}
