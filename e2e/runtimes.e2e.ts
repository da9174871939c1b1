// The core scenario with Nx launched by Node and by Deno (`deno run -A node_modules/nx/...`):
// two images built, a no-op that is all cache hits, an affected run after a one-file change
// that rebuilds only that image, a Deno service generated, built and answering /health, and
// Ctrl-C during a build: the build stops and no image.json is written.
import execa from 'execa';
import { requireEngine, startContainer, waitForHealth, Workspace, type Runtime } from './harness';

describe.each(['node', 'deno'] as Runtime[])('Nx under %s', (runtime) => {
  let ws: Workspace;

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('basic');
    ws.runtime = runtime;
  });
  afterAll(async () => {
    await ws?.dispose();
  });

  it('builds both images, then a no-op is all cache hits with no Docker work', async () => {
    const first = await ws.nx(['run-many', '-t', 'docker-build']);
    expect(first.exitCode).toBe(0);
    expect(Object.values(ws.lastRun()).map((t) => [t.taskId, t.cacheStatus])).toEqual(
      expect.arrayContaining([
        ['alpha:docker-build', 'cache-miss'],
        ['beta:docker-build', 'cache-miss'],
      ]),
    );
    ws.clearDockerCalls();
    const again = await ws.nx(['run-many', '-t', 'docker-build']);
    expect(again.exitCode).toBe(0);
    expect(ws.lastRun()['alpha:docker-build'].cacheStatus).toBe('local-cache-hit');
    expect(ws.lastRun()['beta:docker-build'].cacheStatus).toBe('local-cache-hit');
    expect(ws.dockerCalls()).toEqual([]);
  });

  it('after a one-file change, affected rebuilds only the image that reads it', async () => {
    const base = await ws.git('rev-parse', 'HEAD');
    ws.write('apps/beta/src/server.js', `${ws.read('apps/beta/src/server.js')}// ${ws.prefix} ${runtime}\n`);
    await ws.commit('change beta');
    const r = await ws.nx(['affected', '-t', 'docker-build', `--base=${base}`, '--head=HEAD']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(Object.keys(ws.lastRun())).toEqual(['beta:docker-build']);
    expect(ws.lastRun()['beta:docker-build'].cacheStatus).toBe('cache-miss');
  });

  it('generates a Deno service whose image builds and answers /health', async () => {
    const g = await ws.nx(['g', '@org/docker:service', 'edge', '--runtime=deno', '--no-interactive']);
    expect(g.exitCode).toBe(0);
    await ws.commit('edge service');
    const b = await ws.nx(['run', 'edge:docker-build']);
    expect(b.exitCode).toBe(0);
    const record = JSON.parse(ws.read('dist/docker/apps/edge/image.json')) as { contentTag: string };
    const c = await startContainer(record.contentTag, 8000);
    try {
      expect(await waitForHealth(`${c.url}/health`, 60_000)).toMatchObject({ status: 'ok' });
    } finally {
      await c.stop();
    }
  });

  it('Ctrl-C during a build stops buildx and writes no image.json', async () => {
    ws.write('apps/slow/project.json', JSON.stringify({ name: 'slow' }));
    // Unique per run, so BuildKit cannot answer the step from its cache.
    ws.write('apps/slow/Dockerfile', `FROM debian:bookworm-slim\nRUN echo ${ws.prefix}-${runtime} && sleep 120\nUSER 10001\n`);
    await ws.commit('slow');
    const [cmd, argv] = ws.nxCommand(['run', 'slow:docker-build', '--outputStyle=stream']);
    const child = execa(cmd, argv, { cwd: ws.root, env: ws.env(), detached: true, all: true, reject: false });
    let output = '';
    child.all?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 120_000;
    while (!/RUN echo .* sleep 120/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(output).toMatch(/RUN echo .* sleep 120/);
    process.kill(-(child.pid as number), 'SIGINT');
    const result = await child;
    expect(result.exitCode).not.toBe(0);
    expect(ws.exists('dist/docker/apps/slow/image.json')).toBe(false);
    // No buildx left running for this build, and no image tagged.
    const until = Date.now() + 15_000;
    const running = async () => (await execa('pgrep', ['-f', `${ws.root}/apps/slow`], { reject: false })).stdout.trim();
    while ((await running()) && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(await running()).toBe('');
    expect((await execa('docker', ['image', 'ls', '--format', '{{.Repository}}', `${ws.prefix}/slow`])).stdout.trim()).toBe('');
  });
});
