// Git facts for tags and OCI labels. Missing git (or a repository without commits)
// yields undefined values; tag templates that need them are then skipped.
import execa from 'execa';

export interface GitInfo {
  sha?: string;
  shortSha?: string;
  branch?: string;
  remote?: string;
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const r = await execa('git', args, { cwd, reject: false });
    return r.exitCode === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

const cache = new Map<string, Promise<GitInfo>>();

export function gitInfo(cwd: string): Promise<GitInfo> {
  let pending = cache.get(cwd);
  if (!pending) {
    pending = (async () => {
      const [sha, branch, remote] = await Promise.all([
        git(cwd, ['rev-parse', 'HEAD']),
        git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']),
        git(cwd, ['config', '--get', 'remote.origin.url']),
      ]);
      return { sha, shortSha: sha?.slice(0, 12), branch: branch === 'HEAD' ? undefined : branch, remote };
    })();
    cache.set(cwd, pending);
  }
  return pending;
}
