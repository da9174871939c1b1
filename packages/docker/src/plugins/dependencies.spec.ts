import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dockerDependencies, type DockerBuildConfig } from './dependencies';
import { InferenceCache } from './inference-cache';

describe('image graph edges', () => {
  let root: string;
  const write = (file: string, content: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  };
  const projects = [
    { project: 'python-base', root: 'docker/python-base' },
    { project: 'builder', root: 'docker/builder' },
    { project: 'common', root: 'libs/common' },
    { project: 'api', root: 'apps/api' },
  ];
  const base: DockerBuildConfig = {
    project: 'python-base',
    root: 'docker/python-base',
    repository: '127.0.0.1:5000/acme/python-base',
    file: 'docker/python-base/Dockerfile',
    context: 'docker/python-base',
  };
  const builder: DockerBuildConfig = {
    project: 'builder',
    root: 'docker/builder',
    repository: 'builder',
    file: 'docker/builder/Dockerfile',
    context: 'docker/builder',
  };
  const api = (extra: Partial<DockerBuildConfig> = {}): DockerBuildConfig => ({
    project: 'api',
    root: 'apps/api',
    repository: 'api',
    file: 'apps/api/Dockerfile',
    context: 'apps/api',
    ...extra,
  });
  const edges = (dockerfile: string, extra: Partial<DockerBuildConfig> = {}) => {
    write('apps/api/Dockerfile', dockerfile);
    return dockerDependencies([base, builder, api(extra)], projects, root)
      .filter((e) => e.source === 'api')
      .map((e) => `${e.target} (${e.sourceFile})`)
      .sort();
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'org-docker-graph-'));
    write('docker/python-base/Dockerfile', 'FROM python:3.12-slim\n');
    write('docker/builder/Dockerfile', 'FROM debian:bookworm-slim\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reuses parsed Dockerfiles across graph computations, and never serves a stale one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-docker-deps-cache-'));
    try {
      const run = () => {
        const cache = new InferenceCache<{ uses: string[]; paths: string[] }>('deps.json', dir);
        const out = dockerDependencies([base, builder, api()], projects, root, cache)
          .filter((e) => e.source === 'api')
          .map((e) => e.target);
        cache.save();
        return out;
      };
      write('apps/api/Dockerfile', 'FROM acme/python-base\n');
      expect(run()).toEqual(['python-base']);
      const stored = JSON.parse(readFileSync(join(dir, 'deps.json'), 'utf8')) as Record<string, { uses: string[] }>;
      expect(Object.values(stored).map((v) => v.uses)).toContainEqual(['acme/python-base']);
      expect(run()).toEqual(['python-base']);
      write('apps/api/Dockerfile', 'FROM builder\n');
      expect(run()).toEqual(['builder']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
    const { handOff, imageUses } = await import('../core/image-graph');
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
