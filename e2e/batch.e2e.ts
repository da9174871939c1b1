// Batch mode (`--batch`) on the real engine, on the graph fixture: one process builds a base
// image and its dependents. Every per-task guarantee holds: exact content tags (the hash each
// image is tagged with is the one Nx caches it under), the exact upstream image, zero Docker
// builds on a no-op, a failing image failing only itself and what builds on it, no outputs
// for a failed or interrupted build.
import execa from 'execa';
import { builtProjects, outcome, pluginsInProcess, requireEngine, type TaskRun, Workspace } from './harness';

pluginsInProcess();

const SERVICES = ['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e', 'svc-f', 'svc-g'];
const ON_BASE = ['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e', 'svc-f'];

async function layers(image: string): Promise<string[]> {
  return JSON.parse((await execa('docker', ['image', 'inspect', image])).stdout)[0].RootFS.Layers;
}

async function contents(image: string, file: string): Promise<string> {
  return (await execa('docker', ['run', '--rm', '--entrypoint', 'cat', image, file])).stdout.trim();
}

describe('batch mode: every docker-build of a run in one process', () => {
  let ws: Workspace;
  const root = (project: string) => (project === 'base' ? 'docker/base' : `apps/${project}`);
  const record = (project: string) => ws.imageRecord(root(project));
  const built = builtProjects;
  const ok = outcome;

  /** Each image is tagged with the hash Nx cached its task under, and carries it as its label. */
  async function expectExactTags(run: Record<string, TaskRun>, projects: string[]): Promise<void> {
    for (const project of projects) {
      const r = record(project);
      expect({ project, hash: r.nxHash }).toEqual({ project, hash: run[`${project}:docker-build`].hash });
      const inspect = JSON.parse((await execa('docker', ['image', 'inspect', r.contentTag])).stdout)[0];
      expect(inspect.Config.Labels['dev.nx.task-hash']).toBe(r.nxHash);
    }
  }

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('graph');
  });
  afterAll(async () => {
    await ws?.dispose();
  });

  it('builds all eight images in one batch process, base first, dependents on the exact base', async () => {
    const r = await ws.nx(['run-many', '-t', 'docker-build', '--batch']);
    expect(ok(r)).toEqual({ exitCode: 0, output: '' });
    expect(r.output).toContain('Running 8 tasks with @org/docker:build');
    const run = ws.lastRun();
    expect(built(run)).toEqual(['base', ...SERVICES].sort());
    await expectExactTags(run, ['base', ...SERVICES]);
    const baseLayers = await layers(record('base').contentTag);
    for (const p of ON_BASE) expect((await layers(record(p).contentTag)).slice(0, baseLayers.length)).toEqual(baseLayers);
    for (const p of SERVICES) expect(await contents(record(p).contentTag, '/app/name.txt')).toBe(p);
    await ws.commit('built in a batch');
  });

  it('a batch and per-task runs hash alike: per task, everything is a cache hit with zero Docker builds', async () => {
    ws.clearDockerCalls();
    const r = await ws.nx(['run-many', '-t', 'docker-build']);
    expect(ok(r)).toEqual({ exitCode: 0, output: '' });
    expect(Object.values(ws.lastRun()).every((t) => t.cacheStatus === 'local-cache-hit')).toBe(true);
    const again = await ws.nx(['run-many', '-t', 'docker-build', '--batch']);
    expect(ok(again)).toEqual({ exitCode: 0, output: '' });
    expect(Object.values(ws.lastRun()).every((t) => t.cacheStatus === 'local-cache-hit')).toBe(true);
    expect(ws.dockerCalls().filter((c) => c.startsWith('buildx build'))).toEqual([]);
  });

  it(`a change to the base rebuilds it and exactly its dependents in one batch, on the new base, under their final hashes`, async () => {
    const head = await ws.git('rev-parse', 'HEAD');
    const oldTags = Object.fromEntries(ON_BASE.map((p) => [p, record(p).contentTag]));
    ws.write('docker/base/Dockerfile', ws.read('docker/base/Dockerfile').replace('base-v1', 'base-v2'));
    const r = await ws.nx(['affected', '-t', 'docker-build', `--base=${head}`, '--batch']);
    expect(ok(r)).toEqual({ exitCode: 0, output: '' });
    const run = ws.lastRun();
    expect(built(run)).toEqual(['base', ...ON_BASE].sort());
    await expectExactTags(run, ['base', ...ON_BASE]);
    const newBase = await layers(record('base').contentTag);
    for (const p of ON_BASE) {
      expect(record(p).contentTag).not.toBe(oldTags[p]);
      expect(await contents(record(p).contentTag, '/etc/base-version')).toBe('base-v2');
      expect((await layers(record(p).contentTag)).slice(0, newBase.length)).toEqual(newBase);
    }
    // The same hashes per task: nothing to rebuild.
    const perTask = await ws.nx(['run-many', '-t', 'docker-build']);
    expect(ok(perTask)).toEqual({ exitCode: 0, output: '' });
    expect(built(ws.lastRun())).toEqual([]);
    await ws.commit('base v2');
  });

  it('a failing base fails with no outputs, its dependents are not built (as per task), an unrelated image in the batch is', async () => {
    const head = await ws.git('rev-parse', 'HEAD');
    const before = Object.fromEntries(ON_BASE.map((p) => [p, record(p).contentTag]));
    ws.write('docker/base/Dockerfile', `${ws.read('docker/base/Dockerfile')}RUN echo broken-base && exit 3\n`);
    ws.write('apps/svc-g/src/name.txt', 'svc-g\n');
    ws.write('apps/svc-g/src/extra.txt', 'changed\n');
    ws.clearDockerCalls();
    const r = await ws.nx(['affected', '-t', 'docker-build', `--base=${head}`, '--batch']);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toContain('exit 3');
    const run = ws.lastRun();
    expect(run['svc-g:docker-build'].status).toBe(0);
    expect(run['base:docker-build'].status).not.toBe(0);
    expect(r.output).toContain('Not built: it builds on base:docker-build, which failed.');
    expect(ws.exists('dist/docker/docker/base/image.json')).toBe(false);
    // Never built against a base that does not exist: their records are the ones from before.
    expect(Object.fromEntries(ON_BASE.map((p) => [p, record(p).contentTag]))).toEqual(before);
    expect(ws.dockerCalls().filter((c) => c.startsWith('buildx build') && ON_BASE.some((p) => c.includes(`apps/${p}`)))).toEqual([]);
    expect(ws.exists('dist/docker/apps/svc-g/image.json')).toBe(true);
    expect(await contents(record('svc-g').contentTag, '/app/extra.txt')).toBe('changed');
    await ws.git('checkout', '--', 'docker/base/Dockerfile');
  });

  it('Ctrl-C during a batch stops every build in it and writes no image.json', async () => {
    ws.write('apps/slow/project.json', JSON.stringify({ name: 'slow' }));
    ws.write('apps/slow/Dockerfile', `FROM debian:bookworm-slim\nRUN echo ${ws.prefix}-batch && sleep 120\nUSER 10001\n`);
    ws.write('apps/slow2/project.json', JSON.stringify({ name: 'slow2' }));
    ws.write('apps/slow2/Dockerfile', `FROM debian:bookworm-slim\nRUN echo ${ws.prefix}-batch2 && sleep 120\nUSER 10001\n`);
    await ws.commit('slow');
    const [cmd, argv] = ws.nxCommand(['run-many', '-t', 'docker-build', '-p', 'slow', 'slow2', '--batch', '--outputStyle=stream']);
    const child = execa(cmd, argv, { cwd: ws.root, env: ws.env(), detached: true, all: true, reject: false });
    let output = '';
    child.all?.on('data', (d: Buffer) => (output += d.toString()));
    const started = () => /RUN echo .*-batch &&/.test(output) && /RUN echo .*-batch2 &&/.test(output);
    const deadline = Date.now() + 120_000;
    while (!started() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(started()).toBe(true);
    process.kill(-(child.pid as number), 'SIGINT');
    const result = await child;
    expect(result.exitCode).not.toBe(0);
    expect(ws.exists('dist/docker/apps/slow/image.json')).toBe(false);
    expect(ws.exists('dist/docker/apps/slow2/image.json')).toBe(false);
    const until = Date.now() + 15_000;
    const running = async () => (await execa('pgrep', ['-f', `${ws.root}/apps/slow`], { reject: false })).stdout.trim();
    while ((await running()) && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(await running()).toBe('');
  });
});
