// git itself is the oracle: the facts read from the files must be what git answers.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGitFacts } from './git-files';
import { commitTagVars, gitInfo } from './git';

describe('git facts from the repository files', () => {
  let dir: string;
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
    }).trim();
  const fromGit = () => ({
    sha: git('rev-parse', 'HEAD'),
    branch: git('rev-parse', '--abbrev-ref', 'HEAD'),
    remote: git('config', '--get', 'remote.origin.url'),
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'org-docker-git-'));
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://example.com/acme/app.git');
    writeFileSync(join(dir, 'a'), '1');
    git('add', '-A');
    git('commit', '-q', '-m', 'one');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('agrees with git on a branch (loose ref), after packing refs, detached, and from a subdirectory', () => {
    expect(readGitFacts(dir)).toEqual(fromGit());
    git('pack-refs', '--all');
    expect(readGitFacts(dir)).toEqual(fromGit());
    git('checkout', '-q', '-b', 'feature/x');
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    expect(readGitFacts(join(dir, 'sub', 'deeper'))).toEqual(fromGit());
    git('checkout', '-q', '--detach');
    expect(readGitFacts(dir)).toEqual({ sha: git('rev-parse', 'HEAD'), remote: 'https://example.com/acme/app.git' });
  });

  it('agrees with git in a linked worktree', () => {
    const wt = join(dir, 'wt');
    git('worktree', 'add', '-q', '-b', 'other', wt);
    const inWt = (...args: string[]) => execFileSync('git', args, { cwd: wt, encoding: 'utf8' }).trim();
    expect(readGitFacts(wt)).toEqual({ sha: inWt('rev-parse', 'HEAD'), branch: 'other', remote: 'https://example.com/acme/app.git' });
  });

  it('sha tags of a tree that differs from its commit say so (-dirty); other templates are left as they are', async () => {
    const info = await gitInfo(dir);
    const sha = git('rev-parse', 'HEAD');
    expect(await commitTagVars(dir, ['{shortSha}'], info)).toEqual({ gitSha: sha, shortSha: sha.slice(0, 12) });
    writeFileSync(join(dir, 'a'), '2');
    expect(await commitTagVars(dir, ['{shortSha}'], info)).toEqual({ gitSha: `${sha}-dirty`, shortSha: `${sha.slice(0, 12)}-dirty` });
    expect(await commitTagVars(dir, ['latest', '{version}'], info)).toEqual({ gitSha: sha, shortSha: sha.slice(0, 12) });
    writeFileSync(join(dir, 'a'), '1');
    writeFileSync(join(dir, 'new-file'), 'untracked\n');
    expect((await commitTagVars(dir, ['{gitSha}'], info)).gitSha).toBe(`${sha}-dirty`);
  });
});
