// Generators against the real engine: freshly generated Python, Node and Deno services (and a
// GPU one) build, run as a numeric non-root user, turn healthy, answer /health; layer caching
// holds after a source change and breaks after a lockfile change; docker-dev hot-reloads.
import execa from 'execa';
import { parse } from 'yaml';
import { requireEngine, startContainer, waitForHealth, Workspace } from './harness';

type Runtime = 'python' | 'node' | 'deno';
const RUNTIMES: Runtime[] = ['python', 'node', 'deno'];
// Ports unlikely to clash with anything else on the machine, different per run.
const BASE_PORT = 20000 + Math.floor(Math.random() * 2000) * 10;
const port = (r: Runtime) => BASE_PORT + RUNTIMES.indexOf(r);
const source: Record<Runtime, string> = { python: 'src/main.py', node: 'src/main.mjs', deno: 'src/main.ts' };
const lockfile: Record<Runtime, string> = { python: 'requirements.txt', node: 'package-lock.json', deno: 'deno.lock' };
const installStep: Record<Runtime, RegExp> = { python: /\[deps .*pip install/, node: /\[deps .*npm ci/, deno: /\[deps .*deno install/ };

interface Inspect {
  Config: { User: string; Env: string[]; Labels: Record<string, string>; Healthcheck?: { Test: string[] } };
}

async function inspect(ref: string): Promise<Inspect> {
  return JSON.parse((await execa('docker', ['image', 'inspect', ref])).stdout)[0] as Inspect;
}

async function healthStatus(container: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let status = '';
  while (Date.now() < deadline) {
    status = (await execa('docker', ['inspect', '-f', '{{.State.Health.Status}}', container])).stdout.trim();
    if (status !== 'starting') return status;
    await new Promise((r) => setTimeout(r, 500));
  }
  return status;
}

/** Polls until GET url answers with a body matching `pattern`. */
async function waitForBody(url: string, pattern: RegExp, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      last = await (await fetch(url, { signal: AbortSignal.timeout(2000) })).text();
      if (pattern.test(last)) return last;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} never answered ${pattern} (last: ${last})`);
}

describe('generators (real engine)', () => {
  let ws: Workspace;
  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('empty');
  });
  afterAll(async () => {
    if (!ws) return;
    await execa('docker', ['compose', '-f', `${ws.root}/docker/compose/docker-compose.yml`, '-f', `${ws.root}/docker/compose/docker-compose.dev.yml`, 'down', '--rmi', 'local'], { reject: false });
    await ws.dispose();
  });

  it('--dry-run shows the files and writes none; a bad name gets a clear error', async () => {
    const dry = await ws.nx(['g', '@org/docker:service', 'preview', '--runtime=node', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.output).toMatch(/CREATE apps\/preview\/Dockerfile/);
    expect(dry.output).toMatch(/CREATE docker\/compose\/docker-compose\.yml/);
    expect(ws.exists('apps/preview')).toBe(false);
    expect(ws.exists('docker/compose')).toBe(false);

    const bad = await ws.nx(['g', '@org/docker:service', 'Ingest_API', '--runtime=python']);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.output).toMatch(/"Ingest_API" is not a valid service name: .*\(e\.g\. "ingest-api"\)/);
  });

  it('each runtime (and --gpu) generates a service whose image builds, runs non-root, turns healthy and answers /health', async () => {
    for (const r of RUNTIMES) {
      const g = await ws.nx(['g', '@org/docker:service', `svc-${r}`, `--runtime=${r}`, `--port=${port(r)}`]);
      expect([r, g.exitCode, g.output]).toEqual([r, 0, expect.stringContaining(`CREATE apps/svc-${r}/Dockerfile`)]);
    }
    const gpu = await ws.nx(['g', '@org/docker:service', 'gpu-worker', '--runtime=python', '--gpu', `--port=${BASE_PORT + 5}`]);
    expect(gpu.exitCode).toBe(0);
    await ws.commit('services');

    const build = await ws.nx(['run-many', '-t', 'docker-build', '--parallel=2']);
    expect(build.exitCode).toBe(0);
    const run = ws.lastRun();
    for (const p of [...RUNTIMES.map((r) => `svc-${r}`), 'gpu-worker']) expect(run[`${p}:docker-build`]?.status).toBe(0);
    expect(ws.imageRecord('apps/gpu-worker').target).toBe('gpu');

    for (const [project, containerPort] of [...RUNTIMES.map((r) => [`svc-${r}`, port(r)] as const), ['gpu-worker', BASE_PORT + 5] as const]) {
      const record = ws.imageRecord(`apps/${project}`);
      expect(record.target).toBe(project === 'gpu-worker' ? 'gpu' : 'production');
      const image = await inspect(record.contentTag);
      expect(image.Config.User).toMatch(/^[1-9]\d*(:\d+)?$/);
      expect(image.Config.Healthcheck?.Test.join(' ')).toContain('/health');
      expect(image.Config.Env.map((e) => e.split('=')[0]).filter((k) => /PASS|SECRET|TOKEN|KEY|ACCESS|CREDENTIAL/i.test(k))).toEqual([]);
      expect(image.Config.Labels).toMatchObject({
        'org.opencontainers.image.title': project,
        'org.opencontainers.image.version': expect.any(String),
        'org.opencontainers.image.revision': expect.stringMatching(/^[0-9a-f]{40}$/),
        'org.opencontainers.image.created': expect.any(String),
      });

      const c = await startContainer(record.contentTag, containerPort);
      try {
        expect(await waitForHealth(`${c.url}/health`)).toEqual({ status: 'ok', service: project });
        expect(await healthStatus(c.name)).toBe('healthy');
        expect((await execa('docker', ['exec', c.name, 'id', '-u'])).stdout.trim()).toBe('10001');
        // Application files belong to root: the runtime user cannot rewrite its own code.
        expect((await execa('docker', ['exec', c.name, 'stat', '-c', '%U', 'src'])).stdout.trim()).toBe('root');
      } finally {
        await c.stop();
      }
    }
  });

  it('a source change re-runs no dependency install; a lockfile change does', async () => {
    for (const r of RUNTIMES) {
      const root = `apps/svc-${r}`;
      ws.write(`${root}/${source[r]}`, ws.read(`${root}/${source[r]}`).replace('Hello from', 'Hi from'));
      let b = await ws.nx(['run', `svc-${r}:docker-build`]);
      expect([r, b.exitCode]).toEqual([r, 0]);
      let ran = ws.imageRecord(root).steps as { ran: string[] };
      expect([r, ran.ran.some((s) => /COPY src/.test(s))]).toEqual([r, true]);
      expect([r, ran.ran.filter((s) => installStep[r].test(s))]).toEqual([r, []]);

      const lock = ws.read(`${root}/${lockfile[r]}`);
      ws.write(`${root}/${lockfile[r]}`, r === 'python' ? `${lock}# pinned on purpose\n` : JSON.stringify(JSON.parse(lock), null, 4));
      b = await ws.nx(['run', `svc-${r}:docker-build`]);
      expect([r, b.exitCode]).toEqual([r, 0]);
      ran = ws.imageRecord(root).steps as { ran: string[] };
      expect([r, ran.ran.filter((s) => installStep[r].test(s)).length]).toEqual([r, 1]);
    }
  });

  it('docker-up runs the exact built image; docker-dev runs the development stage and picks up a source edit without a rebuild', async () => {
    const compose = parse(ws.read('docker/compose/docker-compose.yml')) as { services: Record<string, { ports: string[] }> };
    const hostPort = (r: Runtime) => compose.services[`svc-${r}`].ports[0].split(':')[0];

    const up = await ws.nx(['run', 'svc-python:docker-up', '--detach']);
    expect(up.exitCode).toBe(0);
    const record = ws.imageRecord('apps/svc-python');
    expect(up.output).toContain(`runs ${record.contentTag}`);
    expect(await waitForHealth(`http://127.0.0.1:${hostPort('python')}/health`)).toEqual({ status: 'ok', service: 'svc-python' });
    const files = ['-f', `${ws.root}/docker/compose/docker-compose.yml`, '-f', `${ws.root}/docker/compose/docker-compose.dev.yml`];
    await execa('docker', ['compose', ...files, 'stop', 'svc-python']);

    for (const r of RUNTIMES) {
      const dev = execa(process.execPath, [`${ws.root}/node_modules/nx/dist/bin/nx.js`, 'run', `svc-${r}:docker-dev`, '--outputStyle=static'], {
        cwd: ws.root,
        env: ws.env(),
        reject: false,
        all: true,
      });
      try {
        const url = `http://127.0.0.1:${hostPort(r)}/`;
        await waitForBody(url, /Hi from/);
        const container = (await execa('docker', ['compose', ...files, 'ps', '-q', `svc-${r}`])).stdout.trim();
        const mounts = JSON.parse((await execa('docker', ['inspect', '-f', '{{json .Mounts}}', container])).stdout) as Array<{ Type: string; Destination: string }>;
        expect(mounts).toContainEqual(expect.objectContaining({ Type: 'bind', Destination: '/app/src' }));
        const builtBefore = (await execa('docker', ['inspect', '-f', '{{.Image}}', container])).stdout;

        ws.write(`apps/svc-${r}/${source[r]}`, ws.read(`apps/svc-${r}/${source[r]}`).replace('Hi from', 'Reloaded from'));
        expect(await waitForBody(url, /Reloaded from/)).toContain(`svc-${r}`);
        // Same container, same image: the edit arrived through the bind mount, not a rebuild.
        expect((await execa('docker', ['inspect', '-f', '{{.Image}}', container])).stdout).toBe(builtBefore);
      } finally {
        dev.kill('SIGTERM');
        await dev;
      }
      // Stopping the target stops the service (the executor runs `compose stop` on SIGTERM).
      let running = 'unknown';
      for (let i = 0; i < 40 && running !== ''; i++) {
        running = (await execa('docker', ['compose', ...files, 'ps', '-q', `svc-${r}`])).stdout.trim();
        if (running) await new Promise((res) => setTimeout(res, 500));
      }
      expect([r, running]).toEqual([r, '']);
    }
  });
});
