// Git facts read from the repository's files, without starting git (a process per fact per task
// adds up): HEAD, the branch's ref (loose or packed) and origin's URL. Anything unusual (reftable,
// an unreadable file, a symbolic ref elsewhere) returns undefined, and the caller asks git.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export interface GitFacts {
  sha?: string;
  /** Undefined on a detached HEAD. */
  branch?: string;
  remote?: string;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The git directory and the common directory (they differ in a linked worktree). */
function gitDirs(cwd: string): { gitDir: string; commonDir: string } | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      let gitDir = dotGit;
      if (!statSync(dotGit).isDirectory()) {
        const target = /^gitdir:\s*(.+)$/m.exec(read(dotGit) ?? '')?.[1]?.trim();
        if (!target) return undefined;
        gitDir = isAbsolute(target) ? target : resolve(dir, target);
      }
      const common = read(join(gitDir, 'commondir'))?.trim();
      return { gitDir, commonDir: common ? resolve(gitDir, common) : gitDir };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function resolveRef(commonDir: string, gitDir: string, ref: string): string | undefined {
  for (const dir of [gitDir, commonDir]) {
    const loose = read(join(dir, ref))?.trim();
    if (loose && /^[0-9a-f]{40,64}$/.test(loose)) return loose;
  }
  for (const line of (read(join(commonDir, 'packed-refs')) ?? '').split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
  }
  return undefined;
}

function originUrl(config: string): string | undefined {
  let inOrigin = false;
  for (const raw of config.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inOrigin = /^\[remote\s+"origin"\]$/.test(line);
    else if (inOrigin) {
      const m = /^url\s*=\s*(.+)$/.exec(line);
      if (m) return m[1].trim();
    }
  }
  return undefined;
}

/** HEAD's commit and branch and origin's URL, or undefined when the files cannot say for sure. */
export function readGitFacts(cwd: string): GitFacts | undefined {
  const dirs = gitDirs(cwd);
  if (!dirs) return undefined;
  if (read(join(dirs.commonDir, 'config'))?.includes('refstorage')) return undefined; // reftable: ask git
  const head = read(join(dirs.gitDir, 'HEAD'))?.trim();
  if (!head) return undefined;
  const remote = originUrl(read(join(dirs.commonDir, 'config')) ?? '');
  if (/^[0-9a-f]{40,64}$/.test(head)) return { sha: head, remote };
  const ref = /^ref:\s*(refs\/heads\/.+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  // A branch without commits yet has no sha: a fact, not a failure.
  return { sha: resolveRef(dirs.commonDir, dirs.gitDir, ref), branch: ref.slice('refs/heads/'.length), remote };
}
