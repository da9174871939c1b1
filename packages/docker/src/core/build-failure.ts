// Why a buildx build failed, in the words a user needs: the step that failed (not a harmless
// "importing cache manifest … not found" BuildKit also reports), whether it was the push to
// the registry, and whether asking again may succeed (a 5xx, a 429, a dropped connection).
import type { BuildResult } from './build';

export interface FailureCause {
  message: string;
  /** The registry refused or dropped the push (layers, manifest or cache export). */
  push: boolean;
  /** Another attempt may succeed: the registry answered 5xx/429 or the connection failed. */
  transient: boolean;
}

// A cache that is not there yet is how every first build starts; BuildKit goes on without it.
const HARMLESS = /^importing cache manifest from /;
const PUSH =
  /^pushing |^exporting cache|push access denied|failed commit on ref|unexpected status from (PUT|POST|PATCH|HEAD) request|failed to push|blobs\/uploads/i;
const TRANSIENT = /\b5\d\d\b|\b429\b|too many requests|timeout|timed out|connection reset|connection refused|broken pipe|\bEOF\b|TLS handshake|no such host/i;
const DEFINITE = /\b40[13]\b|unauthorized|denied|forbidden|name invalid|manifest invalid/i;

/** The last `ERROR: …` line buildx printed, without the prefix. */
function buildxError(errorOutput: string): string | undefined {
  const lines = errorOutput.split('\n').filter((l) => /^ERROR:/.test(l.trim()));
  return lines.length ? lines[lines.length - 1].trim().replace(/^ERROR:\s*/, '') : undefined;
}

export function failureCause(result: Pick<BuildResult, 'stats' | 'errorOutput' | 'exitCode'>): FailureCause {
  const steps = result.stats.errors.filter((e) => !HARMLESS.test(e));
  const final = buildxError(result.errorOutput);
  const pushStep = steps.find((e) => PUSH.test(e));
  const push = Boolean(pushStep) || (final !== undefined && PUSH.test(final));
  const detail = pushStep ?? steps.join('\n');
  const text = detail || final || result.errorOutput || `buildx exited with ${result.exitCode}`;
  const message = push ? `pushing to the registry failed: ${final ?? text}` : text;
  return { message, push, transient: push && TRANSIENT.test(text + (final ?? '')) && !DEFINITE.test(text + (final ?? '')) };
}
