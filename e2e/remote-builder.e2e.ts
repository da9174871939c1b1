// Builds on another engine (issue 19, part 1): a second dockerd on this machine, reached through
// a docker context as a remote build host would be. Its images never land in this machine's
// engine, so each build pushes by content tag and records the digest; a dependent is handed its
// base from the registry by digest; and a service runs here, pulled by digest.
import execa from 'execa';
import { pluginsInProcess, publishedUrl, type PushedRecord, requireEngine, tearDown, waitForHealth, Workspace } from './harness';
import { SecondEngine } from './second-engine';

pluginsInProcess();

const REGISTRY = '127.0.0.1:5000';
const PROJECTS = { base: 'docker/base', api: 'apps/api', worker: 'apps/worker' } as const;
type Project = keyof typeof PROJECTS;

const inEngine = async (ref: string, docker: (args: string[]) => execa.ExecaChildProcess) => (await docker(['image', 'inspect', ref])).exitCode === 0;

describe('a remote engine: builds pushed by content tag, services pulled by digest', () => {
  let engine: SecondEngine;
  let ws: Workspace;
  const containers: string[] = [];
  const record = (p: Project): PushedRecord => JSON.parse(ws.read(`dist/docker/${PROJECTS[p]}/image.json`));
  const local = (args: string[]) => execa('docker', args, { reject: false });
  const remote = (args: string[]) => engine.docker(args, { reject: false });

  beforeAll(async () => {
    await requireEngine();
    engine = await SecondEngine.start();
    await engine.loadFromFirst('python:3.12-slim', 'node:22-bookworm-slim');
    ws = await Workspace.create('registry', { registry: REGISTRY });
  }, 300_000);
  afterAll(async () => {
    await tearDown(containers, [ws]);
    await engine?.stop();
  });

  it('builds the graph on the other engine: every image pushed by content tag with its digest, none in this engine', async () => {
    const r = await ws.nx(['run-many', '-t', 'docker-build', '--parallel=3'], { DOCKER_CONTEXT: engine.context });
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(r.output).toContain(`not this machine's engine: pushing to ${REGISTRY} by content tag`);
    for (const p of Object.keys(PROJECTS) as Project[]) {
      const rec = record(p);
      const hash = ws.lastRun()[`${p}:docker-build`].hash;
      expect({ p, pushed: rec.pushed, contentTag: rec.contentTag }).toEqual({ p, pushed: true, contentTag: `${REGISTRY}/${ws.prefix}/${p}:nx-${hash}` });
      expect(rec.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      // The registry serves the recorded digest under the content tag.
      const inspected = await local(['buildx', 'imagetools', 'inspect', rec.contentTag, '--format', '{{json .Manifest}}']);
      expect(JSON.parse(inspected.stdout).digest).toBe(rec.digest);
      // Built there, not here.
      expect({ p, remote: await inEngine(rec.contentTag, remote), local: await inEngine(rec.contentTag, local) }).toEqual({ p, remote: true, local: false });
    }
    // The dependents were handed the base from the registry, pinned by digest.
    const base = record('base');
    expect(r.output).toContain(`Upstream image: BASE_IMAGE=${base.contentTag}@${base.digest}`);
  });

  it('runs the service on this machine: the image is pulled by its recorded digest and answers on its base', async () => {
    const name = `${ws.prefix}-api-remote`;
    containers.push(name);
    const r = await ws.nx(['run', 'api:docker-run', '--detach', `--name=${name}`, '--ports=127.0.0.1::8000']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    const api = record('api');
    expect(r.output).toContain(`pulling ${api.contentTag.replace(/:nx-[^:]+$/, '')}@${api.digest}`);
    // Nothing was built here: the build task was a cache hit and the image came from the registry.
    expect(ws.lastRun()['api:docker-build'].cacheStatus).not.toBe('cache-miss');
    expect(await waitForHealth(`${await publishedUrl(name, 8000)}/health`)).toEqual({ status: 'ok', service: 'api', base: 'base-v1' });
  });
});
