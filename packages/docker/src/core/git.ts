// Git facts for tags and OCI labels: from the repository's files when they say for sure
// (no process), else from git. Missing git (or a repository without commits) yields
// undefined values; tag templates that need them are then skipped.
import execa from 'execa';
import { redactUrl } from './credentials';
import { readGitFacts } from './git-files';

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

/** CI checkouts are often detached; the CI system still knows the branch. */
function ciBranch(env: NodeJS.ProcessEnv): string | undefined {
  return env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME || env.BUILDKITE_BRANCH || undefined;
}

const cache = new Map<string, Promise<GitInfo>>();

export function gitInfo(cwd: string): Promise<GitInfo> {
  let pending = cache.get(cwd);
  if (!pending) {
    pending = (async () => {
      const files = readGitFacts(cwd);
      if (files) {
        const branch = files.branch ?? ciBranch(process.env);
        return { sha: files.sha, shortSha: files.sha?.slice(0, 12), branch, remote: files.remote && redactUrl(files.remote) };
      }
      const [sha, branch, remote] = await Promise.all([
        git(cwd, ['rev-parse', 'HEAD']),
        git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']),
        git(cwd, ['config', '--get', 'remote.origin.url']),
      ]);
      // A clone URL can carry credentials (GitLab CI's `https://gitlab-ci-token:TOKEN@host/...`): never pass them on.
      return { sha, shortSha: sha?.slice(0, 12), branch: !branch || branch === 'HEAD' ? ciBranch(process.env) : branch, remote: remote && redactUrl(remote) };
    })();
    cache.set(cwd, pending);
  }
  return pending;
}

/** True when the working tree differs from HEAD (tracked changes or untracked files git does not ignore). */
export async function gitDirty(cwd: string): Promise<boolean> {
  const status = await git(cwd, ['status', '--porcelain']);
  return status !== undefined && status.length > 0;
}

/**
 * The commit facts tag templates may use: a tree that differs from its commit is not that
 * commit, so `{gitSha}` / `{shortSha}` get a `-dirty` suffix there. Asks git only when a
 * template needs them.
 */
export async function commitTagVars(cwd: string, templates: string[], info: GitInfo): Promise<{ gitSha?: string; shortSha?: string }> {
  if (!templates.some((t) => /\{(gitSha|shortSha)\}/.test(t)) || !info.sha) return { gitSha: info.sha, shortSha: info.shortSha };
  const suffix = (await gitDirty(cwd)) ? '-dirty' : '';
  return { gitSha: `${info.sha}${suffix}`, shortSha: `${info.shortSha}${suffix}` };
}
