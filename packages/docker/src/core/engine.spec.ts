import { detectEngine, EngineError, featureProblems, interpretProbe, type EngineInfo, type EngineProbe } from './engine';
import { engineEndpoint, isRemoteEngine } from './engine-location';

const ok = (stdout = '') => ({ ok: true, stdout, stderr: '' });
const fail = (stderr: string) => ({ ok: false, stdout: '', stderr });
const INSPECT = 'Name:          default\nDriver:        docker\nLast Activity: x\n\nNodes:\nName: default\n';
const INFO = JSON.stringify({ ServerVersion: '26.1.5', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] });

function message(probe: EngineProbe): string {
  try {
    interpretProbe(probe);
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return (e as Error).message;
  }
  throw new Error('expected an EngineError');
}

describe('engine detection', () => {
  it('reads versions, builder, driver, the containerd store and where the engine is', () => {
    const probe = {
      version: ok('28.2.2'),
      info: ok(INFO),
      buildx: ok('github.com/docker/buildx 0.13.1+ds1 abc'),
      inspect: ok(INSPECT),
      context: ok('unix:///var/run/docker.sock'),
    };
    const saved = process.env.DOCKER_HOST;
    delete process.env.DOCKER_HOST;
    try {
      expect(interpretProbe(probe)).toEqual({
        serverVersion: '26.1.5',
        buildxVersion: '0.13.1+ds1',
        builder: 'default',
        driver: 'docker',
        containerdStore: true,
        endpoint: 'unix:///var/run/docker.sock',
        remote: false,
      });
      // A context on another engine: builds do not land in this machine's engine.
      expect(interpretProbe({ ...probe, context: ok('ssh://ci@build-host') })).toMatchObject({ endpoint: 'ssh://ci@build-host', remote: true });
    } finally {
      if (saved !== undefined) process.env.DOCKER_HOST = saved;
    }
  });

  it("tells this machine's engine from another one", () => {
    expect(isRemoteEngine('unix:///var/run/docker.sock', 'docker', '/home/u')).toBe(false);
    expect(isRemoteEngine('unix:///run/user/1000/docker.sock', 'docker', '/home/u')).toBe(false);
    expect(isRemoteEngine('unix:///home/u/.docker/run/docker.sock', 'docker', '/home/u')).toBe(false);
    expect(isRemoteEngine('npipe:////./pipe/docker_engine', 'docker', '')).toBe(false);
    expect(isRemoteEngine('tcp://10.0.0.5:2376', 'docker', '/home/u')).toBe(true);
    expect(isRemoteEngine('unix:///tmp/other/docker.sock', 'docker', '/home/u')).toBe(true);
    // BuildKit builders keep their images to themselves, wherever they run.
    for (const driver of ['docker-container', 'remote', 'kubernetes']) expect(isRemoteEngine('unix:///var/run/docker.sock', driver, '/home/u')).toBe(true);
    expect(engineEndpoint('unix:///a.sock', { DOCKER_HOST: 'tcp://b:2375' })).toBe('tcp://b:2375');
    expect(engineEndpoint(undefined, {})).toBe('unix:///var/run/docker.sock');
  });

  it('says the CLI is missing and how to install it', () => {
    expect(message({ version: { ok: false, stdout: '', stderr: 'spawn docker ENOENT', notFound: true } })).toMatch(
      /docker CLI was not found on PATH.*Install Docker Engine >= 23 with the buildx plugin/,
    );
  });

  it('with no docker CLI on PATH, the real runner says the CLI is missing (not that no engine answers)', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent-dir';
    try {
      await expect(detectEngine('no-cli-on-path')).rejects.toThrow(/The docker CLI was not found on PATH/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('says no engine answers, with the reason and how to start one', () => {
    const m = message({
      version: ok('28.2.2'),
      info: fail('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'),
    });
    expect(m).toMatch(/^No Docker engine answers \(Cannot connect to the Docker daemon/);
    expect(m).toMatch(/Start the daemon/);
    expect(m).toMatch(/DOCKER_HOST/);
  });

  it('says buildx is missing and how to install it', () => {
    const m = message({ version: ok('26.1.5'), info: ok(INFO), buildx: fail("docker: 'buildx' is not a docker command.") });
    expect(m).toMatch(/docker buildx is not available \(docker: 'buildx' is not a docker command.\)/);
    expect(m).toMatch(/apt-get install docker-buildx/);
  });

  it('says a named builder cannot be used', () => {
    expect(() => interpretProbe({ version: ok('1'), info: ok(INFO), buildx: ok('v0.13.1'), inspect: fail('no builder "ci" found') }, 'ci')).toThrow(
      /builder "ci" cannot be used: no builder "ci" found.*docker buildx create --use/,
    );
  });
});

describe('driver features', () => {
  const classic: EngineInfo = { serverVersion: '24', buildxVersion: '0.12', builder: 'default', driver: 'docker', containerdStore: false };

  it('the classic docker driver cannot export a registry cache or build several platforms', () => {
    const problems = featureProblems(classic, { cacheTo: ['type=registry,ref=r/a:cache,mode=max', 'type=inline'], platforms: ['linux/amd64', 'linux/arm64'] });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/cannot export a cache of type=registry.*docker buildx create --use --driver docker-container/);
    expect(problems[1]).toMatch(/cannot build multi-platform images \(linux\/amd64, linux\/arm64\)/);
  });

  it('the containerd store and docker-container builders can', () => {
    expect(
      featureProblems({ ...classic, containerdStore: true }, { cacheTo: ['type=registry,ref=r/a:cache'], platforms: ['linux/amd64', 'linux/arm64'] }),
    ).toEqual([]);
    expect(featureProblems({ ...classic, driver: 'docker-container' }, { cacheTo: ['type=local,dest=/tmp/c'] })).toEqual([]);
  });

  it('a multi-platform image cannot be loaded by a container builder', () => {
    expect(featureProblems({ ...classic, driver: 'docker-container' }, { load: true, platforms: ['linux/amd64', 'linux/arm64'] })[0]).toMatch(
      /cannot be loaded.*set push: true/,
    );
  });
});
