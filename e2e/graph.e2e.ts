// The image graph on the real engine: a base image, a shared library copied through a
// root build context, and eight images built in parallel. Changes rebuild exactly the
// images that depend on them, in dependency order, with the exact upstream image.
import execa from 'execa';
import { builtProjects, pluginsInProcess, requireEngine, type TaskRun, Workspace } from './harness';

pluginsInProcess();

const SERVICES = ['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e', 'svc-f', 'svc-g'];
const ON_BASE = ['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e', 'svc-f'];

async function runIn(image: string, ...cmd: string[]): Promise<string> {
  return (await execa('docker', ['run', '--rm', '--entrypoint', cmd[0], image, ...cmd.slice(1)])).stdout.trim();
}

async function layers(image: string): Promise<string[]> {
  return JSON.parse((await execa('docker', ['image', 'inspect', image])).stdout)[0].RootFS.Layers;
}

describe('image graph: dependency-aware, affected-precise, parallel builds', () => {
  let ws: Workspace;
  const record = (project: string) => ws.imageRecord(project === 'base' ? 'docker/base' : `apps/${project}`);
  const built = builtProjects;

  /** Every image's hash label and contents belong to its own project. */
  async function expectOwnContents(run: Record<string, TaskRun>): Promise<void> {
    for (const project of ['base', ...SERVICES]) {
      const r = record(project);
      expect(r.nxHash).toBe(run[`${project}:docker-build`].hash);
      const inspect = JSON.parse((await execa('docker', ['image', 'inspect', r.contentTag])).stdout)[0];
      expect(inspect.Config.Labels['dev.nx.task-hash']).toBe(r.nxHash);
      if (project !== 'base') expect(await runIn(r.contentTag, 'cat', '/app/name.txt')).toBe(project);
    }
  }

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('graph');
  });
  afterAll(async () => {
    await ws?.dispose();
  });

  it('the graph has an edge for every base image and copied library, and none for public images', async () => {
    const r = await ws.nx(['graph', '--file=graph.json']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    const graph = JSON.parse(ws.read('graph.json')).graph as { dependencies: Record<string, Array<{ target: string; type: string }>> };
    const deps = (p: string) => graph.dependencies[p].map((d) => d.target).sort();
    expect(deps('svc-a')).toEqual(['base', 'common']);
    expect(deps('svc-b')).toEqual(['base', 'common']);
    for (const p of ['svc-c', 'svc-d', 'svc-e', 'svc-f']) expect(deps(p)).toEqual(['base']);
    expect(deps('svc-g')).toEqual([]);
    expect(deps('base')).toEqual([]);
    ws.remove('graph.json');
  });

  it('eight images build cold with --parallel=8, base first, each with its own hash label and contents', async () => {
    const r = await ws.nx(['run-many', '-t', 'docker-build', '--parallel=8']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    const run = ws.lastRun();
    expect(built(run)).toEqual(['base', ...SERVICES].sort());
    const baseEnd = Date.parse(run['base:docker-build'].endTime);
    for (const p of ON_BASE) expect(Date.parse(run[`${p}:docker-build`].startTime)).toBeGreaterThanOrEqual(baseEnd);
    await expectOwnContents(run);
    // Dependents were built on the exact base image: its layers are theirs.
    const baseLayers = await layers(record('base').contentTag);
    for (const p of ON_BASE) expect((await layers(record(p).contentTag)).slice(0, baseLayers.length)).toEqual(baseLayers);
    expect(await runIn(record('svc-a').contentTag, 'python3', '/app/main.py')).toBe('svc-a common-v1');
    await ws.commit('built');
  });

  it('a no-op affected run does zero Docker builds', async () => {
    ws.clearDockerCalls();
    const r = await ws.nx(['affected', '-t', 'docker-build', '--base=HEAD~1']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(Object.values(ws.lastRun()).every((t) => t.cacheStatus === 'local-cache-hit')).toBe(true);
    expect(ws.dockerCalls().filter((c) => c.startsWith('buildx build'))).toEqual([]);
  });

  it(`a change to the base's Dockerfile rebuilds the base first, then exactly its dependents, on the new base`, async () => {
    const head = await ws.git('rev-parse', 'HEAD');
    const oldBase = await layers(record('base').contentTag);
    ws.write('docker/base/Dockerfile', ws.read('docker/base/Dockerfile').replace('base-v1', 'base-v2'));
    const r = await ws.nx(['affected', '-t', 'docker-build', `--base=${head}`, '--parallel=8']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    const run = ws.lastRun();
    expect(built(run)).toEqual(['base', ...ON_BASE].sort());
    expect(run['svc-g:docker-build']).toBeUndefined();
    const baseEnd = Date.parse(run['base:docker-build'].endTime);
    for (const p of ON_BASE) expect(Date.parse(run[`${p}:docker-build`].startTime)).toBeGreaterThanOrEqual(baseEnd);
    const newBase = await layers(record('base').contentTag);
    expect(newBase).not.toEqual(oldBase);
    for (const p of ON_BASE) {
      expect(await runIn(record(p).contentTag, 'cat', '/etc/base-version')).toBe('base-v2');
      expect((await layers(record(p).contentTag)).slice(0, newBase.length)).toEqual(newBase);
    }
    // Run everything: the unrelated image stays a cache hit, and all contents are still their own.
    const all = await ws.nx(['run-many', '-t', 'docker-build', '--parallel=8']);
    expect(all.exitCode).toBe(0);
    expect(built(ws.lastRun())).toEqual([]);
    await expectOwnContents(ws.lastRun());
    await ws.commit('base v2');
  });

  it('a change to libs/common rebuilds exactly the services that copy it', async () => {
    const head = await ws.git('rev-parse', 'HEAD');
    ws.write('libs/common/common/__init__.py', 'GREETING = "common-v2"\n');
    const r = await ws.nx(['affected', '-t', 'docker-build', `--base=${head}`]);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(built(ws.lastRun())).toEqual(['svc-a', 'svc-b']);
    expect(await runIn(record('svc-b').contentTag, 'python3', '/app/main.py')).toBe('svc-b common-v2');
    await ws.commit('common v2');
  });

  it(`a change to one service's source rebuilds only that service`, async () => {
    const head = await ws.git('rev-parse', 'HEAD');
    ws.write('apps/svc-d/src/extra.txt', 'new file\n');
    const r = await ws.nx(['affected', '-t', 'docker-build', `--base=${head}`]);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(built(ws.lastRun())).toEqual(['svc-d']);
    expect(await runIn(record('svc-d').contentTag, 'cat', '/app/extra.txt')).toBe('new file');
  });
});
