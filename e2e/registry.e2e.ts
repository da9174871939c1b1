// CI end to end: a real registry (127.0.0.1:5000), a remote Nx cache that speaks Nx's
// self-hosted protocol, and fresh "runners" (clones of the same commit). An unchanged
// image is never rebuilt on any runner: its image.json comes from the remote cache, the
// image from the registry by digest; a poisoned entry is caught before it is used.
import execa from 'execa';
import { CacheServer } from './cache-server';
import { pluginsInProcess, publishedUrl, type PushedRecord, requireEngine, tearDown, waitForHealth, Workspace } from './harness';

pluginsInProcess();

const REGISTRY = '127.0.0.1:5000';
const PROJECTS = { base: 'docker/base', api: 'apps/api', worker: 'apps/worker' } as const;
type Project = keyof typeof PROJECTS;

async function registryDigest(ref: string): Promise<string | undefined> {
  const r = await execa('docker', ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}'], { reject: false });
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as { digest: string }).digest : undefined;
}

describe('CI: registry, remote Nx cache, promotion without rebuilds', () => {
  let cache: CacheServer;
  let runner1: Workspace;
  const others: Workspace[] = [];
  const containers: string[] = [];
  let env: Record<string, string>;
  const affected = ['affected', '-t', 'docker-build', '-c', 'ci', '--base=HEAD~1', '--head=HEAD', '--parallel=3'];
  const record = (ws: Workspace, p: Project): PushedRecord => JSON.parse(ws.read(`dist/docker/${PROJECTS[p]}/image.json`));
  const builds = (ws: Workspace) => ws.dockerCalls().filter((c) => c.startsWith('buildx build'));

  /** A runner that starts from nothing: a fresh clone, none of our images in the engine, BuildKit's cache pruned. */
  async function freshRunner(): Promise<Workspace> {
    await runner1.removeImages();
    for (const ws of others) await ws.removeImages();
    await execa('docker', ['builder', 'prune', '--all', '--force']);
    const ws = await runner1.clone();
    others.push(ws);
    return ws;
  }

  async function runAndCheckHealth(ws: Workspace, extraEnv: Record<string, string> = {}): Promise<string> {
    const name = `${ws.prefix}-api-${containers.length}`;
    containers.push(name);
    const r = await ws.nx(['run', 'api:docker-run', '-c', 'ci', '--detach', `--name=${name}`, '--ports=127.0.0.1::8000'], { ...env, ...extraEnv });
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(await waitForHealth(`${await publishedUrl(name, 8000)}/health`)).toEqual({ status: 'ok', service: 'api', base: 'base-v1' });
    return r.output;
  }

  beforeAll(async () => {
    await requireEngine();
    cache = await CacheServer.start();
    runner1 = await Workspace.create('registry');
    env = { ...cache.env(), DOCKER_REGISTRY: REGISTRY };
  });
  afterAll(() => tearDown(containers, [...others, runner1], cache));

  it('1. runner 1: affected -c ci pushes every image by content tag, records its digest and uploads the cache entries', async () => {
    const r = await runner1.nx(affected, env);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    const run = runner1.lastRun();
    for (const p of Object.keys(PROJECTS) as Project[]) {
      const task = run[`${p}:docker-build:ci`];
      expect(task.cacheStatus).toBe('cache-miss');
      const rec = record(runner1, p);
      expect(rec.contentTag).toBe(`${REGISTRY}/${runner1.prefix}/${p}:nx-${task.hash}`);
      expect(rec.pushed).toBe(true);
      // The registry serves the content tag with exactly the recorded digest.
      expect(await registryDigest(rec.contentTag)).toBe(rec.digest);
      // And a registry layer cache for the next runner (main writes <repo>:buildcache).
      expect(await registryDigest(`${REGISTRY}/${runner1.prefix}/${p}:buildcache`)).toMatch(/^sha256:/);
      // Nx uploaded the task's outputs to the remote cache (PUT 200).
      expect(cache.requests).toContainEqual({ method: 'PUT', hash: task.hash, status: 200 });
    }
    // api builds FROM base: handed the exact pushed base, by digest.
    expect(r.output).toContain(`Upstream image: BASE_IMAGE=${record(runner1, 'base').contentTag}@${record(runner1, 'base').digest}`);
  });

  it('2. docker-push adds release tags to the pushed image by digest: the registry serves them, nothing is built', async () => {
    runner1.clearDockerCalls();
    const sha = (await runner1.git('rev-parse', 'HEAD')).slice(0, 12);
    // -c ci reaches the docker-build dependency too: the pushed build, a cache hit.
    const r = await runner1.nx(['run', 'api:docker-push', '-c', 'ci'], env);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(runner1.lastRun()['api:docker-build:ci'].cacheStatus).toBe('local-cache-hit');
    const rec = record(runner1, 'api');
    const repo = `${REGISTRY}/${runner1.prefix}/api`;
    for (const tag of ['1.4.0', sha, 'latest']) expect(await registryDigest(`${repo}:${tag}`)).toBe(rec.digest);
    expect(await registryDigest(rec.contentTag)).toBe(rec.digest);
    expect(builds(runner1)).toEqual([]);
    expect(runner1.dockerCalls().filter((c) => c.startsWith('push') || c.startsWith('pull'))).toEqual([]);
  });

  it('3. runner 2 (fresh clone, empty engine and BuildKit cache): every task is a remote cache hit, and docker-run pulls api by digest', async () => {
    const runner2 = await freshRunner();
    const r = await runner2.nx(affected, env);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    const run = runner2.lastRun();
    for (const p of Object.keys(PROJECTS) as Project[]) {
      expect(run[`${p}:docker-build:ci`].cacheStatus).toBe('remote-cache-hit');
      expect(record(runner2, p)).toEqual(record(runner1, p));
    }
    // A cache hit does no Docker work at all.
    expect(runner2.dockerCalls()).toEqual([]);

    const output = await runAndCheckHealth(runner2);
    const rec = record(runner2, 'api');
    const byDigest = `${REGISTRY}/${runner2.prefix}/api@${rec.digest}`;
    expect(output).toContain(`pulling ${byDigest}`);
    expect(runner2.dockerCalls()).toContain(`pull ${byDigest}`);
    expect(builds(runner2)).toEqual([]);
  });

  it('4. with the remote cache emptied but the registry intact, a fresh runner builds nothing: it finds the content tags', async () => {
    cache.entries.clear();
    const runner3 = await freshRunner();
    const r = await runner3.nx(affected, env);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    const run = runner3.lastRun();
    for (const p of Object.keys(PROJECTS) as Project[]) {
      expect(run[`${p}:docker-build:ci`].cacheStatus).toBe('cache-miss');
      const rec = record(runner3, p);
      expect({ p, digest: rec.digest }).toEqual({ p, digest: record(runner1, p).digest });
      expect(r.output).toContain(`${rec.contentTag} is already in the registry (${rec.digest}); nothing to build.`);
    }
    expect(builds(runner3)).toEqual([]);
  });

  it('5. a tampered image.json in the remote cache (wrong digest) is detected before use, and api is rebuilt', async () => {
    const hash = record(runner1, 'api').nxHash;
    // Nx stored api's outputs for this hash: a gzipped tar.
    expect(cache.entries.get(hash)?.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    // Point api's image.json at worker's image.
    const wrong = record(runner1, 'worker').digest as string;
    const file = await cache.editRecord(hash, (tampered) => {
      tampered.digest = wrong;
    });
    expect(file).toMatch(/(^|\/)dist\/docker\/apps\/api\/image\.json$/);

    const runner4 = await freshRunner();
    const output = await runAndCheckHealth(runner4);
    expect(runner4.lastRun()['api:docker-build:ci'].cacheStatus).toBe('remote-cache-hit');
    expect(output).toContain('cannot be trusted');
    expect(output).toContain(`the registry has no ${REGISTRY}/${runner4.prefix}/api@${wrong}`);
    // Rebuilt from source into the local engine (not taken from the registry) and run; only
    // api's own build task writes api's outputs, so docker-run leaves the record as Nx cached it.
    expect(builds(runner4).length).toBe(1);
    expect(output).toContain('the record is left as Nx cached it');
    expect(record(runner4, 'api').digest).toBe(wrong);
    const local = await execa('docker', ['image', 'inspect', '--format', '{{index .Config.Labels "dev.nx.task-hash"}}', record(runner4, 'api').contentTag]);
    expect(local.stdout.trim()).toBe(hash);
  });
});
