// Generators against the real engine: freshly generated Python, Node and Deno services (and a
// GPU one) build, run as a numeric non-root user, turn healthy, answer /health; layer caching
// holds after a source change and breaks after a lockfile change; docker-dev hot-reloads.
import execa from 'execa';
import { parse } from 'yaml';
import { pluginsInProcess, requireEngine, startContainer, waitForHealth, Workspace } from './harness';

pluginsInProcess();

type Runtime = 'python' | 'node' | 'deno';
const RUNTIMES: Runtime[] = ['python', 'node', 'deno'];
// Ports unlikely to clash with anything else on the machine, different per run.
const BASE_PORT = 20000 + Math.floor(Math.random() * 2000) * 10;
const port = (r: Runtime) => BASE_PORT + RUNTIMES.indexOf(r);
const source: Record<Runtime, string> = { python: 'src/main.py', node: 'src/main.mjs', deno: 'src/main.ts' };
/**
 * A dependency change unique to this run: requirements.txt gains a line; package.json and
 * package-lock.json a new (matching) version; deno.json a task (deno.lock of a service without
 * dependencies has nothing to vary). Each is a file the deps stage copies.
 */
function changeDependencies(ws: Workspace, root: string, r: Runtime): void {
  if (r === 'python') {
    ws.write(`${root}/requirements.txt`, `${ws.read(`${root}/requirements.txt`)}# reviewed in ${ws.prefix}\n`);
  } else if (r === 'node') {
    const version = `0.1.1-${ws.prefix}`;
    const pkg = JSON.parse(ws.read(`${root}/package.json`));
    const lock = JSON.parse(ws.read(`${root}/package-lock.json`));
    pkg.version = lock.version = lock.packages[''].version = version;
    ws.write(`${root}/package.json`, JSON.stringify(pkg, null, 2));
    ws.write(`${root}/package-lock.json`, JSON.stringify(lock, null, 2));
  } else {
    const deno = JSON.parse(ws.read(`${root}/deno.json`));
    deno.tasks[`check-${ws.prefix}`] = 'deno check src/main.ts';
    ws.write(`${root}/deno.json`, JSON.stringify(deno, null, 2));
  }
}
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
    await execa(
      'docker',
      ['compose', '-f', `${ws.root}/docker/compose/docker-compose.yml`, '-f', `${ws.root}/docker/compose/docker-compose.dev.yml`, 'down', '--rmi', 'local'],
      { reject: false },
    );
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

  it('base-image, then a service --base --lib: built on the exact base Nx built, with the library, rebuilt when the base changes', async () => {
    const base = await ws.nx(['g', '@org/docker:base-image', 'py-base', '--systemPackages=libsndfile1']);
    expect(base.exitCode).toBe(0);
    ws.write('libs/shared/project.json', JSON.stringify({ name: 'shared' }));
    ws.write('libs/shared/shared_models/__init__.py', 'VERSION = "v1"\n');
    const svc = await ws.nx(['g', '@org/docker:service', 'on-base', '--runtime=python', '--base=py-base', '--lib=shared', `--port=${BASE_PORT + 6}`]);
    expect(svc.exitCode).toBe(0);
    await ws.commit('base and service on it');
    const build = await ws.nx(['run', 'on-base:docker-build']);
    expect(build.exitCode).toBe(0);
    const baseRecord = ws.imageRecord('docker/py-base');
    expect(build.output).toContain(`PYTHON_BASE=${baseRecord.contentTag}`);
    const record = ws.imageRecord('apps/on-base');
    const out = await execa('docker', [
      'run',
      '--rm',
      '--entrypoint',
      'python',
      record.contentTag,
      '-c',
      'import shared_models, os; print(shared_models.VERSION, os.getuid())',
    ]);
    expect(out.stdout.trim()).toBe('v1 10001');
    const c = await startContainer(record.contentTag, BASE_PORT + 6);
    try {
      expect(await waitForHealth(`${c.url}/health`)).toEqual({ status: 'ok', service: 'on-base' });
    } finally {
      await c.stop();
    }
    // A change to the base: the service is rebuilt on the new one.
    const head = await ws.git('rev-parse', 'HEAD');
    ws.write('docker/py-base/requirements.txt', `${ws.read('docker/py-base/requirements.txt')}# changed\n`);
    const again = await ws.nx(['affected', '-t', 'docker-build', `--base=${head}`]);
    expect(again.exitCode).toBe(0);
    expect(Object.keys(ws.lastRun()).sort()).toEqual(['on-base:docker-build', 'py-base:docker-build']);
    expect(ws.imageRecord('apps/on-base').contentTag).not.toBe(record.contentTag);
    await ws.commit('base changed');
  });

  it('a source change re-runs no dependency install; a manifest or lockfile change does', async () => {
    for (const r of RUNTIMES) {
      const root = `apps/svc-${r}`;
      // Edits unique to this run: BuildKit's cache outlives workspaces, and identical bytes would be a hit.
      ws.write(`${root}/${source[r]}`, ws.read(`${root}/${source[r]}`).replace('Hello from', `Hi from (${ws.prefix})`));
      let b = await ws.nx(['run', `svc-${r}:docker-build`]);
      expect([r, b.exitCode]).toEqual([r, 0]);
      let ran = { ran: ws.imageRecord(root).steps.ran ?? [] };
      expect([r, ran.ran.some((s) => /COPY src/.test(s))]).toEqual([r, true]);
      expect([r, ran.ran.filter((s) => installStep[r].test(s))]).toEqual([r, []]);

      changeDependencies(ws, root, r);
      b = await ws.nx(['run', `svc-${r}:docker-build`]);
      expect([r, b.exitCode]).toEqual([r, 0]);
      ran = { ran: ws.imageRecord(root).steps.ran ?? [] };
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
        const mounts = JSON.parse((await execa('docker', ['inspect', '-f', '{{json .Mounts}}', container])).stdout) as Array<{
          Type: string;
          Destination: string;
        }>;
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

  it('--pinDigests pins a base image by the digest its registry reports, and says so when the registry is unreachable', async () => {
    const base = `127.0.0.1:5000/${ws.prefix}/python:3.12-slim`;
    await execa('docker', ['tag', 'python:3.12-slim', base]);
    await execa('docker', ['push', '-q', base]);
    try {
      const g = await ws.nx(['g', '@org/docker:service', 'pinned', '--runtime=python', `--baseImage=${base}`, '--pinDigests', '--skipCompose']);
      expect(g.exitCode).toBe(0);
      const pinned = /^ARG PYTHON_IMAGE=(.+)$/m.exec(ws.read('apps/pinned/Dockerfile'))?.[1];
      expect(pinned).toMatch(/^127\.0\.0\.1:5000\/.+\/python:3\.12-slim@sha256:[a-f0-9]{64}$/);
      await ws.commit('pinned service');
      // The pinned reference builds: BuildKit resolves it by digest from the registry.
      const b = await ws.nx(['run', 'pinned:docker-build']);
      expect(b.exitCode).toBe(0);

      // Docker Hub cannot be reached here: the tag stays, and the output says why.
      const off = await ws.nx(['g', '@org/docker:dockerfile', '--project=pinned', '--baseImage=python:3.12-slim', '--pinDigests', '--force']);
      expect(off.exitCode).toBe(0);
      expect(off.output).toMatch(/Could not resolve the digest of python:3\.12-slim .*Kept the tag/);
      expect(ws.read('apps/pinned/Dockerfile')).toMatch(/^ARG PYTHON_IMAGE=python:3\.12-slim$/m);
    } finally {
      await execa('docker', ['image', 'rm', '-f', base], { reject: false });
    }
  });
});
