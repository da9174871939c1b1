// `.dockerignore` resolution and matching with Docker's own semantics (@balena/dockerignore
// is a port of moby's pattern matcher): patterns are anchored at the context root, later
// `!` exceptions re-include, and a matched directory excludes everything below it.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import dockerignore from '@balena/dockerignore';

export interface IgnorePattern {
  pattern: string;
  exception: boolean;
}

/**
 * The ignore file BuildKit uses: `<Dockerfile>.dockerignore` beside the Dockerfile wins
 * over `<context>/.dockerignore`. Paths are absolute; undefined when there is none.
 */
export function findIgnoreFile(dockerfilePath: string, contextDir: string): string | undefined {
  const specific = join(dirname(dockerfilePath), `${basename(dockerfilePath)}.dockerignore`);
  if (existsSync(specific)) return specific;
  const general = join(contextDir, '.dockerignore');
  return existsSync(general) ? general : undefined;
}

/** Parses `.dockerignore` text into cleaned patterns, as moby's ReadAll does. */
export function parseIgnore(content: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const raw of content.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    line = posix.normalize(line.replace(/^\/+/, ''));
    if (line.startsWith('/')) line = line.slice(1);
    if (!line || line === '.') continue;
    out.push({ pattern: line, exception });
  }
  return out;
}

export function readIgnore(file: string | undefined): IgnorePattern[] {
  return file ? parseIgnore(readFileSync(file, 'utf8')) : [];
}

export type IgnoreMatcher = (contextRelativePath: string) => boolean;

/** A predicate that is true for paths Docker leaves out of the context. */
export function ignoreMatcher(patterns: IgnorePattern[]): IgnoreMatcher {
  if (patterns.length === 0) return () => false;
  const ig = dockerignore({ ignorecase: false }).add(patterns.map((p) => (p.exception ? `!${p.pattern}` : p.pattern)));
  return (path) => ig.ignores(path);
}

function literalPrefix(pattern: string): string {
  const i = pattern.search(/[*?[\\]/);
  return i < 0 ? pattern : pattern.slice(0, i);
}

/**
 * Globs (context-relative) of what `.dockerignore` excludes, for use as negated inputs.
 * Nx negations are order-free while Docker's `!` exceptions are not, so a pattern that a
 * later exception might re-open is left out: the inputs then over-approximate, never miss.
 */
export function excludedGlobs(patterns: IgnorePattern[]): string[] {
  const out: string[] = [];
  patterns.forEach((p, i) => {
    if (p.exception) return;
    const prefix = literalPrefix(p.pattern);
    const reopened = patterns
      .slice(i + 1)
      .some((later) => later.exception && (literalPrefix(later.pattern).startsWith(prefix) || prefix.startsWith(literalPrefix(later.pattern))));
    if (!reopened) out.push(p.pattern, `${p.pattern}/**/*`);
  });
  return out;
}
