// The trust check of a (possibly cached) image.json, against a fake engine: it compares with
// this run (never the record with itself), takes the repository from this run's options (never
// from the record), and a distrusted record is rebuilt into the local engine without anyone but
// the build task writing the record.
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buildPlan } from '../../core/build-plan';
import { useEngine } from '../../core/engine';
import type { ExecutorContext } from '../../utils/devkit';
import { trustedBuild } from './ensure-local';

/** An execa-like child: awaitable, with streams, answering `answer(argv)`. */
function fakeChild(result: { exitCode: number; stdout?: string; stderr?: string }) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const child = Object.assign(new EventEmitter(), { stdout, stderr, kill: () => true });
  const done = new Promise((resolve) =>
    setImmediate(() => {
      stdout.end();
      stderr.end();
      resolve({ exitCode: result.exitCode, stdout: result.stdout ?? '', stderr: result.stderr ?? '' });
    }),
  );
  return Object.assign(child, { then: done.then.bind(done), catch: done.catch.bind(done) });
}

describe('trust of a recorded image', () => {
  let root: string;
  let calls: string[][];
  let restore: () => void;
  const hash = '1111';
  const options = {
    file: 'apps/api/Dockerfile',
    context: 'apps/api',
    image: 'acme/api',
    outputPath: 'dist/docker/apps/api',
    plan: buildPlan({ dockerfile: 'apps/api/Dockerfile', dockerfileText: 'FROM debian\nCOPY src/ /app/\n', context: 'apps/api' }),
  };
  const context = (withTask = true) =>
    ({
      root,
      projectName: 'api',
      targetName: 'docker-run',
      projectsConfigurations: { version: 2, projects: { api: { root: 'apps/api', targets: { 'docker-build': { executor: '@org/docker:build', options } } } } },
      taskGraph: { roots: [], dependencies: {}, tasks: withTask ? { 'api:docker-build': { id: 'api:docker-build', hash } } : {} },
      nxJsonConfiguration: {},
    }) as unknown as ExecutorContext;
  const writeRecord = (contentTag: string, nxHash: string) => {
    mkdirSync(join(root, options.outputPath), { recursive: true });
    const record = {
      references: [contentTag],
      contentTag,
      imageId: 'sha256:x',
      platforms: [],
      size: 0,
      layers: 0,
      created: '',
      nxHash,
      dockerfile: options.file,
      context: options.context,
      buildArgs: [],
      builder: 'x',
      durationMs: 0,
      steps: { cached: 0, executed: 0, total: 0 },
      pushed: false,
    };
    writeFileSync(join(root, options.outputPath, 'image.json'), JSON.stringify(record));
    return readFileSync(join(root, options.outputPath, 'image.json'), 'utf8');
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'org-docker-trust-'));
    calls = [];
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    restore = useEngine({
      spawn: (args) => {
        calls.push(args);
        if (args[0] === 'info')
          return fakeChild({
            exitCode: 0,
            stdout: JSON.stringify({ ServerVersion: '26.1.5', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] }),
          }) as never;
        if (args[0] === 'buildx' && args[1] === 'inspect') return fakeChild({ exitCode: 0, stdout: 'Name: default\nDriver: docker\n' }) as never;
        if (args[0] === 'image' && args[1] === 'inspect') return fakeChild({ exitCode: 1, stderr: 'No such image' }) as never;
        return fakeChild({ exitCode: 0, stdout: 'v0.13.1' }) as never;
      },
      spawnSync: (args) => void calls.push(args),
    });
  });
  afterEach(() => {
    restore();
    jest.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
  });

  const builds = () => calls.filter((a) => a[0] === 'buildx' && a[1] === 'build');
  const tagsOf = (argv: string[]) => argv.flatMap((a, i) => (argv[i - 1] === '--tag' ? [a] : []));

  it('a record matching this run is used as it is: no build', async () => {
    writeRecord(`acme/api:nx-${hash}`, hash);
    const found = await trustedBuild(context(), 'docker-build');
    expect('error' in found ? found.error : found.record.contentTag).toBe(`acme/api:nx-${hash}`);
    expect(builds()).toEqual([]);
  });

  it('without the build task\'s hash in this run nothing is called verified: promotion fails, run uses it saying "unverified" (defect 4)', async () => {
    const warnings: string[] = [];
    jest.spyOn(console, 'warn').mockImplementation((m: string) => void warnings.push(m));
    writeRecord(`acme/api:nx-${hash}`, hash);
    const promote = await trustedBuild(context(false), 'docker-build', 'api', { onDistrust: 'fail' });
    expect('error' in promote && promote.error).toContain('cannot be verified');
    const run = await trustedBuild(context(false), 'docker-build');
    expect('error' in run).toBe(false);
    expect(warnings.join('\n')).toContain('is used unverified');
    expect(calls).toEqual([]);
  });

  it("without the hash, a record naming another repository is still rebuilt under this run's repository", async () => {
    writeRecord(`evil/base:nx-${hash}`, hash);
    await trustedBuild(context(false), 'docker-build');
    expect(tagsOf(builds()[0])[0]).toBe(`acme/api:nx-${hash}`);
  });

  it("a record naming another repository is rebuilt under this run's repository; the record is left untouched (defect 3, issue 14.1)", async () => {
    const before = writeRecord(`evil/base:nx-${hash}`, hash);
    const found = await trustedBuild(context(), 'docker-build');
    expect('error' in found).toBe(false);
    expect(builds()).toHaveLength(1);
    expect(tagsOf(builds()[0])).toEqual([`acme/api:nx-${hash}`, 'acme/api:latest']);
    expect(tagsOf(builds()[0]).some((t) => t.startsWith('evil/'))).toBe(false);
    expect(builds()[0]).toContain('--load');
    expect(builds()[0]).not.toContain('--push');
    expect(readFileSync(join(root, options.outputPath, 'image.json'), 'utf8')).toBe(before);
  });

  it('promotion fails on a distrusted record instead of rebuilding, and names the task to re-run', async () => {
    writeRecord(`acme/api:nx-2222`, '2222');
    const found = await trustedBuild(context(), 'docker-build', 'api', { onDistrust: 'fail' });
    expect('error' in found && found.error).toContain('nx run api:docker-build --skip-nx-cache');
    expect(builds()).toEqual([]);
  });
});
