// docker-lint and docker-audit through Nx on the real engine: generated services pass both;
// an image that runs as root and one that carries a *_TOKEN variable fail the audit with the
// finding named; lint fails the Dockerfile with no USER and writes SARIF for every project.
import { pluginsInProcess, requireEngine, Workspace } from './harness';

pluginsInProcess();

const SERVICES = ['py-svc', 'node-svc', 'deno-svc'] as const;

describe('docker-lint and docker-audit', () => {
  let ws: Workspace;

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('empty');
    for (const [name, runtime] of [
      ['py-svc', 'python'],
      ['node-svc', 'node'],
      ['deno-svc', 'deno'],
    ]) {
      const g = await ws.nx(['g', '@org/docker:service', name, `--runtime=${runtime}`, '--no-interactive']);
      expect(g.exitCode).toBe(0);
    }
    // Runs as root: no USER at all (the case hadolint lets through).
    ws.write('apps/rooty/project.json', JSON.stringify({ name: 'rooty' }));
    ws.write('apps/rooty/.dockerignore', '*\n!main.py\n');
    ws.write('apps/rooty/main.py', 'print("hi")\n');
    ws.write('apps/rooty/Dockerfile', 'FROM python:3.12-slim\nCOPY main.py /app/\nHEALTHCHECK CMD ["true"]\nCMD ["python3", "/app/main.py"]\n');
    // A token in the environment of an otherwise fine image.
    ws.write('apps/tokeny/project.json', JSON.stringify({ name: 'tokeny' }));
    ws.write('apps/tokeny/.dockerignore', '*\n!main.py\n');
    ws.write('apps/tokeny/main.py', 'print("hi")\n');
    ws.write(
      'apps/tokeny/Dockerfile',
      'FROM python:3.12-slim\nENV GITHUB_TOKEN=ghp_example\nCOPY main.py /app/\nUSER 10001:10001\nHEALTHCHECK CMD ["true"]\nCMD ["python3", "/app/main.py"]\n',
    );
    await ws.commit('services');
  });
  afterAll(async () => {
    await ws?.dispose();
  });

  it('docker-audit passes the generated production images and fails root and token images, naming why', async () => {
    const r = await ws.nx(['run-many', '-t', 'docker-audit', '--parallel=2']);
    expect(r.exitCode).not.toBe(0);
    const run = ws.lastRun();
    for (const s of SERVICES) {
      expect({ s, status: run[`${s}:docker-audit`].status }).toEqual({ s, status: 0 });
      expect({ s, build: run[`${s}:docker-build`].status }).toEqual({ s, build: 0 });
    }
    expect(run['rooty:docker-audit'].status).not.toBe(0);
    expect(run['tokeny:docker-audit'].status).not.toBe(0);
    expect(r.output).toMatch(/error +image-runs-as-root +the image sets no user, so it runs as root/);
    expect(r.output).toMatch(/error +image-secret-env +environment variable GITHUB_TOKEN looks like a secret/);
    expect(r.output).toContain(`${ws.prefix}/rooty:nx-`);
  });

  it('docker-lint passes the generated Dockerfiles, fails the one without USER, and writes SARIF for each', async () => {
    const r = await ws.nx(['run-many', '-t', 'docker-lint']);
    expect(r.exitCode).not.toBe(0);
    const run = ws.lastRun();
    for (const s of SERVICES) expect({ s, status: run[`${s}:docker-lint`].status }).toEqual({ s, status: 0 });
    expect(run['rooty:docker-lint'].status).not.toBe(0);
    expect(r.output).toMatch(/apps\/rooty\/Dockerfile\n(?: .*\n)* +1 +error +runs-as-root +the final stage \(line 1\) sets no USER/);
    for (const p of [...SERVICES, 'rooty', 'tokeny']) {
      const sarif = JSON.parse(ws.read(`dist/docker-lint/${p}.sarif`));
      expect(sarif.version).toBe('2.1.0');
      expect(
        sarif.runs[0].results.every(
          (x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) =>
            x.locations[0].physicalLocation.artifactLocation.uri === `apps/${p}/Dockerfile`,
        ),
      ).toBe(true);
    }
    expect(JSON.parse(ws.read('dist/docker-lint/tokeny.sarif')).runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('secret-in-arg-env');

    // Unchanged Dockerfiles: lint is a cache hit the second time, with the SARIF restored.
    ws.remove('dist/docker-lint');
    await ws.nx(['run-many', '-t', 'docker-lint', '--projects=py-svc']);
    expect(ws.lastRun()['py-svc:docker-lint'].cacheStatus).toBe('local-cache-hit');
    expect(ws.exists('dist/docker-lint/py-svc.sarif')).toBe(true);
  });
});
