// What a build can read: the COPY/ADD/bind-mount sources of the stages the target
// needs, as globs relative to their build context, minus what `.dockerignore` excludes.
// These globs become the Nx inputs, so they must never miss a file Docker reads.
import { posix } from 'node:path';
import picomatch from 'picomatch';
import { neededStages, stageRef, type DockerfileModel } from './dockerfile';
import { excludedGlobs, ignoreMatcher, type IgnorePattern } from './dockerignore';

export interface ContextReads {
  /** Context-relative globs of files the build may read. */
  include: string[];
  /** Context-relative globs that `.dockerignore` keeps out (safe to negate). */
  exclude: string[];
  /** True when the build may read anything in the context (`COPY . .`, unresolved source). */
  wholeContext: boolean;
  /** Why the whole context is read, for humans. */
  reasons: string[];
}

export interface ReadsOptions {
  target?: string;
  /** Named build contexts (`--build-context name=path`); reads from them are reported separately. */
  namedContexts?: string[];
}

export interface BuildReads {
  /** The main context. */
  context: ContextReads;
  /** Reads from named build contexts, keyed by context name (sources relative to that context). */
  named: Record<string, string[]>;
}

const WHOLE = '**/*';

/** A source made context-relative, or undefined when it may be anything (`.`, `..`, unresolved). */
export function normalizeSource(source: string | undefined): string | undefined {
  if (source === undefined) return undefined;
  const cleaned = posix.normalize(source.replace(/\\/g, '/').replace(/^\/+/, ''));
  if (cleaned === '.' || cleaned === '' || cleaned === './' || cleaned.startsWith('..')) return undefined;
  return cleaned.replace(/^\.\//, '').replace(/\/+$/, '');
}

/** A source names a file or a directory (whose contents are copied): match both. */
function sourceGlobs(source: string): string[] {
  return [source, `${source}/**/*`];
}

export function buildReads(model: DockerfileModel, ignore: IgnorePattern[], options: ReadsOptions = {}): BuildReads {
  const include = new Set<string>();
  const reasons: string[] = [];
  const named: Record<string, string[]> = {};
  const namedContexts = new Set(options.namedContexts ?? []);

  for (const stage of neededStages(model, options.target)) {
    for (const read of stage.reads) {
      if (read.from !== undefined) {
        if (stageRef(model, read.from, stage.index)) continue; // another stage
        if (!namedContexts.has(read.from)) continue; // an image: not a context read
        const list = (named[read.from] ??= []);
        for (const s of read.sources) list.push(...(normalizeSource(s) === undefined ? [WHOLE] : sourceGlobs(normalizeSource(s) as string)));
        continue;
      }
      for (const source of read.sources) {
        const normalized = normalizeSource(source);
        if (normalized === undefined) {
          reasons.push(
            source === undefined
              ? `line ${read.line}: ${read.kind} source uses a variable with no value`
              : `line ${read.line}: ${read.kind} ${source} reads the whole context`,
          );
        } else {
          for (const g of sourceGlobs(normalized)) include.add(g);
        }
      }
    }
  }
  const wholeContext = reasons.length > 0;
  return {
    context: {
      include: wholeContext ? [WHOLE] : [...include],
      exclude: excludedGlobs(ignore),
      wholeContext,
      reasons,
    },
    named,
  };
}

/**
 * The exact files Docker reads from a context, given the file list: the reference
 * semantics the globs above approximate (used by tests, lint and perf analysis).
 */
export function filesRead(reads: ContextReads, ignore: IgnorePattern[], files: string[]): string[] {
  const match = picomatch(reads.include, { dot: true });
  const ignored = ignoreMatcher(ignore);
  return files.filter((f) => match(f) && !ignored(f));
}

/** Files matched by the include globs and none of the exclude globs (how Nx evaluates the inputs). */
export function filesMatchedByInputs(reads: ContextReads, files: string[]): string[] {
  const match = picomatch(reads.include, { dot: true });
  const excluded = reads.exclude.length ? picomatch(reads.exclude, { dot: true }) : () => false;
  return files.filter((f) => match(f) && !excluded(f));
}
