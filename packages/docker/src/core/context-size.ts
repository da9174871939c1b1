// What a build context weighs, and which directories that never belong in an image
// (`.git`, `node_modules`, virtualenvs, caches, build output) `.dockerignore` lets through.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { ignoreMatcher, type IgnorePattern } from './dockerignore';

export const HEAVY_DIRS = [
  '.git',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  'dist',
  'build',
  '.pytest_cache',
  '.mypy_cache',
  '.tox',
  'target',
  '.next',
  'coverage',
];

export interface HeavyDir {
  /** Context-relative path, e.g. `node_modules` or `web/.next`. */
  dir: string;
  bytes: number;
}

export interface ContextWeight {
  /** Bytes of every file the context sends (what `.dockerignore` does not exclude). */
  sentBytes: number;
  files: number;
  /** Heavy directories that are sent, largest first. */
  heavy: HeavyDir[];
}

/** Files of `contextDir` that BuildKit sends (context-relative, posix), i.e. not excluded by `.dockerignore`. */
export function sentFiles(contextDir: string, ignore: IgnorePattern[]): string[] {
  const excluded = ignoreMatcher(ignore);
  return fg.sync('**/*', { cwd: contextDir, dot: true, onlyFiles: true, followSymbolicLinks: false }).filter((f) => !excluded(f));
}

/** Weighs the files the context sends (`sentFiles`, listed by the caller or here). */
export function weighContext(contextDir: string, ignore: IgnorePattern[], files: string[] = sentFiles(contextDir, ignore)): ContextWeight {
  const heavyBytes = new Map<string, number>();
  let sentBytes = 0;
  for (const f of files) {
    let size = 0;
    try {
      size = lstatSync(join(contextDir, f)).size;
    } catch {
      continue;
    }
    sentBytes += size;
    // The outermost heavy directory on the path gets the bytes (node_modules/x/node_modules counts once).
    const parts = f.split('/');
    const at = parts.findIndex((p, i) => i < parts.length - 1 && HEAVY_DIRS.includes(p));
    if (at >= 0) {
      const dir = parts.slice(0, at + 1).join('/');
      heavyBytes.set(dir, (heavyBytes.get(dir) ?? 0) + size);
    }
  }
  const heavy = [...heavyBytes].map(([dir, bytes]) => ({ dir, bytes })).sort((a, b) => b.bytes - a.bytes);
  return { sentBytes, files: files.length, heavy };
}

/**
 * A context's files for the lint rules, cheaply: everything outside the heavy directories, and
 * one placeholder entry (`<dir>/…`) per heavy directory present, so a huge node_modules is
 * noticed without being listed.
 */
export function contextListing(contextDir: string): string[] {
  const heavyGlobs = HEAVY_DIRS.map((d) => `**/${d}/**`);
  const files = fg.sync('**/*', { cwd: contextDir, dot: true, onlyFiles: true, followSymbolicLinks: false, ignore: heavyGlobs });
  const heavy = fg.sync(
    HEAVY_DIRS.map((d) => `**/${d}`),
    { cwd: contextDir, dot: true, onlyDirectories: true, followSymbolicLinks: false, deep: 4, ignore: heavyGlobs },
  );
  return [...files, ...heavy.map((d) => `${d}/…`)];
}
