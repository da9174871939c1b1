// The paths a Dockerfile reads from its main build context, for context inference
// (context-inference.ts). Parses the Dockerfile: loaded only when inference has no cached list.
import { normalizeSource } from './context';
import type { ContextSource } from './context-inference';
import { neededStages, parseDockerfile } from './dockerfile';

/** The literal directory part of a glob: `src/*.py` -> `src`, `a/b` -> `a/b`, `*.txt` -> ''. */
function literalPrefix(source: string): string {
  const parts = source.split('/');
  const glob = parts.findIndex((p) => /[*?[\]{}]/.test(p));
  return (glob < 0 ? parts : parts.slice(0, glob)).join('/');
}

/** Adds a source's literal directory part, once; `.`, `..` and pure globs say nothing. */
function add(out: ContextSource[], source: string | undefined, line: number, file?: string): void {
  const normal = normalizeSource(source);
  const path = normal === undefined ? '' : literalPrefix(normal);
  if (path && !out.some((o) => o.path === path)) out.push({ line, path, ...(file ? { file } : {}) });
}

/** The main-context reads of the stages `target` needs (named contexts and stages are not the main context). */
export function contextSources(
  dockerfileText: string,
  options: { target?: string; buildArgs?: Record<string, string>; platform?: string } = {},
): ContextSource[] {
  // The plan parses with the same options: one parse serves both (parseDockerfile keeps it).
  const model = parseDockerfile(dockerfileText, { buildArgs: options.buildArgs, platform: options.platform });
  const out: ContextSource[] = [];
  for (const stage of neededStages(model, options.target))
    for (const read of stage.reads) {
      if (read.from !== undefined) continue;
      for (const s of read.sources) add(out, s, read.line);
    }
  return out;
}

/**
 * The paths a Dockerfile's own ignore file (`<Dockerfile>.dockerignore`) re-includes (`!path`):
 * written relative to the context the author had in mind, so evidence like a COPY source.
 */
export function ignoreFileSources(ignoreText: string, file: string): ContextSource[] {
  const out: ContextSource[] = [];
  ignoreText.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('!')) add(out, line.slice(1).trim(), i + 1, file);
  });
  return out;
}
