// Batch mode (`nx run-many -t docker-build --batch`): Nx hands every docker-build task of the
// run to this one process instead of forking a process per task. Each task is built exactly as
// the per-task executor builds it (its own image, image.json and Nx cache entry), concurrently
// on the one engine, each as soon as the images it builds on are done. A failing image fails
// its own task and the tasks that build on it; the others are still built.
//
// The hashes Nx gives a batch are final before anything runs: a dependent's hash includes its
// upstream builds' inputs, not their outputs (plugins/upstream-inputs.ts).
import { availableParallelism } from 'node:os';
import type { ExecutorContext } from '../../utils/devkit';
import { buildOne } from './executor';
import type { BuildExecutorSchema } from './schema';
import { capture } from './task-output';

/** The parts of Nx's task graph a batch reads. */
export interface BatchTaskGraph {
  tasks: Record<string, { id: string; target: { project: string; target: string; configuration?: string }; hash?: string }>;
  dependencies: Record<string, string[]>;
}

export interface BatchTaskResult {
  success: boolean;
  /** `skipped`: not run because what it builds on failed (Nx 23+; older Nx reads `success`). */
  status?: 'skipped';
  terminalOutput: string;
  startTime: number;
  endTime: number;
}

/** At most `limit` builds at once; the rest wait their turn in order. */
function limiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * How many builds of a batch run at once: `maxParallelBuilds` when set, else two per core (at
 * least four). A build waits on the engine much of its time: on two cores, three dependents of a
 * changed base take 5.1 s together, against 7.0 s two at a time (measured).
 */
export function batchParallelism(inputs: Record<string, BuildExecutorSchema>): number {
  const set = Object.values(inputs)
    .map((o) => o.maxParallelBuilds ?? 0)
    .filter((n) => n > 0);
  return set.length ? Math.min(...set) : Math.max(4, 2 * availableParallelism());
}

export default async function* buildBatch(
  taskGraph: BatchTaskGraph,
  inputs: Record<string, BuildExecutorSchema>,
  _overrides: unknown,
  context: ExecutorContext,
): AsyncGenerator<{ task: string; result: BatchTaskResult }> {
  const slot = limiter(batchParallelism(inputs));
  const outcomes = new Map<string, Promise<BatchTaskResult>>();
  const outcome = (id: string): Promise<BatchTaskResult> => {
    let p = outcomes.get(id);
    if (!p) {
      p = runTask(id);
      outcomes.set(id, p);
    }
    return p;
  };
  const runTask = async (id: string): Promise<BatchTaskResult> => {
    const task = taskGraph.tasks[id];
    // Only the batch's own tasks are waited for: any other dependency completed before Nx started the batch.
    const upstream = (taskGraph.dependencies[id] ?? []).filter((d) => d in taskGraph.tasks);
    const failed = [];
    for (const d of upstream) if (!(await outcome(d)).success) failed.push(d);
    if (failed.length) {
      // As Nx does per task: a dependent of a failure does not run, and its outputs stay as they were.
      const terminalOutput = `✖ Not built: it builds on ${failed.join(', ')}, which failed.\n`;
      process.stderr.write(`${id}: ${terminalOutput}`);
      return { success: false, status: 'skipped', terminalOutput, startTime: Date.now(), endTime: Date.now() };
    }
    const taskContext: ExecutorContext = {
      ...context,
      projectName: task.target.project,
      targetName: task.target.target,
      configurationName: task.target.configuration,
    };
    let startTime = 0;
    const { value, output } = await slot(() =>
      capture(async () => {
        startTime = Date.now();
        try {
          return await buildOne(inputs[id], taskContext, task.hash);
        } catch (e) {
          // An unexpected error fails this task only; the batch goes on.
          process.stderr.write(`✖ ${id}: ${(e as Error).stack ?? String(e)}\n`);
          return { success: false };
        }
      }),
    );
    return { success: value.success, terminalOutput: output, startTime, endTime: Date.now() };
  };

  // Results go back to Nx as each task completes, so its cache and its dependents' status move on.
  const pending = new Map(Object.keys(taskGraph.tasks).map((id) => [id, outcome(id).then((result) => ({ task: id, result }))]));
  while (pending.size) {
    const next = await Promise.race(pending.values());
    pending.delete(next.task);
    yield next;
  }
}
