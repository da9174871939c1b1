// One registry call through buildx imagetools (argv, no shell), retried when the registry's
// answer may change by asking again. Shared by the registry reads/writes and signatures.
import type { CommandResult, Runner } from './engine';

export const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';

// Answers that will not change by asking again: a missing manifest, a refused login.
const DEFINITE = /not found|manifest unknown|name unknown|unauthorized|denied|forbidden|invalid reference/i;

/** Runs an imagetools call, retrying (twice, with a short pause) when the registry answered with a transient error. */
export async function withRetry(run: Runner, args: string[], attempts = 3): Promise<CommandResult> {
  let r = await run(args);
  for (let i = 1; i < attempts && !r.ok && !r.notFound && !DEFINITE.test(r.stderr); i++) {
    await new Promise((done) => setTimeout(done, 500 * i));
    r = await run(args);
  }
  return r;
}
