// The published package in a user's workspace: `npm pack` of @org/docker installed into fresh
// workspaces outside this repository, one per supported Nx major (and one launched by Deno),
// each with its own node_modules. Every step a new user takes: nx add, three generated services,
// a build, a no-op that calls Docker zero times, an affected rebuild, docker-run answering
// /health, docker-lint and the ci generator. The matrix here is the one the plugin README states.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';
import { attachedRun, removeImagesMatching, REPO, requireEngine, waitForHealth, Workspace, type Runtime } from './harness';

const MATRIX: Array<{ nx: string; runtime: Runtime }> = [
  { nx: '22.7.12', runtime: 'node' },
  { nx: '23.3.2', runtime: 'node' },
  { nx: '24.0.6', runtime: 'node' },
  { nx: '23.3.2', runtime: 'deno' },
];

let tarball: string;
/**
 * Each entry's workspace with its Nx installed. All installs start at once, before the first
 * entry's tests: npm works from its cache while Docker builds for the entries before.
 */
const installed = new Map<string, Promise<{ ws: Workspace; tag: string }>>();

/** `tag` names the entry's services and images: its Nx major, `d` when Deno launches Nx, and a random part. */
async function install(nx: string, runtime: Runtime): Promise<{ ws: Workspace; tag: string }> {
  const tag = `n${nx.split('.')[0]}${runtime === 'deno' ? 'd' : ''}-${Math.random().toString(36).slice(2, 6)}`;
  const ws = await Workspace.standalone(`compat-${tag}`);
  ws.runtime = runtime;
  await execa('npm', ['install', '-D', `nx@${nx}`, '--no-audit', '--no-fund'], { cwd: ws.root });
  return { ws, tag };
}

beforeAll(async () => {
  await requireEngine();
  for (const { nx, runtime } of MATRIX) {
    const pending = install(nx, runtime);
    pending.catch(() => undefined); // awaited by the entry's own beforeAll, which reports it
    installed.set(`${nx} ${runtime}`, pending);
  }
  const dir = mkdtempSync(join(tmpdir(), 'org-docker-pack-'));
  await execa('npm', ['pack', '-w', '@org/docker', '--pack-destination', dir], { cwd: REPO });
  tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')) as string);
});

describe.each(MATRIX)('Nx $nx launched by $runtime, plugin installed from its tarball', ({ nx, runtime }) => {
  let ws: Workspace;
  let tag: string;
  let py: string;
  let node: string;
  let deno: string;

  const ok = async (args: string[]): Promise<string> => {
    const r = await ws.nx(args);
    if (r.exitCode !== 0) throw new Error(`nx ${args.join(' ')} exited ${r.exitCode}:\n${r.output}`);
    return r.output;
  };

  beforeAll(async () => {
    ({ ws, tag } = await (installed.get(`${nx} ${runtime}`) as Promise<{ ws: Workspace; tag: string }>));
    [py, node, deno] = ['py', 'node', 'deno'].map((r) => `${r}-${tag}`);
  });

  afterAll(async () => {
    await removeImagesMatching([`*-${tag}`, `*/*-${tag}`]);
    await ws?.dispose();
  });

  it('nx add registers the plugin and runs its init generator', async () => {
    await ok(['add', `@org/docker@file:${tarball}`]);
    const nxJson = JSON.parse(ws.read('nx.json'));
    expect(nxJson.plugins).toContainEqual(expect.objectContaining({ plugin: '@org/docker' }));
    expect(nxJson.targetDefaults['docker-build']).toEqual(expect.objectContaining({ cache: true }));
    expect(JSON.parse(ws.read('package.json')).devDependencies['@org/docker']).toMatch(/^file:/);
  });

  it('generates a Python, a Node and a Deno service and builds all three', async () => {
    await ok(['g', '@org/docker:service', py, '--runtime=python']);
    await ok(['g', '@org/docker:service', node, '--runtime=node']);
    await ok(['g', '@org/docker:service', deno, '--runtime=deno']);
    await ok(['run-many', '-t', 'docker-build']);
    const run = ws.lastRun();
    for (const p of [py, node, deno]) expect({ p, status: run[`${p}:docker-build`]?.status }).toEqual({ p, status: 0 });
    await ws.commit('services');
  });

  it('a second run is all cache hits and calls Docker zero times', async () => {
    ws.clearDockerCalls();
    await ok(['run-many', '-t', 'docker-build']);
    const statuses = Object.values(ws.lastRun()).map((t) => t.cacheStatus);
    expect(statuses).toEqual(['local-cache-hit', 'local-cache-hit', 'local-cache-hit']);
    expect(ws.dockerCalls()).toEqual([]);
  });

  it('after one source change, affected rebuilds exactly that image', async () => {
    const main = `apps/${py}/src/main.py`;
    ws.write(main, `${ws.read(main)}\n# changed by the compat e2e (${tag})\n`);
    await ok(['affected', '-t', 'docker-build', '--base=HEAD']);
    const run = ws.lastRun();
    expect(Object.keys(run)).toEqual([`${py}:docker-build`]);
    expect(run[`${py}:docker-build`].cacheStatus).toBe('cache-miss');
  });

  it('docker-run runs the image and it answers /health', async () => {
    // Attached, as a user runs it (a continuous target): on Nx 22 a continuous task that
    // returns, as `--detach` does, is reported as failed.
    const name = `compat-${tag}`;
    const run = await attachedRun(ws, ['run', `${py}:docker-run`, `--name=${name}`, '--ports=127.0.0.1::8000'], name, 8000);
    try {
      expect(await waitForHealth(`${run.url}/health`)).toEqual({ status: 'ok', service: py });
    } finally {
      await run.stop();
    }
  });

  it('docker-lint passes the generated Dockerfiles; the ci generator writes a workflow', async () => {
    await ok(['run-many', '-t', 'docker-lint']);
    expect(Object.values(ws.lastRun()).map((t) => t.status)).toEqual([0, 0, 0]);
    await ok(['g', '@org/docker:ci']);
    expect(ws.read('.github/workflows/docker.yml')).toContain('docker-build -c ci');
  });
});
