// What every engine build needs around its child process, whichever engine runs it: a private
// temp dir removed however the process ends, Ctrl-C / SIGTERM passed on to the build, and a
// timeout that stops it. One copy, shared by the buildx and Podman builds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildResult } from './build';

export interface Supervision {
  /** The build's own temp dir (metadata, iid and digest files); gone after `end()`. */
  readonly temp: string;
  /** Stopped because this process was interrupted. */
  readonly interrupted: boolean;
  /** Stopped because it ran longer than the timeout. */
  readonly timedOut: boolean;
  /** Watches `child` (the latest one, for a build then its pushes): signals to this process stop it, and so does the timeout. */
  watch(child: { kill(signal?: NodeJS.Signals): unknown }): void;
  /** Removes the handlers, the timer and the temp dir. */
  end(): void;
  /** The build's result: ok only when it exited 0 and was not stopped; the time since supervision began. */
  result(facts: Pick<BuildResult, 'exitCode' | 'stats' | 'metadata' | 'errorOutput'>): BuildResult;
}

export function superviseBuild(prefix: string, timeoutSeconds?: number): Supervision {
  const temp = mkdtempSync(join(tmpdir(), prefix));
  const started = Date.now();
  let interrupted = false;
  let timedOut = false;
  let child: { kill(signal?: NodeJS.Signals): unknown } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = (signal: NodeJS.Signals) => {
    interrupted = true;
    child?.kill(signal);
  };
  // Nx may end this process on Ctrl-C before any await resumes, and kills it outright 5 s
  // after the signal (NX_PROCESS_KILL_GRACE_PERIOD), when no exit handler runs: the temp dir
  // goes at the signal (a stopped build's files are never read), and on exit too.
  const removeTemp = () => rmSync(temp, { recursive: true, force: true });
  const onSigint = () => {
    stop('SIGINT');
    removeTemp();
  };
  const onSigterm = () => {
    stop('SIGTERM');
    removeTemp();
  };
  process.once('exit', removeTemp);
  return {
    temp,
    get interrupted() {
      return interrupted;
    },
    get timedOut() {
      return timedOut;
    },
    watch(c) {
      const first = !child;
      child = c;
      if (!first) return;
      process.once('SIGINT', onSigint);
      process.once('SIGTERM', onSigterm);
      if (timeoutSeconds)
        timer = setTimeout(() => {
          timedOut = true;
          stop('SIGTERM');
        }, timeoutSeconds * 1000);
    },
    end() {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      process.off('exit', removeTemp);
      removeTemp();
    },
    result: (facts) => ({ ...facts, ok: facts.exitCode === 0 && !interrupted, durationMs: Date.now() - started, interrupted, timedOut }),
  };
}
