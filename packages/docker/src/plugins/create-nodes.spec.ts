// createNodesV2 itself, on a temporary workspace (git included): the inference cache and every
// case where the inputs used to be narrower than what BuildKit reads (a stale image from cache).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { inferenceWorkspace, type Targets } from './inference-workspace.test';

describe('createNodesV2 on a workspace', () => {
  const ws = inferenceWorkspace('nodes');
  const { write, infer, warnings, dataDir } = ws;
  const { createNodesV2, DOCKERFILE_GLOB } = ws.plugin;
  const inputs = (t: Targets) => t['docker-build'].inputs as unknown[];

  beforeEach(() => write('apps/api/project.json', JSON.stringify({ name: 'api' })));

  it('infers every target of a typical service (snapshot)', async () => {
    write(
      'apps/api/Dockerfile',
      'FROM python:3.12-slim AS deps\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nFROM deps AS production\nCOPY src/ /app/\nEXPOSE 8000\nUSER 10001\n',
    );
    write('apps/api/.dockerignore', '**/__pycache__\n');
    expect(await infer()).toMatchSnapshot();
  });

  it('the lint policy in the plugin options (allowed registries, required labels) reaches every docker-lint target', async () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY src/ /app/\n');
    const lint = { allowedRegistries: ['docker.io'], requiredLabels: ['org.opencontainers.image.source'], failOn: 'warning' };
    expect((await infer({}, { lint }))['apps/api']['docker-lint'].options).toMatchObject(lint);
  });

  it('nx-release-publish (what `nx release publish` runs) is inferred only with releasePublish, on the build it publishes', async () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY src/ /app/\n');
    expect((await infer())['apps/api']['nx-release-publish']).toBeUndefined();
    rmSync(dataDir, { recursive: true, force: true });
    expect((await infer({}, { releasePublish: true }))['apps/api']['nx-release-publish']).toMatchObject({
      executor: '@org/docker:release-publish',
      dependsOn: ['docker-build'],
      options: { buildTarget: 'docker-build', tags: ['{version}'] },
    });
  });

  it('serves a second computation from the inference cache, and recomputes when a file it read changes', async () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY src/ /app/\n');
    const first = await infer();
    expect(inputs(first['apps/api'])).toContain('{projectRoot}/src/**/*');
    // Prove the second run is a cache hit: a marker put into the stored entry comes back.
    const [cacheFile] = fg.sync('org-docker-*.json', { cwd: dataDir, absolute: true });
    const stored = JSON.parse(readFileSync(cacheFile, 'utf8'));
    const key = Object.keys(stored)[0];
    stored[key].targets['docker-build'].metadata.description = 'from the cache';
    writeFileSync(cacheFile, JSON.stringify(stored));
    write('apps/api/README.md', 'not read by inference\n');
    expect((await infer())['apps/api']['docker-build'].metadata?.description).toBe('from the cache');
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY lib/ /app/\n');
    const third = await infer();
    expect(inputs(third['apps/api'])).toContain('{projectRoot}/lib/**/*');
    expect(third['apps/api']['docker-build'].metadata?.description).not.toBe('from the cache');
  });

  it('a context set in project.json: the root .dockerignore is read and keyed, so editing it re-infers (cases 1, 14)', async () => {
    write('apps/api/project.json', JSON.stringify({ name: 'api', targets: { 'docker-build': { options: { context: '.' } } } }));
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY apps/api/ /app/\n');
    write('.dockerignore', 'apps/api/tests\n');
    expect(inputs((await infer())['apps/api'])).toContain('!{projectRoot}/tests');
    write('.dockerignore', '# nothing excluded now\n');
    expect(inputs((await infer())['apps/api'])).not.toContain('!{projectRoot}/tests');
  });

  it('package.json supplies the name: renaming the project re-infers the image name (case 1)', async () => {
    rmSync(join(ws.root, 'apps/api/project.json'));
    write('apps/api/package.json', JSON.stringify({ name: 'api' }));
    write('apps/api/Dockerfile', 'FROM node:22\n');
    expect((await infer())['apps/api']['docker-build'].options.image).toBe('api');
    write('apps/api/package.json', JSON.stringify({ name: 'gateway' }));
    expect((await infer())['apps/api']['docker-build'].options.image).toBe('gateway');
  });

  it('targetDefaults, package.json nx.targets and configurations that change the stage or context are seen (cases 2, 20.2)', async () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim AS dev\nCOPY tests/ /t/\nFROM python:3.12-slim AS production\nCOPY src/ /app/\n');
    const byDefaults = await infer({ targetDefaults: { 'docker-build': { options: { target: 'dev' } } } });
    expect(inputs(byDefaults['apps/api'])).toContain('{projectRoot}/tests/**/*');
    expect(inputs(byDefaults['apps/api'])).not.toContain('{projectRoot}/src/**/*');
    write('apps/api/project.json', JSON.stringify({ name: 'api', targets: { 'docker-build': { configurations: { prod: { target: 'production' } } } } }));
    const withConfig = await infer({ targetDefaults: { 'docker-build': { options: { target: 'dev' } } } });
    // The inputs cover every configuration; the configuration carries its own plan.
    expect(inputs(withConfig['apps/api'])).toEqual(expect.arrayContaining(['{projectRoot}/tests/**/*', '{projectRoot}/src/**/*']));
    expect(withConfig['apps/api']['docker-build'].configurations?.prod?.plan).toMatchObject({ target: 'production', stages: ['production'] });
    rmSync(join(ws.root, 'apps/api/project.json'));
    write('apps/api/package.json', JSON.stringify({ name: 'api', nx: { targets: { 'docker-build': { options: { context: '.' } } } } }));
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY libs/common/ /c/\n');
    expect(inputs((await infer())['apps/api'])).toContain('{workspaceRoot}/libs/common/**/*');
  });

  it('a project at the workspace root gets its own output directory, not all of dist/docker (case 5)', async () => {
    write('project.json', JSON.stringify({ name: 'root-app' }));
    write('Dockerfile', 'FROM node:22\nCOPY index.js /\n');
    const root_ = (await infer())['.'];
    expect(root_['docker-build'].outputs).toEqual(['{workspaceRoot}/dist/docker/@root']);
  });

  it('a .dockerignore that lists the Dockerfile keeps the Dockerfile an input (case 9)', async () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY . /app/\n');
    write('apps/api/.dockerignore', 'Dockerfile*\n.dockerignore\nnode_modules\n');
    const list = inputs((await infer())['apps/api']);
    expect(list).toContain('{projectRoot}/Dockerfile');
    expect(list.filter((i) => typeof i === 'string' && i.startsWith('!') && /Dockerfile|dockerignore/.test(i))).toEqual([]);
    expect(list).toContain('!{projectRoot}/node_modules');
  });

  it('quoted ARG values resolve COPY sources (case 10)', async () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nARG APP="api"\nCOPY services/${APP}/ /app/\n');
    expect(inputs((await infer())['apps/api'])).toContain('{projectRoot}/services/api/**/*');
  });

  it("BuildKit's automatic platform ARGs keep the stage chain (case 11)", async () => {
    write(
      'apps/api/Dockerfile',
      'FROM alpine AS binaries-linux\nCOPY bin/linux/ /b/\nFROM alpine AS binaries-windows\nCOPY bin/windows/ /b/\nFROM binaries-$TARGETOS AS binaries\nFROM alpine\nCOPY --from=binaries /b /usr/bin/\n',
    );
    const list = inputs((await infer())['apps/api']);
    expect(list).toContain('{projectRoot}/bin/linux/**/*');
    expect(list).not.toContain('{projectRoot}/bin/windows/**/*');
  });

  it('git-ignored files the build reads are named with their Dockerfile line; .git under a whole-context mount too (cases 6, 12, 13)', async () => {
    write('.gitignore', 'apps/api/src/generated.py\napps/api/obj/\n');
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY requirements.txt ./\nCOPY src/ /app/\n');
    write('apps/api/src/main.py', 'print(1)\n');
    write('apps/api/src/generated.py', 'X = 1\n');
    write('apps/api/obj/cache.bin', 'x');
    await infer();
    expect(warnings.join('\n')).toContain('apps/api/Dockerfile:3: reads apps/api/src/generated.py, which git ignores');
    expect(warnings.join('\n')).not.toContain('obj');
    warnings.length = 0;
    write('apps/api/project.json', JSON.stringify({ name: 'api', targets: { 'docker-build': { options: { context: '.' } } } }));
    write('apps/api/Dockerfile', 'FROM alpine\nRUN --mount=type=bind,target=/src ls /src\n');
    await infer();
    expect(warnings.join('\n')).toMatch(/apps\/api\/Dockerfile:2: reads \.git\/, which git ignores/);
  });

  it('a broken ignore file or one that is a directory fails only its own project; the graph builds (issue 14: 4, 5)', async () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY src/ /app/\n');
    write('apps/api/.dockerignore', '[\nsrc/tmp\n');
    write('apps/web/project.json', JSON.stringify({ name: 'web' }));
    write('apps/web/Dockerfile', 'FROM node:22\nCOPY index.js /\n');
    mkdirSync(join(ws.root, 'apps/web/.dockerignore'));
    const all = await infer();
    expect(inputs(all['apps/api']).filter((i) => typeof i === 'string' && i.includes('['))).toEqual([]);
    expect(all['apps/api']['docker-build'].options.plan.problems[0].message).toContain('invalid pattern "["');
    expect(all['apps/web']['docker-build'].options.plan.problems[0].message).toContain('is a directory');
    expect(warnings.join('\n')).toContain('docker-build of web will fail until this is fixed');
  });

  it("a Dockerfile line over BuildKit's 64 KiB is refused without parsing it (issue 14: 8)", async () => {
    write('apps/api/Dockerfile', `FROM alpine\nRUN echo ${'x'.repeat(70 * 1024)}\n`);
    const plan = (await infer())['apps/api']['docker-build'].options.plan;
    expect(plan.problems).toEqual([{ line: 2, message: expect.stringContaining("longer than BuildKit's limit of 64 KiB") }]);
  });

  it('two builds of one image repository both fail, each naming the other; the cache keeps no such problem (issue 14: 10)', async () => {
    write('apps/api/Dockerfile.worker', 'FROM python:3.12-slim\n');
    write('apps/api-worker/project.json', JSON.stringify({ name: 'api-worker' }));
    write('apps/api-worker/Dockerfile', 'FROM python:3.12-slim\n');
    const all = await infer();
    expect(all['apps/api']['docker-build-worker'].options.plan.problems[0].message).toContain(
      'image repository api-worker is also built by apps/api-worker:docker-build',
    );
    expect(all['apps/api-worker']['docker-build'].options.plan.problems[0].message).toContain('also built by apps/api:docker-build-worker');
    rmSync(join(ws.root, 'apps/api-worker'), { recursive: true });
    expect((await infer())['apps/api']['docker-build-worker'].options.plan.problems).toEqual([]);
  });

  it('beside @nx/docker: no clash by default; a target name both plugins infer fails our build saying so (issue 20: 3)', async () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\n');
    const nxDocker = { plugins: [{ plugin: '@org/docker' }, { plugin: '@nx/docker' }] };
    expect((await infer(nxDocker))['apps/api']['docker-build'].options.plan.problems).toEqual([]);
    expect(warnings.join('\n')).not.toContain('also inferred');
    const taken = (await infer(nxDocker, { buildTargetName: 'docker:build' }))['apps/api']['docker:build'].options.plan.problems;
    expect(taken).toEqual([
      { line: 1, message: expect.stringContaining('target "docker:build" is also inferred by @nx/docker (its "buildTarget"), and Nx would merge') },
    ]);
    expect(warnings.join('\n')).toContain('target "docker:build" is also inferred by @nx/docker');
    // @nx/docker's own names, renamed: ours may then use the default ones.
    const renamed = { plugins: [{ plugin: '@nx/docker', options: { buildTarget: { name: 'container-build' }, runTarget: 'container-run' } }] };
    expect((await infer(renamed, { buildTargetName: 'docker:build' }))['apps/api']['docker:build'].options.plan.problems).toEqual([]);
    expect((await infer(renamed, { buildTargetName: 'container-build' }))['apps/api']['container-build'].options.plan.problems).toHaveLength(1);
  });

  it("target options (part of Nx's task hash) are the same whatever git-ignored files a machine has; only the warning differs", async () => {
    write('.gitignore', 'apps/api/src/generated.py\n');
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY src/ /app/\n');
    write('apps/api/src/main.py', 'print(1)\n');
    const clean = (await infer())['apps/api']['docker-build'].options;
    expect(warnings.join('\n')).not.toContain('which git ignores');
    write('apps/api/src/generated.py', 'X = 1\n');
    rmSync(dataDir, { recursive: true, force: true }); // another machine: no inference cache either
    const withIgnored = (await infer())['apps/api']['docker-build'].options;
    expect(warnings.join('\n')).toContain('which git ignores');
    expect(withIgnored).toEqual(clean);
    expect(withIgnored.plan.unhashed).toBeUndefined();
  });
  it("an image built on another project's image hashes that build's inputs, transitively, by name (batch mode needs final hashes)", async () => {
    write('docker/base/project.json', JSON.stringify({ name: 'base' }));
    write('docker/base/Dockerfile', 'FROM python:3.12-slim\nRUN true\n');
    write('apps/api/Dockerfile', 'FROM base:latest\nCOPY src/ /app/\n');
    write('apps/web/project.json', JSON.stringify({ name: 'web' }));
    write('apps/web/Dockerfile.worker', 'ARG API=api:latest\nFROM ${API}\n');
    const files = fg.sync(DOCKERFILE_GLOB, { cwd: ws.root, dot: true });
    const results = await createNodesV2[1](files, {}, { workspaceRoot: ws.root, nxJsonConfiguration: {}, configFiles: files } as never);
    const projects = Object.fromEntries(results.flatMap(([, r]) => Object.entries(r.projects ?? {})));
    const upstream = (root: string, target: string) => (projects[root].targets?.[target].inputs ?? []).filter((i) => typeof i === 'object' && 'input' in i);
    expect(upstream('docker/base', 'docker-build')).toEqual([]);
    expect(upstream('apps/api', 'docker-build')).toEqual([{ input: 'docker-build', projects: ['base'] }]);
    expect(upstream('apps/web', 'docker-build-worker')).toEqual([{ input: 'docker-build', projects: ['api', 'base'] }]);
    // What those names stand for: each build target's own inputs, never its dependencies' outputs.
    const ownInputs = (root: string, target: string) =>
      (projects[root].targets?.[target].inputs ?? []).filter((i) => typeof i === 'string' || !('dependentTasksOutputFiles' in i || 'input' in i));
    expect(projects['docker/base'].namedInputs?.['docker-build']).toEqual(ownInputs('docker/base', 'docker-build'));
    expect(projects['apps/api'].namedInputs?.['docker-build']).toEqual(ownInputs('apps/api', 'docker-build'));
    expect(projects['apps/web'].namedInputs?.['docker-build-worker']).toEqual(ownInputs('apps/web', 'docker-build-worker'));
    expect(ownInputs('apps/web', 'docker-build-worker')).toContain('{projectRoot}/Dockerfile.worker');
    // Nx hashes a project's whole configuration into each of its tasks: nothing about other
    // projects may appear in it, or adding a project would rebuild every image.
    expect(JSON.stringify(projects['apps/web'].targets)).not.toContain('workspaceImages');
    expect(JSON.stringify(projects['apps/api'].targets?.['docker-build'].inputs)).toContain('"dependentTasksOutputFiles":"**/!(image.json|image.ref)"');
  });
});
