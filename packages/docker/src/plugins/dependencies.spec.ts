import { buildPlan } from '../core/build-plan';
import { createDependencies, dockerDependencies, type PlannedBuild } from './dependencies';

interface Spec {
  context?: string;
  target?: string;
  buildContexts?: Record<string, string>;
}

/** A docker-build target as inference leaves it: its plan computed from the Dockerfile text. */
function planned(project: string, root: string, repository: string, dockerfile: string, spec: Spec = {}): PlannedBuild {
  const context = spec.context ?? root;
  const plan = buildPlan({ dockerfile: `${root}/Dockerfile`, dockerfileText: dockerfile, context }, { target: spec.target, buildContexts: spec.buildContexts });
  return { project, targetName: 'docker-build', root, repository, outputPath: `dist/docker/${root}`, plans: [plan] };
}

describe('image graph edges', () => {
  const projects = [
    { project: 'python-base', root: 'docker/python-base' },
    { project: 'builder', root: 'docker/builder' },
    { project: 'common', root: 'libs/common' },
    { project: 'api', root: 'apps/api' },
  ];
  const base = planned('python-base', 'docker/python-base', '127.0.0.1:5000/acme/python-base', 'FROM python:3.12-slim\n');
  const builder = planned('builder', 'docker/builder', 'builder', 'FROM debian:bookworm-slim\n');
  const edges = (dockerfile: string, spec: Spec = {}) =>
    dockerDependencies([base, builder, planned('api', 'apps/api', 'api', dockerfile, spec)], projects)
      .filter((e) => e.source === 'api')
      .map((e) => `${e.target} (${'sourceFile' in e ? e.sourceFile : ''})`)
      .sort();

  it('createDependencies is a pure function of the plans on the targets: it reads no file', async () => {
    const api = planned('api', 'apps/api', 'api', 'FROM acme/python-base\nCOPY libs/common/ /c/\n', { context: '.' });
    const target = (b: PlannedBuild) => ({
      'docker-build': { executor: '@org/docker:build', options: { image: b.repository, outputPath: b.outputPath, plan: b.plans[0] } },
    });
    const context = {
      workspaceRoot: '/nonexistent-workspace',
      projects: {
        'docker/python-base': { name: 'python-base', root: 'docker/python-base', targets: target(base) },
        'libs/common': { name: 'common', root: 'libs/common', targets: {} },
        'apps/api': { name: 'api', root: 'apps/api', targets: target(api) },
      },
    } as unknown as Parameters<typeof createDependencies>[1];
    const result = await createDependencies(undefined, context);
    expect(result.map((e) => `${e.source}->${e.target}`).sort()).toEqual(['api->common', 'api->python-base']);
  });

  it('FROM another project image (with or without its registry and tag)', () => {
    expect(edges('FROM 127.0.0.1:5000/acme/python-base:latest\n')).toEqual(['python-base (apps/api/Dockerfile)']);
    expect(edges('FROM acme/python-base\n')).toEqual(['python-base (apps/api/Dockerfile)']);
  });

  it('FROM ${ARG} with the image as its default', () => {
    expect(edges('ARG BASE_IMAGE=acme/python-base:3.12\nFROM ${BASE_IMAGE} AS runtime\n')).toEqual(['python-base (apps/api/Dockerfile)']);
  });

  it('COPY --from an image and RUN --mount from an image', () => {
    expect(edges('FROM python:3.12-slim\nCOPY --from=builder:latest /out /app\n')).toEqual(['builder (apps/api/Dockerfile)']);
    expect(edges('FROM python:3.12-slim\nRUN --mount=type=bind,from=builder,target=/b ls /b\n')).toEqual(['builder (apps/api/Dockerfile)']);
  });

  it('a named build context that is a project image or a project directory', () => {
    expect(edges('FROM base\nCOPY --from=tools /x /y\n', { buildContexts: { base: 'docker-image://acme/python-base:latest', tools: 'libs/common' } })).toEqual([
      'common (apps/api/Dockerfile)',
      'python-base (apps/api/Dockerfile)',
    ]);
  });

  it(`COPY of another project's files through a root build context`, () => {
    expect(edges('FROM python:3.12-slim\nCOPY libs/common/src/ /app/common/\nCOPY apps/api/src/ /app/\n', { context: '.' })).toEqual([
      'common (apps/api/Dockerfile)',
    ]);
    // a copy of a parent directory covers every project below it
    expect(edges('FROM python:3.12-slim\nCOPY libs/ /app/libs/\n', { context: '.' })).toEqual(['common (apps/api/Dockerfile)']);
  });

  it('no edge for public images, stages of the same Dockerfile, or its own files', () => {
    expect(
      edges(
        'FROM python:3.12-slim AS builder\nRUN true\nFROM builder AS python-base\nCOPY --from=builder /a /b\nCOPY --from=0 /c /d\nCOPY src/ /app/\nFROM python-base\n',
      ),
    ).toEqual([]);
    expect(edges('FROM docker.io/library/python:3.12-slim\nCOPY --from=node:22 /usr/local/bin/node /usr/local/bin/\n')).toEqual([]);
  });

  it('only the stages the target needs count', () => {
    expect(edges('FROM acme/python-base AS prod\nFROM builder AS tools\nFROM prod AS final\n', { target: 'final' })).toEqual([
      'python-base (apps/api/Dockerfile)',
    ]);
  });
});

describe('upstream hand-off', () => {
  it('overrides the FROM ARG, or maps the reference to a named context', async () => {
    const { handOff } = await import('../core/image-graph');
    const { imageUses } = await import('../core/image-uses');
    const { parseDockerfile } = await import('../core/dockerfile');
    const model = parseDockerfile('ARG BASE=acme/python-base\nFROM ${BASE} AS app\nCOPY --from=builder /a /b\nFROM python:3.12-slim\n');
    const exact: Record<string, string> = { 'acme/python-base': 'acme/python-base:nx-1', builder: 'builder:nx-2' };
    const uses = imageUses(model, 'app');
    expect(handOff(uses, (ref) => exact[ref])).toEqual({
      buildArgs: { BASE: 'acme/python-base:nx-1' },
      buildContexts: { builder: 'docker-image://builder:nx-2' },
    });
    // an explicit build arg wins: the image is then handed over as a named context
    expect(handOff(uses, (ref) => exact[ref], { BASE: 'mine' }).buildContexts['acme/python-base']).toBe('docker-image://acme/python-base:nx-1');
  });
});
