// This repository's reference system, on the real engine: the shared base images
// (docker/python-base, docker/cuda-python-base), the shared job model (libs/job-models) and
// the six services. The graph has the edges a user reads in the README; a change rebuilds
// exactly what depends on it, in order, on the new base; compose runs the whole system.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { parse } from 'yaml';
import { builtProjects, outcome, REPO, requireEngine, waitForHealth, Workspace } from './harness';

const PYTHON = ['ingestion-api', 'job-status-api', 'llm-worker'];
const GPU = 'transcription-worker';
const ALL = ['python-base', 'cuda-python-base', ...PYTHON, GPU, 'api-gateway', 'notification-service'];
const COMPOSE = 'docker/compose/docker-compose.yml';

async function layers(image: string): Promise<string[]> {
  return JSON.parse((await execa('docker', ['image', 'inspect', image])).stdout)[0].RootFS.Layers;
}

describe('the reference system: shared base images, a shared library, one graph', () => {
  let ws: Workspace;
  const rootOf = (p: string) => (p.endsWith('-base') ? `docker/${p}` : `apps/${p}`);
  const record = (p: string) => ws.imageRecord(rootOf(p));
  const built = builtProjects;
  const ok = outcome;
  const affected = async (base: string) => {
    const r = await ws.nx(['affected', '-t', 'docker-build', `--base=${base}`, '--parallel=4']);
    expect(ok(r)).toEqual({ exitCode: 0, output: '' });
    return ws.lastRun();
  };

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.reference();
  });
  afterAll(async () => {
    await execa('docker', ['compose', '-f', `${ws?.root}/${COMPOSE}`, 'down', '--timeout', '2'], { reject: false });
    await ws?.dispose();
  });

  it('nx graph: each base image -> the services built on it, the job model -> the services that copy it', async () => {
    const r = await ws.nx(['graph', '--file=graph.json']);
    expect(ok(r)).toEqual({ exitCode: 0, output: '' });
    const graph = JSON.parse(ws.read('graph.json')).graph as { dependencies: Record<string, Array<{ target: string }>> };
    const deps = (p: string) => graph.dependencies[p].map((d) => d.target).sort();
    for (const p of PYTHON) expect({ p, deps: deps(p) }).toEqual({ p, deps: ['job-models', 'python-base'] });
    expect(deps(GPU)).toEqual(['cuda-python-base', 'job-models']);
    for (const p of ['api-gateway', 'notification-service', 'python-base', 'cuda-python-base', 'job-models'])
      expect({ p, deps: deps(p) }).toEqual({ p, deps: [] });
    // The README's Mermaid graph is this graph.
    const { imageGraphMermaid, readmeBlock } = await import('../tools/graph-mermaid');
    expect(imageGraphMermaid(JSON.parse(ws.read('graph.json')))).toBe(readmeBlock(readFileSync(join(REPO, 'README.md'), 'utf8')));
    ws.remove('graph.json');
  });

  it('every image builds, each service on the exact base image and with the job model', async () => {
    const r = await ws.nx(['run-many', '-t', 'docker-build', '--parallel=4']);
    expect(ok(r)).toEqual({ exitCode: 0, output: '' });
    expect(built(ws.lastRun())).toEqual([...ALL].sort());
    const base = await layers(record('python-base').contentTag);
    for (const p of PYTHON) {
      expect((await layers(record(p).contentTag)).slice(0, base.length)).toEqual(base);
      const out = await execa('docker', ['run', '--rm', '--entrypoint', 'python', record(p).contentTag, '-c', 'import job_models; print(job_models.VERSION)']);
      expect(out.stdout.trim()).toBe('1');
    }
    const cuda = await layers(record('cuda-python-base').contentTag);
    expect((await layers(record(GPU).contentTag)).slice(0, cuda.length)).toEqual(cuda);
    await ws.commit('built');
  });

  it('a change to python-base rebuilds it first, then exactly the services built on it, on the new base', async () => {
    const head = await ws.git('rev-parse', 'HEAD');
    ws.write(
      'docker/python-base/Dockerfile',
      ws.read('docker/python-base/Dockerfile').replace('WORKDIR /app', 'RUN echo base-v2 > /etc/python-base-version\nWORKDIR /app'),
    );
    const run = await affected(head);
    expect(built(run)).toEqual(['python-base', ...PYTHON].sort());
    const baseEnd = Date.parse(run['python-base:docker-build'].endTime);
    for (const p of PYTHON) expect(Date.parse(run[`${p}:docker-build`].startTime)).toBeGreaterThanOrEqual(baseEnd);
    const base = await layers(record('python-base').contentTag);
    for (const p of PYTHON) {
      // In the image history: the new base's layers are the service's first layers.
      expect((await layers(record(p).contentTag)).slice(0, base.length)).toEqual(base);
      const v = await execa('docker', ['run', '--rm', '--entrypoint', 'cat', record(p).contentTag, '/etc/python-base-version']);
      expect(v.stdout.trim()).toBe('base-v2');
    }
    await ws.commit('python-base v2');
  });

  it('a change to the job model rebuilds exactly the four services that copy it; a service change, only that service', async () => {
    let head = await ws.git('rev-parse', 'HEAD');
    ws.write('libs/job-models/job_models/__init__.py', ws.read('libs/job-models/job_models/__init__.py').replace('VERSION = "1"', 'VERSION = "2"'));
    expect(built(await affected(head))).toEqual([...PYTHON, GPU].sort());
    const out = await execa('docker', ['run', '--rm', '--entrypoint', 'python', record(GPU).contentTag, '-c', 'import job_models; print(job_models.VERSION)']);
    expect(out.stdout.trim()).toBe('2');
    head = await ws.commit('job model v2');
    ws.write('apps/llm-worker/src/main.py', `${ws.read('apps/llm-worker/src/main.py')}\n# changed\n`);
    expect(built(await affected(head))).toEqual(['llm-worker']);
    head = await ws.commit('llm-worker change');
    // Unique per run: BuildKit must not know this manifest from an earlier run.
    ws.write('apps/ingestion-api/requirements.txt', `${ws.read('apps/ingestion-api/requirements.txt')}# a pinned dependency would go here (${ws.prefix})\n`);
    expect(built(await affected(head))).toEqual(['ingestion-api']);
    const steps = (ws.imageRecord('apps/ingestion-api') as unknown as { steps: { ran: string[] } }).steps;
    expect(steps.ran.some((s) => /pip install -r requirements.txt/.test(s))).toBe(true);
    head = await ws.commit('ingestion-api requirements');
    ws.write('apps/api-gateway/NOTES.md', 'not copied by any Dockerfile\n');
    expect(built(await affected(head))).toEqual([]);
    await ws.commit('notes');
  });

  it('compose builds the stage docker-build builds (the GPU service: gpu), and runs the whole system healthy', async () => {
    const compose = parse(ws.read(COMPOSE)) as { services: Record<string, { build: { target: string }; ports: string[] }> };
    for (const [service, def] of Object.entries(compose.services)) {
      const project = JSON.parse(ws.read(`apps/${service}/project.json`)) as { targets: { 'docker-build': { options: { target: string } } } };
      expect({ service, target: def.build.target }).toEqual({ service, target: project.targets['docker-build'].options.target });
    }
    const up = await ws.nx(['run-many', '-t', 'docker-up', '--detach', '--parallel=6']);
    expect(ok(up)).toEqual({ exitCode: 0, output: '' });
    for (const [service, def] of Object.entries(compose.services)) {
      const port = def.ports[0].split(':')[0];
      expect(await waitForHealth(`http://127.0.0.1:${port}/health`, 60_000)).toMatchObject({ status: 'ok', service });
    }
    const gpu = JSON.parse((await execa('docker', ['compose', '-f', `${ws.root}/${COMPOSE}`, 'ps', '--format', 'json', GPU])).stdout.split('\n')[0]) as {
      Image: string;
    };
    expect(gpu.Image).toBe(record(GPU).contentTag);
  });
});
