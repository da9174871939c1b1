import { readJson, readNxJson, readProjectConfiguration, visitNotIgnoredFiles, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'yaml';
import { parseDockerfile } from '../../core/dockerfile';
import { ignoreMatcher, parseIgnore } from '../../core/dockerignore';
import { lintText } from '../../core/lint';
import type { Runtime } from '../../core/runtime';
import { baseImageGenerator } from '../base-image/generator';
import { serviceGenerator } from './generator';

/** The text of one stage (from its FROM to the next FROM). */
function stageText(dockerfile: string, name: string): string {
  const parts = dockerfile.split(/^(?=FROM )/m);
  const part = parts.find((p) => new RegExp(`^FROM \\S+ AS ${name}\\s`).test(p));
  if (!part) throw new Error(`no stage ${name}`);
  return part;
}

const manifests: Record<Runtime, string[]> = {
  python: ['requirements.txt', 'requirements-dev.txt', 'src/main.py', 'reload.py'],
  node: ['package.json', 'package-lock.json', 'src/main.mjs'],
  deno: ['deno.json', 'deno.lock', 'src/main.ts'],
};

describe('service generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  describe.each(['python', 'node', 'deno'] as Runtime[])('%s', (runtime) => {
    it.each([false, true])('creates a runnable, hardened service (gpu: %s)', async (gpu) => {
      await serviceGenerator(tree, { name: 'ingest', runtime, gpu });
      const root = 'apps/ingest';
      for (const f of [...manifests[runtime], 'Dockerfile', '.dockerignore', 'project.json']) expect(tree.exists(`${root}/${f}`)).toBe(true);

      const dockerfile = tree.read(`${root}/Dockerfile`, 'utf-8') ?? '';
      const model = parseDockerfile(dockerfile);
      expect(model.errors).toEqual([]);
      const stages = model.stages.map((s) => s.name);
      expect(stages).toEqual(expect.arrayContaining(['base', 'deps', 'development', 'production']));
      expect(stages.includes('gpu')).toBe(gpu);
      // No `# syntax=` line by default: it makes every build pull a frontend image.
      expect(dockerfile).not.toMatch(/^# *syntax=/m);
      // Base images through ARGs, so they can be pinned or overridden.
      expect(model.stages.find((s) => s.name === 'base')?.rawImage).toMatch(/^\$\{[A-Z_]+_IMAGE\}$/);
      if (gpu) expect(model.globalArgs.CUDA_IMAGE).toMatch(/^nvidia\/cuda:[\d.]+-runtime-/);

      for (const final of ['production', ...(gpu ? ['gpu'] : [])]) {
        const text = stageText(dockerfile, final);
        expect(text).toMatch(/^USER 10001:10001$/m);
        expect(text).toMatch(/^HEALTHCHECK .*\n.*CMD \[.*\/health/m);
        expect(text).toMatch(/^EXPOSE \d+$/m);
        expect(text).toMatch(/^ENTRYPOINT \["tini", "--"\]$/m);
        expect(text).toMatch(/^CMD \[/m);
        expect(text).toMatch(/org\.opencontainers\.image\.version="\$\{VERSION\}"/);
        // Application files stay owned by root: no --chown to the runtime user.
        expect(text).not.toMatch(/--chown/);
      }
      // The install reads only the manifest, with a cache mount; the sources come later.
      const deps = stageText(dockerfile, 'deps');
      expect(deps).toMatch(/RUN --mount=type=cache,target=/);
      expect(deps).not.toMatch(/COPY src/);
      expect(stageText(dockerfile, 'base')).toMatch(/sharing=locked[\s\S]*apt-get install -y --no-install-recommends/);

      // .dockerignore: deny by default, and everything the Dockerfile copies gets through.
      const ignored = ignoreMatcher(parseIgnore(tree.read(`${root}/.dockerignore`, 'utf-8') ?? ''));
      expect(ignored('.git')).toBe(true);
      expect(ignored('notes.md')).toBe(true);
      for (const stage of model.stages) {
        for (const read of stage.reads.filter((r) => r.kind === 'COPY' && !r.from)) {
          for (const src of read.sources) expect([src, ignored(String(src).replace(/\/$/, '') + (src?.endsWith('/') ? '/x' : ''))]).toEqual([src, false]);
        }
      }

      const project = readProjectConfiguration(tree, 'ingest');
      expect(project.targets?.['docker-build']?.options).toEqual({ target: gpu ? 'gpu' : 'production' });
      expect(project.tags).toContain(`runtime:${runtime}`);
    });
  });

  it('adds the service to the production and development compose files, with a free host port', async () => {
    await serviceGenerator(tree, { name: 'ingestion-api', runtime: 'python' });
    await serviceGenerator(tree, { name: 'job-status-api', runtime: 'python' });
    const prod = parse(tree.read('docker/compose/docker-compose.yml', 'utf-8') ?? '');
    const dev = parse(tree.read('docker/compose/docker-compose.dev.yml', 'utf-8') ?? '');
    expect(prod.services['ingestion-api']).toMatchObject({
      image: '${INGESTION_API_IMAGE:-ingestion-api:latest}',
      build: { context: '../../apps/ingestion-api', target: 'production' },
      ports: ['8000:8000'],
      read_only: true,
      cap_drop: ['ALL'],
    });
    expect(prod.services['job-status-api'].ports).toEqual(['8001:8000']);
    expect(dev.services['job-status-api']).toMatchObject({ build: { target: 'development' }, volumes: ['../../apps/job-status-api/src:/app/src:ro'] });
    expect(prod.name).toBe(dev.name);
  });

  it('names the image the way the plugin will (registry and repository options)', async () => {
    const nxJson = readNxJson(tree) ?? {};
    nxJson.plugins = [{ plugin: '@org/docker', options: { registry: 'ghcr.io/acme', repository: 'mlops/{projectName}' } }];
    tree.write('nx.json', JSON.stringify(nxJson));
    await serviceGenerator(tree, { name: 'llm-worker', runtime: 'python' });
    const prod = parse(tree.read('docker/compose/docker-compose.yml', 'utf-8') ?? '');
    expect(prod.services['llm-worker'].image).toBe('${LLM_WORKER_IMAGE:-ghcr.io/acme/mlops/llm-worker:latest}');
  });

  it('honours --port, --directory, --baseImage, --systemPackages and --syntax', async () => {
    await serviceGenerator(tree, {
      name: 'gateway',
      runtime: 'node',
      port: 8080,
      directory: 'services/gateway',
      baseImage: 'node:20-bookworm-slim',
      systemPackages: 'curl, libpq5',
      syntax: true,
    });
    const dockerfile = tree.read('services/gateway/Dockerfile', 'utf-8') ?? '';
    expect(dockerfile.split('\n')[0]).toBe('# syntax=docker/dockerfile:1');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/--no-install-recommends tini ca-certificates curl libpq5$/m);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(tree.read('services/gateway/src/main.mjs', 'utf-8')).toContain('?? 8080');
    expect(readJson(tree, 'services/gateway/package-lock.json')).toMatchObject({ lockfileVersion: 3, packages: { '': { name: 'gateway' } } });
  });

  it.each([
    ['Ingest_API', /"Ingest_API" is not a valid service name: .*lowercase.*\(e\.g\. "ingest-api"\)/],
    ['9lives', /"9lives" is not a valid service name/],
    ['a--b', /"a--b" is not a valid service name/],
    ['x'.repeat(64), /at most 63/],
  ])('rejects the name %s with a clear error', async (name, message) => {
    const before = tree.listChanges().map((c) => c.path);
    await expect(serviceGenerator(tree, { name, runtime: 'python' })).rejects.toThrow(message);
    expect(tree.listChanges().map((c) => c.path)).toEqual(before);
  });

  it('--base builds FROM a base-image project, --lib copies a library through a named context; compose builds the same stage', async () => {
    await baseImageGenerator(tree, { name: 'python-base', systemPackages: 'libsndfile1' });
    tree.write('libs/job-models/project.json', JSON.stringify({ name: 'job-models', root: 'libs/job-models' }));
    tree.write('libs/job-models/job_models/__init__.py', 'VERSION = "1"\n');
    await serviceGenerator(tree, { name: 'billing', runtime: 'python', base: 'python-base', lib: 'job-models', gpu: true });
    const base = tree.read('docker/python-base/Dockerfile', 'utf-8') ?? '';
    expect(parseDockerfile(base).errors).toEqual([]);
    expect(base).toContain('libsndfile1');
    expect(base).toMatch(/^USER 10001:10001$/m);
    expect(readProjectConfiguration(tree, 'python-base').tags).toContain('base-image');
    const dockerfile = tree.read('apps/billing/Dockerfile', 'utf-8') ?? '';
    expect(parseDockerfile(dockerfile).errors).toEqual([]);
    // The ARG default names the base the way inference names its image: the hand-off matches it.
    expect(dockerfile).toMatch(/^ARG PYTHON_BASE=python-base:latest$/m);
    expect(stageText(dockerfile, 'base')).toMatch(/^FROM \$\{PYTHON_BASE\} AS base\nUSER root\n/);
    for (const stage of ['development', 'production', 'gpu'])
      expect(stageText(dockerfile, stage)).toContain('COPY --from=job-models job_models/ ./job_models/');
    expect(readProjectConfiguration(tree, 'billing').targets?.['docker-build'].options).toEqual({
      target: 'gpu',
      buildContexts: { 'job-models': 'libs/job-models' },
    });
    const compose = parse(tree.read('docker/compose/docker-compose.yml', 'utf-8') ?? '') as { services: Record<string, { build: Record<string, unknown> }> };
    expect(compose.services.billing.build).toMatchObject({ target: 'gpu', additional_contexts: { 'job-models': '../../libs/job-models' } });
    // Lint: the base's tag is handed over, not used; nothing else to say about the base either.
    const findings = lintText('Dockerfile', dockerfile, { workspaceImages: ['python-base'], target: 'gpu' }).findings.filter((f) => f.severity !== 'info');
    expect(findings).toEqual([]);
  });

  it('--base and --lib name existing projects of the right kind, and only for Python', async () => {
    await expect(serviceGenerator(tree, { name: 'a', runtime: 'python', base: 'nope' })).rejects.toThrow('--base: no project named "nope"');
    tree.write('libs/empty/project.json', JSON.stringify({ name: 'empty', root: 'libs/empty' }));
    await expect(serviceGenerator(tree, { name: 'b', runtime: 'python', lib: 'empty' })).rejects.toThrow('holds no Python package');
    await baseImageGenerator(tree, { name: 'python-base' });
    await expect(serviceGenerator(tree, { name: 'c', runtime: 'node', base: 'python-base' })).rejects.toThrow('--base and --lib are for Python services');
  });

  it('rejects bad ports, package names and an existing project', async () => {
    await expect(serviceGenerator(tree, { name: 'a', runtime: 'node', port: 70000 })).rejects.toThrow(/70000 is not a TCP port/);
    await expect(serviceGenerator(tree, { name: 'a', runtime: 'node', systemPackages: 'curl;rm -rf /' })).rejects.toThrow(/not a Debian package name/);
    await serviceGenerator(tree, { name: 'a', runtime: 'node' });
    await expect(serviceGenerator(tree, { name: 'a', runtime: 'python', directory: 'apps/other' })).rejects.toThrow(/project named "a" already exists/);
  });
});

describe('generated Dockerfiles pass docker-lint', () => {
  it.each([
    ['python', false],
    ['python', true],
    ['node', false],
    ['node', true],
    ['deno', false],
    ['deno', true],
  ] as Array<[Runtime, boolean]>)('%s (gpu: %s): no error or warning finding', async (runtime, gpu) => {
    const tree = createTreeWithEmptyWorkspace();
    await serviceGenerator(tree, { name: 'svc', runtime, gpu });
    const root = 'apps/svc';
    const files: string[] = [];
    visitNotIgnoredFiles(tree, root, (f) => files.push(f.slice(root.length + 1)));
    const target = readProjectConfiguration(tree, 'svc').targets?.['docker-build']?.options?.target as string | undefined;
    const result = lintText(`${root}/Dockerfile`, tree.read(`${root}/Dockerfile`, 'utf-8') ?? '', {
      target,
      ignore: parseIgnore(tree.read(`${root}/.dockerignore`, 'utf-8') ?? ''),
      contextFiles: files,
      readContextFile: (p) => tree.read(`${root}/${p}`, 'utf-8') ?? undefined,
    });
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});
