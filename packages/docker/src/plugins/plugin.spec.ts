import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { composeServices } from '../core/compose';
import { dockerfileName, inferTargets } from './plugin';
import { normalizeOptions } from './options';

describe('inference', () => {
  let root: string;
  const write = (file: string, content: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'org-docker-infer-'));
    write('apps/api/project.json', JSON.stringify({ name: 'api' }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('names targets after the Dockerfile', () => {
    expect(['Dockerfile', 'Dockerfile.worker', 'gpu.Dockerfile', 'Containerfile', 'Dockerfile.dockerignore'].map(dockerfileName)).toEqual([
      '',
      'worker',
      'gpu',
      'containerfile',
      undefined,
    ]);
  });

  it('gives a cached build target whose inputs are what the Dockerfile reads', () => {
    write('apps/api/Dockerfile', 'ARG PY=python:3.12-slim\nFROM ${PY}\nCOPY requirements.txt ./\nCOPY src/ ./src/\nARG VERSION\nEXPOSE 8000\n');
    write('apps/api/.dockerignore', '**/__pycache__\n');
    const { targets, groups, warnings } = inferTargets({
      dockerfile: 'apps/api/Dockerfile',
      options: normalizeOptions({ registry: '127.0.0.1:5000', buildArgs: { VERSION: '${APP_VERSION}' } }),
      workspaceRoot: root,
    });
    expect(warnings).toEqual([]);
    expect(groups).toEqual(['docker-build', 'docker-run', 'docker-push', 'docker-perf', 'docker-lint', 'docker-audit']);
    const build = targets['docker-build'];
    expect(build).toMatchObject({
      executor: '@org/docker:build',
      cache: true,
      dependsOn: ['build', '^docker-build'],
      outputs: ['{workspaceRoot}/dist/docker/apps/api'],
      options: {
        file: 'apps/api/Dockerfile',
        context: 'apps/api',
        image: '127.0.0.1:5000/api',
        outputPath: 'dist/docker/apps/api',
        buildArgs: { VERSION: '${APP_VERSION}' },
      },
      metadata: { technologies: ['docker'] },
    });
    expect(build.inputs).toEqual([
      '{projectRoot}/Dockerfile',
      '{projectRoot}/Dockerfile.dockerignore',
      '{projectRoot}/.dockerignore',
      '{projectRoot}/requirements.txt',
      '{projectRoot}/requirements.txt/**/*',
      '{projectRoot}/src',
      '{projectRoot}/src/**/*',
      '!{projectRoot}/**/__pycache__',
      '!{projectRoot}/**/__pycache__/**/*',
      { env: 'APP_VERSION' },
      { dependentTasksOutputFiles: '**/!(image.json|image.ref)' },
    ]);
    expect(targets['docker-run']).toMatchObject({
      executor: '@org/docker:run',
      continuous: true,
      dependsOn: ['docker-build'],
      options: { ports: ['8000:8000'] },
    });
    // CI: push, reuse what the registry has, registry layer cache; promotion by digest.
    expect(build.configurations).toEqual({ ci: { push: true, skipExisting: true, registryCache: true } });
    expect(targets['docker-push']).toMatchObject({
      executor: '@org/docker:push',
      dependsOn: ['docker-build'],
      configurations: { ci: {} },
      options: { buildTarget: 'docker-build', tags: ['{version}', '{shortSha}', 'latest'] },
    });
    // Measurements: never cached, never beside other tasks.
    expect(targets['docker-perf']).toMatchObject({
      executor: '@org/docker:perf',
      cache: false,
      parallelism: false,
      dependsOn: ['docker-build'],
      options: { buildTarget: 'docker-build' },
    });
  });

  it('without a registry option, the image name depends on DOCKER_REGISTRY, so the hash does too', () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY src/ ./src/\n');
    const { targets } = inferTargets({ dockerfile: 'apps/api/Dockerfile', options: normalizeOptions({}), workspaceRoot: root });
    expect(targets['docker-build'].inputs).toContainEqual({ env: 'DOCKER_REGISTRY' });
  });

  it('extra Dockerfiles get their own targets, image and output directory', () => {
    write('apps/api/Dockerfile.worker', 'FROM python:3.12-slim\nCOPY worker.py /\n');
    const { targets } = inferTargets({ dockerfile: 'apps/api/Dockerfile.worker', options: normalizeOptions({}), workspaceRoot: root });
    expect(Object.keys(targets)).toEqual([
      'docker-build-worker',
      'docker-run-worker',
      'docker-push-worker',
      'docker-perf-worker',
      'docker-lint-worker',
      'docker-audit-worker',
    ]);
    expect(targets['docker-build-worker'].outputs).toEqual(['{workspaceRoot}/dist/docker/apps/api@worker']);
    expect(targets['docker-build-worker'].options).toMatchObject({ image: 'api-worker', outputPath: 'dist/docker/apps/api@worker' });
  });

  it('a project.json override of the context and stage changes the inputs', () => {
    write(
      'apps/api/Dockerfile',
      'FROM python:3.12-slim AS test\nCOPY tests/ /t/\nFROM python:3.12-slim AS production\nCOPY libs/common/ /lib/\nCOPY apps/api/src/ /src/\n',
    );
    write('apps/api/project.json', JSON.stringify({ name: 'api', targets: { 'docker-build': { options: { context: '.', target: 'production' } } } }));
    const { targets } = inferTargets({ dockerfile: 'apps/api/Dockerfile', options: normalizeOptions({}), workspaceRoot: root });
    expect(targets['docker-build'].inputs).toEqual(
      expect.arrayContaining(['{workspaceRoot}/libs/common/**/*', '{projectRoot}/src/**/*', '{workspaceRoot}/.dockerignore']),
    );
    expect(JSON.stringify(targets['docker-build'].inputs)).not.toContain('tests');
  });

  it('a broken Dockerfile still gets its targets, with a warning naming file and line', () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim\nCOPY . .\nFORM oops\n');
    const { targets, warnings } = inferTargets({ dockerfile: 'apps/api/Dockerfile', options: normalizeOptions({}), workspaceRoot: root });
    expect(warnings.join('\n')).toMatch(/^apps\/api\/Dockerfile:3: Unknown instruction: FORM\ndocker-build of api will fail until this is fixed\.$/);
    expect(targets['docker-build'].inputs).toContain('{projectRoot}/**/*');
  });

  it('gives docker-up / docker-dev to a project whose Dockerfile a compose service builds', () => {
    write('apps/api/Dockerfile', 'FROM python:3.12-slim AS production\nEXPOSE 8000\n');
    const production = composeServices(
      'services:\n  api:\n    image: ${API_IMAGE:-api:latest}\n    build: { context: ../../apps/api, target: production }\n  db:\n    image: postgres:16\n',
      'docker/compose',
    );
    const development = composeServices('services:\n  api:\n    build: { target: development }\n', 'docker/compose');
    const options = normalizeOptions({ upTargetName: 'up' });
    const { targets, groups } = inferTargets({
      dockerfile: 'apps/api/Dockerfile',
      options: options,
      workspaceRoot: root,
      compose: { production, development },
    });
    expect(groups).toEqual(['docker-build', 'docker-run', 'docker-push', 'docker-perf', 'docker-lint', 'docker-audit', 'up', 'docker-dev']);
    expect(targets.up).toMatchObject({
      executor: '@org/docker:compose',
      continuous: true,
      dependsOn: ['docker-build'],
      options: { files: ['docker/compose/docker-compose.yml'], service: 'api', buildTarget: 'docker-build', imageEnv: 'API_IMAGE' },
    });
    expect(targets['docker-dev'].options).toEqual({
      files: ['docker/compose/docker-compose.yml', 'docker/compose/docker-compose.dev.yml'],
      service: 'api',
      build: true,
    });
    // A project no compose service builds gets neither.
    write('apps/web/project.json', '{}');
    write('apps/web/Dockerfile', 'FROM node:22\n');
    expect(
      Object.keys(inferTargets({ dockerfile: 'apps/web/Dockerfile', options: options, workspaceRoot: root, compose: { production, development } }).targets),
    ).toEqual(['docker-build', 'docker-run', 'docker-push', 'docker-perf', 'docker-lint', 'docker-audit']);
  });
});
