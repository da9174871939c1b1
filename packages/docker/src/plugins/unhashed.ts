// What Nx never hashes in a workspace: files git ignores (Nx's file walker honours .gitignore)
// and the `.git` directory itself. A Dockerfile that copies one builds a different image when it
// changes while the task hash stays the same, so inference warns about each one a build reads.
// One `git ls-files` for the whole workspace, run only when some project misses the inference
// cache (directories are listed once, not descended into).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type UnhashedListing = (context: string) => string[];

export function unhashedListing(workspaceRoot: string): UnhashedListing {
  let all: string[] | undefined;
  const list = (): string[] => {
    if (all) return all;
    try {
      const out = execFileSync('git', ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], {
        cwd: workspaceRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 64 * 1024 * 1024,
      });
      all = out.split('\0').filter(Boolean);
    } catch {
      all = []; // not a git repository, or no git: nothing is known to be unhashed
    }
    if (existsSync(join(workspaceRoot, '.git'))) all.push('.git/');
    return all;
  };
  return (context) => {
    const prefix = context === '.' || context === '' ? '' : `${context}/`;
    return list()
      .filter((p) => p.startsWith(prefix) && p !== prefix)
      .map((p) => p.slice(prefix.length));
  };
}
