import { chooseContext, conflictWarning, contextCandidates } from './context-inference';
import { contextSources } from './context-sources';

describe('context inference (which directory a Dockerfile is written for)', () => {
  const files = (...paths: string[]) => new Set(paths);
  const resolver = (existing: Set<string>) => (context: string, path: string) => existing.has(context === '.' ? path : `${context}/${path}`);

  it('reads of the main context only: the target stage and those it needs, globs cut to their directory, stages and images left out', () => {
    const text = [
      'FROM node:22 AS deps',
      'COPY package.json pnpm-lock.yaml ./',
      'FROM node:22 AS unused',
      'COPY tools/ /t/',
      'FROM deps',
      'COPY --from=deps /node_modules /n',
      'COPY --from=nginx:1 /etc/nginx /e',
      'COPY apps/web/src/*.ts ./src/',
      'COPY . .',
      'RUN --mount=type=bind,source=scripts,target=/s true',
    ].join('\n');
    expect(contextSources(text)).toEqual([
      { line: 2, path: 'package.json' },
      { line: 2, path: 'pnpm-lock.yaml' },
      { line: 8, path: 'apps/web/src' },
      { line: 10, path: 'scripts' },
    ]);
  });

  it('candidates: the project root, its parents, the workspace root', () => {
    expect(contextCandidates('apps/web')).toEqual(['apps/web', 'apps', '.']);
    expect(contextCandidates('.')).toEqual(['.']);
  });

  it('a build output copied from the workspace root picks the workspace root, saying which line', () => {
    const choice = chooseContext('apps/web/Dockerfile', [{ line: 3, path: 'dist/apps/web' }], contextCandidates('apps/web'), resolver(files('dist/apps/web')));
    expect(choice).toEqual({
      context: '.',
      reason: 'inferred from apps/web/Dockerfile:3, which copies dist/apps/web: found under the workspace root and not under apps/web',
      conflicts: [],
    });
  });

  it('sources in the project directory keep the project root; paths found everywhere or nowhere say nothing', () => {
    const existing = files('apps/api/src', 'package.json', 'apps/api/package.json');
    const sources = [
      { line: 2, path: 'package.json' },
      { line: 3, path: 'src' },
      { line: 4, path: 'generated' },
    ];
    expect(chooseContext('apps/api/Dockerfile', sources, ['apps/api', '.'], resolver(existing)).context).toBe('apps/api');
    expect(chooseContext('apps/api/Dockerfile', [{ line: 2, path: 'package.json' }], ['apps/api', '.'], resolver(existing)).reason).toBe(
      'the project root: nothing the Dockerfile copies says otherwise',
    );
  });

  it('the directory where more sources resolve wins; the others are conflicts, named by line', () => {
    const existing = files('pnpm-lock.yaml', 'apps/api/package.json', 'apps/api/src');
    const sources = [
      { line: 2, path: 'pnpm-lock.yaml' },
      { line: 3, path: 'src' },
      { line: 4, path: 'package.json' },
    ];
    const choice = chooseContext('apps/api/Dockerfile', sources, ['apps/api', '.'], resolver(existing));
    expect(choice.context).toBe('apps/api');
    expect(choice.conflicts).toEqual([{ line: 2, path: 'pnpm-lock.yaml', resolvesAt: '.' }]);
    expect(conflictWarning('apps/api/Dockerfile', choice)).toContain(
      'apps/api/Dockerfile:2: pnpm-lock.yaml exists under the workspace root, not under the build context apps/api',
    );
  });

  it('a context the user set is kept, and a source it cannot reach is a conflict', () => {
    const choice = chooseContext('apps/api/Dockerfile', [{ line: 5, path: 'src' }], ['apps/api', '.'], resolver(files('apps/api/src')), '.');
    expect(choice.context).toBe('.');
    expect(choice.conflicts).toEqual([{ line: 5, path: 'src', resolvesAt: 'apps/api' }]);
    expect(conflictWarning('x', { context: 'apps/api', reason: '', conflicts: [] })).toBeUndefined();
  });

  it('the reason names a read found under the choice and not under the project root', () => {
    const existing = files('package.json', 'apps/api/package.json', 'pnpm-lock.yaml');
    const sources = [
      { line: 2, path: 'package.json' },
      { line: 2, path: 'pnpm-lock.yaml' },
    ];
    const choice = chooseContext('apps/api/Dockerfile', sources, contextCandidates('apps/api'), resolver(existing));
    expect(choice.reason).toBe('inferred from apps/api/Dockerfile:2, which copies pnpm-lock.yaml: found under the workspace root and not under apps/api');
  });
});
