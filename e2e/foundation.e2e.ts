// The foundation promise, end to end on the real engine: inferred docker-build targets
// build real images; unchanged inputs cost zero Docker work; a change rebuilds exactly
// the image that reads it; a broken Dockerfile fails alone; docker-run brings back a
// pruned image.
import execa from 'execa';
import { requireEngine, startContainer, waitForHealth, Workspace } from './harness';

describe('foundation: inferred, Nx-cached docker-build', () => {
  let ws: Workspace;

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('basic');
  });
  afterAll(async () => {
    await ws?.dispose();
  });

  it('1. run-many builds both images, and each answers its health check', async () => {
    const r = await ws.nx(['run-many', '-t', 'docker-build']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    const run = ws.lastRun();
    expect(run['alpha:docker-build'].cacheStatus).toBe('cache-miss');
    expect(run['beta:docker-build'].cacheStatus).toBe('cache-miss');
    for (const [root, port, greeting] of [
      ['apps/alpha', 8000, 'alpha v1'],
      ['apps/beta', 3000, 'beta v1'],
    ] as const) {
      const record = ws.imageRecord(root);
      expect(record.contentTag).toBe(`${ws.prefix}/${root.split('/')[1]}:nx-${record.nxHash}`);
      expect(record.nxHash).toBe(run[`${root.split('/')[1]}:docker-build`].hash);
      const inspect = JSON.parse((await execa('docker', ['image', 'inspect', record.contentTag])).stdout)[0];
      expect(inspect.Id).toBe(record.imageId);
      expect(inspect.Config.Labels['dev.nx.task-hash']).toBe(record.nxHash);
      // The record's image facts (read from the Engine API socket) are what the CLI reports.
      const facts = ws.imageRecord(root) as unknown as { size: number; layers: number; platforms: string[] };
      expect(facts).toMatchObject({ size: inspect.Size, layers: inspect.RootFS.Layers.length, platforms: [`${inspect.Os}/${inspect.Architecture}`] });
      const c = await startContainer(record.contentTag, port);
      try {
        expect(await waitForHealth(`${c.url}/health`)).toEqual({ status: 'ok', greeting });
      } finally {
        await c.stop();
      }
    }
  });

  it('2. running it again is all cache hits: no build process, no new image', async () => {
    const before = await ws.images();
    ws.clearDockerCalls();
    const r = await ws.nx(['run-many', '-t', 'docker-build']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    const run = ws.lastRun();
    expect(run['alpha:docker-build'].cacheStatus).toBe('local-cache-hit');
    expect(run['beta:docker-build'].cacheStatus).toBe('local-cache-hit');
    // The PATH shim records every docker invocation made during the run: there are none.
    expect(ws.dockerCalls()).toEqual([]);
    expect(await ws.images()).toEqual(before);
  });

  it('3. editing a file only alpha copies: affected rebuilds alpha only; beta stays a cache hit', async () => {
    const base = await ws.git('rev-parse', 'HEAD');
    ws.write('apps/alpha/src/main.py', ws.read('apps/alpha/src/main.py').replace('alpha v1', 'alpha v2'));
    ws.clearDockerCalls();
    const r = await ws.nx(['affected', '-t', 'docker-build', `--base=${base}`]);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    const run = ws.lastRun();
    expect(Object.keys(run)).toEqual(['alpha:docker-build']);
    expect(run['alpha:docker-build'].cacheStatus).toBe('cache-miss');
    expect(ws.dockerCalls().filter((c) => c.startsWith('buildx build'))).toHaveLength(1);
    expect(ws.dockerCalls().find((c) => c.startsWith('buildx build'))).toContain('apps/alpha/Dockerfile');

    const all = await ws.nx(['run-many', '-t', 'docker-build']);
    expect(all.exitCode).toBe(0);
    expect(ws.lastRun()['beta:docker-build'].cacheStatus).toBe('local-cache-hit');
    expect(ws.lastRun()['alpha:docker-build'].cacheStatus).toBe('local-cache-hit');
    const c = await startContainer(ws.imageRecord('apps/alpha').contentTag, 8000);
    try {
      expect(await waitForHealth(`${c.url}/health`)).toEqual({ status: 'ok', greeting: 'alpha v2' });
    } finally {
      await c.stop();
    }
    await ws.commit('alpha v2');
  });

  it(`4. editing files alpha's .dockerignore excludes keeps alpha a cache hit`, async () => {
    ws.write('apps/alpha/docs/notes.txt', 'changed notes\n');
    ws.write('apps/alpha/README.md', '# changed readme\n');
    ws.clearDockerCalls();
    const r = await ws.nx(['run-many', '-t', 'docker-build']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(ws.lastRun()['alpha:docker-build'].cacheStatus).toBe('local-cache-hit');
    expect(ws.dockerCalls().filter((c) => c.startsWith('buildx'))).toEqual([]);
    await ws.commit('docs only');
  });

  it('5. a Dockerfile with a syntax error fails its own target with file and line, writes nothing; the others build', async () => {
    ws.write('apps/broken/project.json', JSON.stringify({ name: 'broken' }));
    ws.write('apps/broken/Dockerfile', 'FROM python:3.12-slim\nWORKDIR /app\nCOPPY main.py .\n');
    ws.write('apps/beta/src/server.js', ws.read('apps/beta/src/server.js').replace('beta v1', 'beta v2'));
    ws.clearDockerCalls();
    const r = await ws.nx(['run-many', '-t', 'docker-build']);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toContain('apps/broken/Dockerfile:3: Unknown instruction: COPPY');
    expect(ws.exists('dist/docker/apps/broken/image.json')).toBe(false);
    const run = ws.lastRun();
    expect(run['broken:docker-build'].status).not.toBe(0);
    expect(run['beta:docker-build']).toMatchObject({ cacheStatus: 'cache-miss', status: 0 });
    expect(ws.imageRecord('apps/beta').nxHash).toBe(run['beta:docker-build'].hash);
    // The broken Dockerfile never reached Docker.
    expect(ws.dockerCalls().filter((c) => c.includes('apps/broken'))).toEqual([]);
    ws.remove('apps/broken');
    await ws.commit('beta v2');
  });

  it('6. after docker image rm of a cached image, docker-run brings it back and runs it', async () => {
    const record = ws.imageRecord('apps/alpha');
    await execa('docker', ['image', 'rm', '-f', ...record.references]);
    expect((await execa('docker', ['image', 'inspect', record.contentTag], { reject: false })).exitCode).not.toBe(0);

    const name = `${ws.prefix}-alpha`;
    const r = await ws.nx(['run', 'alpha:docker-run', '--detach', `--name=${name}`, '--ports=127.0.0.1::8000']);
    try {
      expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
      expect(ws.lastRun()['alpha:docker-build'].cacheStatus).toBe('local-cache-hit');
      expect(r.output).toContain(`Image ${record.contentTag} is not in the local engine`);
      const inspect = JSON.parse((await execa('docker', ['image', 'inspect', record.contentTag])).stdout)[0];
      expect(inspect.Config.Labels['dev.nx.task-hash']).toBe(record.nxHash);
      const port = (await execa('docker', ['port', name, '8000/tcp'])).stdout.split('\n')[0].split(':').pop();
      expect(await waitForHealth(`http://127.0.0.1:${port}/health`)).toEqual({ status: 'ok', greeting: 'alpha v2' });
    } finally {
      await execa('docker', ['rm', '-f', name], { reject: false });
    }
  });

  it('7. a container that cannot start says so; with "continuous": false the Nx run fails too', async () => {
    // Continuous (the default, for services): Nx does not count the exit, the ✖ line tells.
    const r = await ws.nx(['run', 'alpha:docker-run', '--dockerArgs=--no-such-flag']);
    expect(r.output).toMatch(/✖ docker run of \S+ failed \(exit 125\): the engine could not create or start the container/);
    // A one-shot container: its exit status is the run's.
    ws.write(
      'apps/alpha/project.json',
      JSON.stringify({ ...JSON.parse(ws.read('apps/alpha/project.json')), targets: { 'docker-run': { continuous: false } } }),
    );
    await ws.commit('alpha runs once');
    const once = await ws.nx(['run', 'alpha:docker-run', '--dockerArgs=--no-such-flag']);
    expect(once.exitCode).not.toBe(0);
    expect(once.output).toContain('exit 125');
  });
});
