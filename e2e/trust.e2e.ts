// Trust end to end: a pull-request runner that can write the remote Nx cache and push to the
// registry (the threat the plugin README's trust model names) tries to get its image used by
// the main runner, which holds the signing key. Real engine, real registry (127.0.0.1:5000), a
// remote cache speaking Nx's self-hosted protocol, fresh clones as runners. Also: a git remote
// with credentials never reaches a label, record, log or report, and a registry that fails
// pushes gets them retried and reported as push errors.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { CacheServer } from './cache-server';
import { FlakyRegistry } from './flaky-registry';
import { type NxResult, pluginsInProcess, publishedUrl, type PushedRecord, requireEngine, tearDown, waitForHealth, Workspace } from './harness';

pluginsInProcess();

const REGISTRY = '127.0.0.1:5000';
const SECRET = 'glpat-e2eSECRETtoken';
const ORIGIN = `https://ci-bot:${SECRET}@git.example.com/acme/mlops.git`;

async function raw(ref: string): Promise<{ digest?: string; annotations?: Record<string, string> } | undefined> {
  const r = await execa('docker', ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}'], { reject: false });
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as { digest?: string; annotations?: Record<string, string> }) : undefined;
}

/** What an attacker with push access does: an image labelled with the Nx hash it wants to pass as, pushed anywhere. */
async function pushForgery(ref: string, nxHash: string, dir: string): Promise<string> {
  await execa('docker', ['buildx', 'build', '--push', '--provenance', 'mode=min', '--label', `dev.nx.task-hash=${nxHash}`, '-t', ref, '-f', '-', dir], {
    input: 'FROM python:3.12-slim\nRUN echo forged > /etc/base-version\n',
  });
  return (await raw(ref))?.digest as string;
}

