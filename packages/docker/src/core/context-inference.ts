// Which directory a Dockerfile was written for. Many repositories build from the workspace
// root (`COPY dist/packages/api ./`, `COPY pnpm-lock.yaml ./`) while others build from the
// project's own directory (`COPY src/ ./src/`). Building with the wrong one fails at best and
// at worst hashes the wrong files, so every cache hit is a stale image. The evidence is where
// the context reads of the target's stages resolve: a candidate directory where more of them
// exist wins; a read that resolves only elsewhere is a conflict, named with its line. Pure: the
// caller says which paths exist (context-sources.ts lists the reads).
import { posix } from 'node:path';

/** A context-relative path the build reads (literal prefix of a COPY/ADD/bind-mount source), with its line. */
export interface ContextSource {
  line: number;
  path: string;
  /** Where the line is, when not the Dockerfile (a re-include of `<Dockerfile>.dockerignore`). */
  file?: string;
}

export interface ContextChoice {
  /** Workspace-relative context. */
  context: string;
  /** Why, for the target description, e.g. `inferred from apps/api/Dockerfile:3, which copies dist/apps/api: found under the workspace root ...`. */
  reason: string;
  /** Reads that resolve only under another candidate: the choice may be wrong. */
  conflicts: Array<ContextSource & { resolvesAt: string }>;
}

const where = (context: string) => (context === '.' ? 'the workspace root' : context);

/**
 * The candidate (nearest first: the project root, its parents, the workspace root) where the
 * most reads resolve; on a tie the nearest. Reads that resolve everywhere or nowhere say nothing.
 * With `fixed` (a context the user set), only its conflicts are computed.
 */
export function chooseContext(
  dockerfile: string,
  sources: ContextSource[],
  candidates: string[],
  resolves: (context: string, path: string) => boolean,
  fixed?: string,
): ContextChoice {
  const all = fixed === undefined || candidates.includes(fixed) ? candidates : [...candidates, fixed];
  const found = sources.map((s) => ({ ...s, at: all.filter((c) => resolves(c, s.path)) }));
  const telling = found.filter((f) => f.at.length > 0 && f.at.length < all.length);
  const score = (c: string) => telling.filter((f) => f.at.includes(c)).length;
  let best = fixed ?? candidates[0];
  if (fixed === undefined) for (const c of candidates) if (score(c) > score(best)) best = c;
  const conflicts = telling
    .filter((f) => !f.at.includes(best))
    .map((f) => ({ line: f.line, path: f.path, ...(f.file ? { file: f.file } : {}), resolvesAt: f.at[0] }));
  // The clearest witness: a read found under the choice and not under the project root.
  const witness = telling.find((f) => f.at.includes(best) && !f.at.includes(candidates[0])) ?? telling.find((f) => f.at.includes(best));
  const reason = witness
    ? `inferred from ${witness.file ?? dockerfile}:${witness.line}, which ${witness.file ? 're-includes' : 'copies'} ${witness.path}: found under ${where(best)}${witness.at.includes(candidates[0]) ? '' : ` and not under ${where(candidates[0])}`}`
    : 'the project root: nothing the Dockerfile copies says otherwise';
  return { context: best, reason, conflicts };
}

/** The project root, each parent directory, then the workspace root `.`. */
export function contextCandidates(projectRoot: string): string[] {
  const out: string[] = [];
  for (let dir = posix.normalize(projectRoot); dir !== '.' && dir !== '' && dir !== '/'; dir = posix.dirname(dir)) out.push(dir);
  out.push('.');
  return out;
}

/** The inference warning for conflicting reads: which lines resolve elsewhere, and how to settle it. */
export function conflictWarning(dockerfile: string, choice: ContextChoice): string | undefined {
  if (!choice.conflicts.length) return undefined;
  const lines = choice.conflicts
    .slice(0, 5)
    .map((c) => `${dockerfile}:${c.line}: ${c.path} exists under ${where(c.resolvesAt)}, not under the build context ${where(choice.context)}`);
  return `${lines.join('\n')}\nThe build context is ambiguous; set "context" in the docker-build target's options (project.json or package.json "nx.targets") to the directory this Dockerfile is written for.`;
}
