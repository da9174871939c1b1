// What each task of a batch printed. A batch runs many tasks in one process, concurrently, and
// Nx wants each task's own terminal output (it replays it on a cache hit): everything written
// to stdout or stderr inside `capture` is kept for that task, and still shown live.
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string[]>();
const WRAPPED = Symbol('org-docker-task-output');

/** Wraps stdout and stderr once (again if someone replaced our wrapper, as test spies do). */
function install(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if ((stream.write as unknown as Record<symbol, boolean>)[WRAPPED]) continue;
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const wrapper = (chunk: unknown, ...rest: unknown[]) => {
      current.getStore()?.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return write(chunk, ...rest);
    };
    Object.defineProperty(wrapper, WRAPPED, { value: true });
    stream.write = wrapper as typeof stream.write;
  }
}

/** Runs `fn`, returning its value and everything it (and whatever it started) wrote. */
export async function capture<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  install();
  const lines: string[] = [];
  const value = await current.run(lines, fn);
  return { value, output: lines.join('') };
}