/** Every file under `dir` (skipping node_modules and git objects) whose text holds `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (/(^|\/)(node_modules|\.git)(\/|$)/.test(file)) continue;
    const path = join(dir, file);
    if (statSync(path).isFile() && readFileSync(path).includes(needle)) hits.push(file);
  }
  return hits;
}

describe('trust: what a pull-request runner writes cannot reach the main runner', () => {
  let cache: CacheServer;
  let main: Workspace;
  const runners: Workspace[] = [];
  const containers: string[] = [];
  const outputs: string[] = [];
  let mainEnv: Record<string, string>;
  let prEnv: Record<string, string>;
  const record = (ws: Workspace, root: string): PushedRecord => JSON.parse(ws.read(`dist/docker/${root}/image.json`));
  const builds = (ws: Workspace) => ws.dockerCalls().filter((c) => c.startsWith('buildx build'));
  const ok = (r: NxResult) => ({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) });

  async function nx(ws: Workspace, args: string[], env: Record<string, string>): Promise<NxResult> {
    const r = await ws.nx(args, env);
    outputs.push(r.output);
    return r;
  }

  /**
   * A fresh clone of main's commit on an engine without our images. BuildKit's cache stays: what
   * is checked here is which image gets used, not how long rebuilding takes.
   */
  async function freshRunner(): Promise<Workspace> {
    for (const ws of [main, ...runners]) await ws.removeImages();
    const ws = await main.clone();
    runners.push(ws);
    return ws;
  }

  async function health(ws: Workspace, env: Record<string, string>): Promise<Record<string, unknown>> {
    const name = `${ws.prefix}-api-${containers.length}`;
    containers.push(name);
    const r = await nx(ws, ['run', 'api:docker-run', '-c', 'ci', '--detach', `--name=${name}`, '--ports=127.0.0.1::8000'], env);
    expect(ok(r)).toEqual({ exitCode: 0, output: '' });
    return waitForHealth(`${await publishedUrl(name, 8000)}/health`);
  }

  beforeAll(async () => {
    await requireEngine();
    cache = await CacheServer.start();
    main = await Workspace.create('registry');
    await main.git('remote', 'add', 'origin', ORIGIN);
    const generated = await nx(main, ['g', '@org/docker:signing-key'], {});
    expect(ok(generated)).toEqual({ exitCode: 0, output: '' });
    const privateKey = main.read('image-signing.key');
    main.remove('image-signing.key');
    await main.commit('sign pushed images');
    prEnv = { ...cache.env(), DOCKER_REGISTRY: REGISTRY };
    mainEnv = { ...prEnv, DOCKER_IMAGE_SIGNING_KEY: privateKey };
  });
  afterAll(() => tearDown(containers, [...runners, main], cache));

  it('1. the main runner pushes every image with a signature of its repository, digest and Nx hash', async () => {
    const r = await nx(main, ['run-many', '-t', 'docker-build', '-c', 'ci'], mainEnv);
    expect(ok(r)).toEqual({ exitCode: 0, output: '' });
    for (const root of ['docker/base', 'apps/api', 'apps/worker']) {
      const rec = record(main, root);
      const repository = rec.contentTag.replace(/:nx-[^:]+$/, '');
      expect(r.output).toContain(`Signed ${repository}@${rec.digest}`);
      const signature = await raw(`${repository}:${(rec.digest as string).replace(':', '-')}.nxsig`);
      expect(signature?.annotations?.['dev.nx.signature']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    }
  });

  it('2. a pull-request runner (no signing key) cannot publish through the plugin: nothing is built or pushed', async () => {
    const pr = await main.clone();
    runners.push(pr);
    pr.write('apps/worker/src/worker.js', `${pr.read('apps/worker/src/worker.js')}\n// pr change\n`);
    await pr.commit('pr change');
    const r = await nx(pr, ['run', 'worker:docker-build', '-c', 'ci'], prEnv);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toContain('DOCKER_IMAGE_SIGNING_KEY is not set here, so nothing was built or pushed');
    expect(builds(pr)).toEqual([]);
    expect(pr.exists('dist/docker/apps/worker/image.json')).toBe(false);
  });

  it('3. a cache entry naming another repository is never built upon or promoted: the main runner rebuilds the upstream, promotion fails', async () => {
    const base = record(main, 'docker/base');
    const forged = `${REGISTRY}/${main.prefix}/forged:nx-${base.nxHash}`;
    const digest = await pushForgery(forged, base.nxHash, main.root);
    await cache.editRecord(base.nxHash, (rec) => {
      rec.contentTag = forged;
      rec.references = [forged];
      rec.digest = digest;
    });
    // main changes api: api builds on the main runner, FROM base, whose record is the forged one.
    main.write('apps/api/src/main.py', `${main.read('apps/api/src/main.py')}\n# v2\n`);
    await main.commit('api v2');
    const runner = await freshRunner();
    const r = await nx(runner, ['affected', '-t', 'docker-build', '-c', 'ci', '--base=HEAD~1', '--head=HEAD'], mainEnv);
    expect(ok(r)).toEqual({ exitCode: 0, output: '' });
    expect(runner.lastRun()['base:docker-build:ci'].cacheStatus).toBe('remote-cache-hit');
    expect(r.output).toContain(`dist/docker/docker/base/image.json cannot be trusted: it names ${forged}`);
    expect(r.output).not.toMatch(/Upstream image: BASE_IMAGE=\S*forged/);
    expect(await health(runner, mainEnv)).toEqual({ status: 'ok', service: 'api', base: 'base-v1' });

    const promote = await nx(runner, ['run', 'base:docker-push', '-c', 'ci'], mainEnv);
    expect(promote.exitCode).not.toBe(0);
    expect(promote.output).toContain(`cannot be trusted: it names ${forged}`);
    expect((await raw(`${REGISTRY}/${main.prefix}/base:latest`))?.digest).not.toBe(digest);
  });

  it('4. a content tag overwritten in the image’s own repository (right label, no signature) is not run, promoted or adopted', async () => {
    const runner = runners[runners.length - 1];
    const api = record(runner, 'apps/api');
    const digest = await pushForgery(api.contentTag, api.nxHash, main.root);
    await cache.editRecord(api.nxHash, (rec) => {
      rec.digest = digest;
    });
    const unsigned = `${api.contentTag.replace(/:nx-[^:]+$/, '')}@${digest} is not signed`;

    const fresh = await freshRunner();
    const promote = await nx(fresh, ['run', 'api:docker-push', '-c', 'ci'], mainEnv);
    expect(promote.exitCode).not.toBe(0);
    expect(promote.output).toContain(unsigned);
    // docker-run rebuilds from source into the local engine instead of pulling the forgery.
    expect(await health(fresh, mainEnv)).toEqual({ status: 'ok', service: 'api', base: 'base-v1' });
    expect(outputs[outputs.length - 1]).toContain(unsigned);
    expect(fresh.dockerCalls().filter((c) => c.startsWith('pull'))).toEqual([]);

    // With the cache entry gone, skipExisting finds the tag, rejects it, builds and signs anew.
    cache.entries.clear();
    const again = await freshRunner();
    const r = await nx(again, ['run', 'api:docker-build', '-c', 'ci'], mainEnv);
    expect(ok(r)).toEqual({ exitCode: 0, output: '' });
    expect(r.output).toContain(`${api.contentTag} in the registry cannot be trusted: ${unsigned}`);
    const rebuilt = record(again, 'apps/api');
    expect(rebuilt.digest).not.toBe(digest);
    expect((await raw(api.contentTag))?.digest).toBe(rebuilt.digest);
    const promoted = await nx(again, ['run', 'api:docker-push', '-c', 'ci'], mainEnv);
    expect(ok(promoted)).toEqual({ exitCode: 0, output: '' });
  });

  it('5. a registry that fails pushes: retried with backoff and reported as push errors; a failed push records nothing', async () => {
    const flaky = await FlakyRegistry.start();
    try {
      const env = { ...mainEnv, DOCKER_REGISTRY: flaky.host };
      // BuildKit retries a failed request a few times itself; six failures in a row outlast that.
      flaky.failManifests = 6;
      const r = await nx(main, ['run', 'worker:docker-build', '-c', 'ci'], env);
      expect(ok(r)).toEqual({ exitCode: 0, output: '' });
      expect(flaky.failed).toBe(6);
      expect(r.output).toMatch(/⚠ pushing to the registry failed: .*500 Internal Server Error\. Trying again in 2 s \(attempt 2 of 3\)/);
      expect(record(main, 'apps/worker').contentTag.startsWith(`${flaky.host}/`)).toBe(true);

      main.write('apps/worker/src/worker.js', `${main.read('apps/worker/src/worker.js')}\n// v3\n`);
      flaky.failManifests = Infinity;
      const down = await nx(main, ['run', 'worker:docker-build', '-c', 'ci'], env);
      expect(down.exitCode).not.toBe(0);
      expect(down.output).toMatch(
        /✖ docker buildx build failed for apps\/worker\/Dockerfile: pushing to the registry failed: .*500 Internal Server Error \(3 attempts\)\. The image was built; nothing was recorded/,
      );
      expect(down.output.split('\n').filter((l) => l.includes('✖') && l.includes('importing cache manifest'))).toEqual([]);
      expect(main.exists('dist/docker/apps/worker/image.json')).toBe(false);
    } finally {
      await flaky.stop();
    }
  });

  it('6. the git remote’s credentials are in no image label, record, log, report or cache entry', async () => {
    // An image built here (worker changed in 5), pushed and signed; then reports: audit and lint's SARIF.
    const built = await nx(main, ['run', 'worker:docker-build', '-c', 'ci'], mainEnv);
    expect(ok(built)).toEqual({ exitCode: 0, output: '' });
    await nx(main, ['run-many', '-t', 'docker-audit', 'docker-lint', '-c', 'ci', '--projects=base,worker'], mainEnv);
    expect(main.exists('dist/docker-lint')).toBe(true);
    const worker = record(main, 'apps/worker');
    const labels = JSON.parse((await execa('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', worker.contentTag])).stdout) as Record<
      string,
      string
    >;
    expect(labels['org.opencontainers.image.source']).toBe('https://git.example.com/acme/mlops.git');
    const pushed = await execa('docker', ['buildx', 'imagetools', 'inspect', worker.contentTag, '--format', '{{json .Image}}']);
    expect(pushed.stdout).toContain('https://git.example.com/acme/mlops.git');
    const images = (await main.images()).map((line) => line.split(' ')[0]);
    const inspected = (await execa('docker', ['image', 'inspect', ...images])).stdout;
    const entries = await Promise.all([...cache.entries.values()].map(async (e) => (await execa('tar', ['-xzOf', '-'], { input: e })).stdout));
    expect({
      labels: inspected.includes(SECRET) || pushed.stdout.includes(SECRET),
      outputs: outputs.filter((o) => o.includes(SECRET)).length,
      files: filesHolding(main.root, SECRET),
      cache: entries.filter((e) => e.includes(SECRET)).length,
    }).toEqual({ labels: false, outputs: 0, files: [], cache: 0 });
  });
});
