// The reference system under Podman (the plugin option "engine": "podman"): python-base,
// ingestion-api and job-status-api built by `podman build` into Podman's store, never Docker's;
// a no-op that is all Nx cache hits with zero Podman or Docker calls; a service run by
// docker-run answering /health; pushed to the real registry by content tag, its digest the one
// the registry serves, and promoted by digest through skopeo; what Podman cannot do stopping
// with one message.
import { chmodSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';
import { attachedRun, builtProjects, outcome, pluginsInProcess, waitForHealth, Workspace } from './harness';

pluginsInProcess();

const REGISTRY = '127.0.0.1:5000';
const BUILD = ['run-many', '-t', 'docker-build', '--projects=ingestion-api,job-status-api'];
const BASES = ['python:3.12-slim'];

/** Fails (never skips) without Podman and skopeo: .ci/run installs them. */
async function requirePodman(): Promise<void> {
  for (const [tool, args] of [
    ['podman', ['info', '--format', '{{.Version.Version}}']],
    ['skopeo', ['--version']],
  ] as const) {
    const r = await execa(tool, args, { reject: false });
    if (r.exitCode !== 0)
      throw new Error(`${tool} does not answer (${(r.stderr || r.stdout || 'not found').trim()}). Install it: apt-get install podman skopeo.`);
  }
}

/** The offline base-image stand-ins, from Docker's store into Podman's under the same names. */
async function loadBaseImages(): Promise<void> {
  for (const name of BASES) {
    const qualified = `docker.io/library/${name}`;
    if ((await execa('podman', ['image', 'exists', qualified], { reject: false })).exitCode === 0) continue;
    const save = execa('docker', ['save', name], { buffer: false });
    const load = execa('podman', ['load', '-q'], { input: save.stdout ?? undefined });
    await Promise.all([save, load]);
    // Podman names what it loads by the archive's names: docker.io/library/... or localhost/...
    if ((await execa('podman', ['image', 'exists', qualified], { reject: false })).exitCode !== 0)
      await execa('podman', ['tag', `localhost/${name}`, qualified]);
  }
}

/**
 * The local registry at this machine's own non-loopback address (a TCP forward): a registry
 * Docker and Podman both reach over TLS only, though it speaks plain HTTP.
 */
async function registryElsewhere(): Promise<{ host: string; close: () => void }> {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!address) throw new Error('this machine has no non-loopback IPv4 address (docker0 has one once Docker runs)');
  const server = createServer((socket) => {
    const [host, port] = REGISTRY.split(':');
    const upstream = connect(Number(port), host);
    socket.pipe(upstream).pipe(socket);
    const close = () => (socket.destroy(), upstream.destroy());
    socket.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((listening) => server.listen(0, address, listening));
  return { host: `${address}:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const inPodman = async (ref: string) => (await execa('podman', ['image', 'exists', ref], { reject: false })).exitCode === 0;
const inDocker = async (ref: string) => (await execa('docker', ['image', 'inspect', ref], { reject: false })).exitCode === 0;

describe('the reference system under Podman', () => {
  let ws: Workspace;
  const podmanLog = () => join(ws.root, '.shim', 'podman-calls.log');
  const podmanCalls = () => (ws.exists('.shim/podman-calls.log') ? ws.read('.shim/podman-calls.log').split('\n').filter(Boolean) : []);
  const nx = (args: string[], env: Record<string, string> = {}) => ws.nx(args, { NX_ISOLATE_PLUGINS: 'false', ...env });

  beforeAll(async () => {
    await requirePodman();
    await loadBaseImages();
    ws = await Workspace.reference();
    // Every plugin entry drives Podman. The images keep the reference names (python-base...),
    // which Dockerfiles name in FROM; Podman's store is not Docker's, so no other test sees them.
    const nxJson = JSON.parse(ws.read('nx.json')) as { plugins: Array<{ plugin: string; options?: Record<string, unknown> }> };
    for (const p of nxJson.plugins) if (p.plugin === '@org/docker') p.options = { ...p.options, engine: 'podman' };
    ws.write('nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
    // A podman on PATH that records each call, as the harness does for docker.
    const real = (await execa('sh', ['-c', 'command -v podman'])).stdout.trim();
    const shim = join(ws.root, '.shim', 'podman');
    writeFileSync(shim, `#!/bin/sh\nprintf '%s\\n' "$*" >> "${podmanLog()}"\nexec "${real}" "$@"\n`);
    chmodSync(shim, 0o755);
    await ws.commit('engine: podman');
  });
  afterAll(async () => {
    if (!ws) return;
    const mine = [
      ...['python-base', 'ingestion-api', 'job-status-api', 'llm-worker', 'tls-probe'].map((p) => `localhost/${p}`),
      `${REGISTRY}/${ws.prefix}-tls-base`,
    ];
    const ids = (await execa('podman', ['images', '--quiet', ...mine.flatMap((m) => ['--filter', `reference=${m}`])], { reject: false })).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length) await execa('podman', ['rmi', '--force', ...new Set(ids)], { reject: false });
    await ws.dispose();
  });

  it('builds python-base, then ingestion-api and job-status-api on it, with podman build into Podman’s store', async () => {
    const r = await nx(BUILD);
    expect(outcome(r)).toEqual({ exitCode: 0, output: '' });
    expect(builtProjects(ws.lastRun())).toEqual(['ingestion-api', 'job-status-api', 'python-base']);
    expect(r.output).toMatch(/STEP \d+\/\d+: FROM/);
    for (const root of ['docker/python-base', 'apps/ingestion-api', 'apps/job-status-api']) {
      const record = ws.imageRecord(root);
      expect({ root, podman: await inPodman(record.contentTag), docker: await inDocker(record.contentTag) }).toEqual({ root, podman: true, docker: false });
      expect(record.imageId).toMatch(/^sha256:[a-f0-9]{64}$/);
    }
    expect(podmanCalls().filter((c) => c.startsWith('build ')).length).toBe(3);
    expect(ws.dockerCalls().filter((c) => /build|push|run /.test(c))).toEqual([]);
    // ingestion-api is built FROM the exact python-base image, not a tag's latest.
    const base = JSON.parse((await execa('podman', ['image', 'inspect', ws.imageRecord('docker/python-base').contentTag])).stdout)[0].RootFS.Layers as string[];
    const api = JSON.parse((await execa('podman', ['image', 'inspect', ws.imageRecord('apps/ingestion-api').contentTag])).stdout)[0].RootFS.Layers as string[];
    expect(api.slice(0, base.length)).toEqual(base);
  });

  it('a no-op is all cache hits with zero Podman and zero Docker calls', async () => {
    ws.clearDockerCalls();
    ws.remove('.shim/podman-calls.log');
    const r = await nx(BUILD);
    expect(outcome(r)).toEqual({ exitCode: 0, output: '' });
    expect(
      Object.values(ws.lastRun())
        .map((t) => [t.taskId, t.cacheStatus])
        .sort(),
    ).toEqual([
      ['ingestion-api:docker-build', 'local-cache-hit'],
      ['job-status-api:docker-build', 'local-cache-hit'],
      ['python-base:docker-build', 'local-cache-hit'],
    ]);
    expect(podmanCalls()).toEqual([]);
    expect(ws.dockerCalls()).toEqual([]);
  });

  it('docker-run runs the Podman image and it answers /health', async () => {
    const name = `${ws.prefix}-api`;
    const run = await attachedRun(ws, ['run', 'ingestion-api:docker-run', `--name=${name}`, '--ports=127.0.0.1::8000'], name, 8000, {
      cli: 'podman',
      env: { NX_ISOLATE_PLUGINS: 'false' },
    });
    try {
      expect(await waitForHealth(`${run.url}/health`, 60_000)).toMatchObject({ status: 'ok' });
    } finally {
      await run.stop();
    }
  });

  it('docker-audit audits the image in Podman’s store: non-root, HEALTHCHECK, no secrets', async () => {
    ws.remove('.shim/podman-calls.log');
    const r = await nx(['run', 'ingestion-api:docker-audit']);
    expect(outcome(r)).toEqual({ exitCode: 0, output: '' });
    expect(podmanCalls().some((c) => c.startsWith('export '))).toBe(true);
    expect(ws.dockerCalls().filter((c) => /^(create|export|history) /.test(c))).toEqual([]);
  });

  it('-c ci pushes by content tag (the digest the registry serves), docker-push adds tags by digest through skopeo', async () => {
    const env = { DOCKER_REGISTRY: REGISTRY };
    const r = await nx(['run', 'ingestion-api:docker-build', '-c', 'ci'], env);
    expect(outcome(r)).toEqual({ exitCode: 0, output: '' });
    const record = ws.imageRecord('apps/ingestion-api');
    expect(record).toMatchObject({ pushed: true });
    expect(record.contentTag.startsWith(`${REGISTRY}/ingestion-api:`)).toBe(true);
    const served = (await execa('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${record.contentTag}`])).stdout.trim();
    expect(record.digest).toBe(served);
    ws.remove('.shim/podman-calls.log');
    const p = await nx(['run', 'ingestion-api:docker-push', '-c', 'ci', `--tags=${ws.prefix}`], env);
    expect(outcome(p)).toEqual({ exitCode: 0, output: '' });
    const promoted = (
      await execa('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${REGISTRY}/ingestion-api:${ws.prefix}`])
    ).stdout.trim();
    expect(promoted).toBe(record.digest);
    // Registry side: no podman push or pull moved layers for the promotion.
    expect(podmanCalls().filter((c) => /^(push|pull) /.test(c))).toEqual([]);
  });

  it('pulls from the loopback registry over plain HTTP as Docker does, and verifies TLS for every other registry of the build', async () => {
    // A base image in the local registry, in a repository no project owns.
    const base = `${REGISTRY}/${ws.prefix}-tls-base:1`;
    await execa('skopeo', [
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${ws.imageRecord('apps/ingestion-api').contentTag}`,
      `docker://${base}`,
    ]);
    ws.write('apps/tls-probe/project.json', JSON.stringify({ name: 'tls-probe' }));
    ws.write('apps/tls-probe/Dockerfile', `FROM ${base}\nUSER 1000\n`);
    await ws.commit('tls-probe: FROM the loopback registry');
    const local = await nx(['run', 'tls-probe:docker-build']);
    expect(outcome(local)).toEqual({ exitCode: 0, output: '' });
    expect(await inPodman(ws.imageRecord('apps/tls-probe').contentTag)).toBe(true);

    // The same registry at a non-loopback address, in a build that pushes to the loopback one:
    // Podman must not fall back to plain HTTP there (as `--tls-verify=false` for the whole build would).
    const elsewhere = await registryElsewhere();
    try {
      ws.write('apps/tls-probe/Dockerfile', `FROM ${elsewhere.host}/${ws.prefix}-tls-base:1\nUSER 1000\n`);
      await ws.commit('tls-probe: FROM a registry that is not on loopback');
      const pushed = await nx(['run', 'tls-probe:docker-build', '-c', 'ci'], { DOCKER_REGISTRY: REGISTRY });
      expect(pushed.exitCode).not.toBe(0);
      expect(pushed.output).toContain(`https://${elsewhere.host}/v2/`);
      expect(pushed.output).toContain('server gave HTTP response to HTTPS client');
      expect(ws.exists('dist/docker/apps/tls-probe/image.json')).toBe(false);
    } finally {
      elsewhere.close();
    }
  });

  it('what Podman cannot do fails with one message naming the option; docker-up and docker-perf say they need Docker', async () => {
    const project = JSON.parse(ws.read('apps/llm-worker/project.json')) as { targets?: Record<string, unknown> };
    project.targets = { ...project.targets, 'docker-build': { options: { cacheTo: ['type=local,dest=/tmp/cache'] } } };
    ws.write('apps/llm-worker/project.json', JSON.stringify(project, null, 2));
    await ws.commit('a cache exporter Podman lacks');
    const r = await nx(['run', 'llm-worker:docker-build']);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toContain('Podman cannot build apps/llm-worker/Dockerfile as configured');
    expect(r.output).toContain('"cacheTo" type=local,dest=/tmp/cache');
    expect(r.output).toContain('set the plugin option "engine" to "docker"');
    expect(ws.exists('dist/docker/apps/llm-worker/image.json')).toBe(false);

    const perf = await nx(['run', 'ingestion-api:docker-perf', '--excludeTaskDependencies']);
    expect(perf.exitCode).not.toBe(0);
    expect(perf.output).toContain('docker-perf measures BuildKit builds');
    expect(perf.output).toContain('set "engine" to "docker"');
    // docker-up is continuous: Nx does not count its exit, so the message is what a user sees.
    const up = await nx(['run', 'ingestion-api:docker-up', '--excludeTaskDependencies']);
    expect(up.output).toContain('docker-up runs `docker compose`, which needs Docker');
    expect(podmanCalls().filter((c) => c.startsWith('compose'))).toEqual([]);
  });
});
