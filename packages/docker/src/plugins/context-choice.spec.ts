// Context inference through createNodesV2 on a temporary workspace: the layouts of real
// repositories (issue 20) get the context their Dockerfiles were written for, say why in the
// target description, and name the Dockerfile line when it is ambiguous.
import { rmSync } from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';
import { parseDockerfile } from '../core/dockerfile';
import { join } from 'node:path';
import { inferenceWorkspace, type Targets } from './inference-workspace.test';

describe('build context inference on a workspace', () => {
  const ws = inferenceWorkspace('context');
  const { write, infer } = ws;
  const build = (t: Targets) => t['docker-build'];
  const description = (t: Targets) => String(build(t).metadata?.description);

  it('a Dockerfile copying its build target’s output from dist/ builds from the workspace root, before dist/ exists', async () => {
    write(
      'packages/web/project.json',
      JSON.stringify({ name: 'web', targets: { build: { outputs: ['{options.outputPath}'], options: { outputPath: 'dist/packages/web' } } } }),
    );
    write('packages/web/Dockerfile', 'FROM node:22-alpine\nWORKDIR /app\nCOPY dist/packages/web ./\nCMD ["node", "main.js"]\n');
    const web = (await infer())['packages/web'];
    expect(build(web).options.context).toBe('.');
    expect(build(web).inputs).toContain('{workspaceRoot}/dist/packages/web/**/*');
    expect(description(web)).toContain(
      'context . (inferred from packages/web/Dockerfile:3, which copies dist/packages/web: found under the workspace root and not under packages/web)',
    );
    expect(ws.warnings).toEqual([]);
  });

  it('a pnpm workspace: the root lockfile and the project’s sources by their workspace paths', async () => {
    write('pnpm-lock.yaml', 'lockfileVersion: 9.0\n');
    write('package.json', '{"name":"repo"}');
    write('apps/api/package.json', JSON.stringify({ name: 'api' }));
    write('apps/api/src/main.ts', 'export {};\n');
    write('apps/api/Dockerfile', 'FROM node:22\nCOPY package.json pnpm-lock.yaml ./\nCOPY apps/api/ ./apps/api/\n');
    const api = (await infer())['apps/api'];
    expect(build(api).options.context).toBe('.');
    expect(build(api).inputs).toEqual(expect.arrayContaining(['{workspaceRoot}/pnpm-lock.yaml', '{projectRoot}/**/*']));
  });

  it('mixed layouts: each Dockerfile gets its own context, with no global option', async () => {
    write('pnpm-lock.yaml', '');
    write('apps/root-ctx/project.json', '{"name":"root-ctx"}');
    write('apps/root-ctx/Dockerfile', 'FROM node:22\nCOPY pnpm-lock.yaml ./\n');
    write('apps/own-ctx/project.json', '{"name":"own-ctx"}');
    write('apps/own-ctx/requirements.txt', '');
    write('apps/own-ctx/Dockerfile', 'FROM python:3.12\nCOPY requirements.txt ./\n');
    const all = await infer();
    expect(build(all['apps/root-ctx']).options.context).toBe('.');
    expect(build(all['apps/own-ctx']).options.context).toBe('apps/own-ctx');
    expect(description(all['apps/own-ctx'])).toContain(
      'context apps/own-ctx (inferred from apps/own-ctx/Dockerfile:2, which copies requirements.txt: found under apps/own-ctx)',
    );
  });

  it('ambiguous sources: the inference warns with the Dockerfile lines and how to settle it', async () => {
    write('pnpm-lock.yaml', '');
    write('apps/api/project.json', '{"name":"api"}');
    write('apps/api/src/main.ts', '');
    write('apps/api/Dockerfile', 'FROM node:22\nCOPY pnpm-lock.yaml ./\nCOPY src/ ./src/\n');
    await infer();
    expect(ws.warnings.join('\n')).toContain('apps/api/Dockerfile:2: pnpm-lock.yaml exists under the workspace root, not under the build context apps/api');
    expect(ws.warnings.join('\n')).toContain('set "context" in the docker-build target\'s options');
  });

  it('package.json "nx.targets" and targetDefaults set the context; a set context that misses a source is named', async () => {
    write('apps/api/package.json', JSON.stringify({ name: 'api', nx: { targets: { 'docker-build': { options: { context: '.' } } } } }));
    write('apps/api/src/main.ts', '');
    write('apps/api/Dockerfile', 'FROM node:22\nCOPY src/ ./src/\n');
    const api = (await infer())['apps/api'];
    expect(build(api).options.context).toBe('.');
    expect(description(api)).toContain('context . (set in package.json "nx.targets")');
    expect(ws.warnings.join('\n')).toContain('apps/api/Dockerfile:2: src exists under apps/api, not under the build context the workspace root');
    rmSync(join(ws.root, 'apps/api/package.json'));
    write('apps/api/project.json', '{"name":"api"}');
    const byDefaults = (await infer({ targetDefaults: { 'docker-build': { options: { context: '{workspaceRoot}' } } } }))['apps/api'];
    expect(description(byDefaults)).toContain('context . (set in nx.json "targetDefaults" of docker-build)');
  });

  it('a compose service, or an nx-container or @nx/docker target that builds the Dockerfile, says its context', async () => {
    write('apps/api/project.json', '{"name":"api"}');
    write('apps/api/Dockerfile', 'FROM node:22\nCOPY . .\n');
    write('docker/compose/docker-compose.yml', 'services:\n  api:\n    build: { context: ../.., dockerfile: apps/api/Dockerfile }\n');
    const api = (await infer())['apps/api'];
    expect(build(api).options.context).toBe('.');
    expect(description(api)).toContain('(as compose service "api" builds it)');
    expect(api['docker-up'].options.service).toBe('api');
    rmSync(join(ws.root, 'docker'), { recursive: true });
    write(
      'apps/api/project.json',
      JSON.stringify({ name: 'api', targets: { container: { executor: '@nx-tools/nx-container:build', options: { file: 'apps/api/Dockerfile' } } } }),
    );
    expect(description((await infer())['apps/api'])).toContain('context . (as the @nx-tools/nx-container target "container" builds it)');
    write(
      'apps/api/project.json',
      JSON.stringify({ name: 'api', targets: { 'docker:build': { options: { cwd: '{workspaceRoot}', args: ['-f {projectRoot}/Dockerfile'] } } } }),
    );
    expect(description((await infer())['apps/api'])).toContain('context . (as the @nx/docker target "docker:build" (its "cwd") builds it)');
  });

  it("the Dockerfile's own ignore file re-including workspace paths says the workspace root", async () => {
    write('apps/api/project.json', '{"name":"api"}');
    write('libs/shared/index.ts', '');
    write('apps/api/Dockerfile', 'FROM node:22\nCOPY . .\n');
    write('apps/api/Dockerfile.dockerignore', '*\n!libs/shared\n!apps/api/src\n');
    const api = (await infer())['apps/api'];
    expect(build(api).options.context).toBe('.');
    expect(description(api)).toContain('inferred from apps/api/Dockerfile.dockerignore:2, which re-includes libs/shared: found under the workspace root');
  });

  it('a file appearing where a source points re-infers the context (the cache is keyed by the decision)', async () => {
    write('apps/api/project.json', '{"name":"api"}');
    write('apps/api/Dockerfile', 'FROM node:22\nCOPY tools/seed.sql /seed.sql\n');
    expect(build((await infer())['apps/api']).options.context).toBe('apps/api');
    write('tools/seed.sql', '');
    expect(build((await infer())['apps/api']).options.context).toBe('.');
  });

  it('a cold inference parses each Dockerfile once: context inference and the plan share the model', async () => {
    write('apps/api/project.json', '{"name":"api"}');
    write('apps/api/Dockerfile', 'FROM node:22\nCOPY once/ ./once/\n');
    const parse = jest.spyOn(DockerfileParser, 'parse');
    parseDockerfile('FROM node:22\nCOPY calibrate/ ./\n'); // what one parse costs (the validator parses too)
    const onceCalls = parse.mock.calls.length;
    parse.mockClear();
    await infer();
    expect(parse).toHaveBeenCalledTimes(onceCalls);
  });
});
