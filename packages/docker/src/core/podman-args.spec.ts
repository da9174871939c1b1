import { loopbackRegistries, podmanBuildArgv, podmanProblems } from './podman-args';

describe('podman build argv', () => {
  const base = { dockerfile: '/w/apps/api/Dockerfile', context: '/w/apps/api', tags: ['api:nx-1', 'api:latest'], cwd: '/w' };

  it('the same Dockerfile features as buildx: target, tags, labels, args, secrets, named contexts; the id to a file, never --load or --push', () => {
    const argv = podmanBuildArgv(
      {
        ...base,
        target: 'production',
        labels: { 'org.nx.hash': '1' },
        buildArgs: { VERSION: '2' },
        secrets: ['id=npm,env=NPM_TOKEN', 'id=key,src=secrets/key.pem'],
        buildContexts: { common: 'libs/common', base: 'docker-image://localhost:5000/base@sha256:ab' },
        platforms: ['linux/amd64'],
        load: true,
        push: true,
      },
      '/tmp/iid',
    );
    expect(argv).toEqual([
      'build',
      '--file',
      '/w/apps/api/Dockerfile',
      '--iidfile',
      '/tmp/iid',
      '--layers',
      '--target',
      'production',
      '--tag',
      'api:nx-1',
      '--tag',
      'api:latest',
      '--label',
      'org.nx.hash=1',
      '--build-arg',
      'VERSION=2',
      '--secret',
      'id=npm,env=NPM_TOKEN',
      '--secret',
      'id=key,src=/w/secrets/key.pem',
      '--build-context',
      'common=/w/libs/common',
      '--build-context',
      'base=docker-image://localhost:5000/base@sha256:ab',
      '--platform',
      'linux/amd64',
      '/w/apps/api',
    ]);
  });

  it('a registry cache becomes the repository Podman caches layers in', () => {
    const argv = podmanBuildArgv({ ...base, cacheFrom: ['type=registry,ref=r.io/api:cache'], cacheTo: ['type=registry,ref=r.io/api:cache,mode=max'] }, '/i');
    expect(argv.join(' ')).toContain('--cache-from r.io/api --cache-to r.io/api');
  });

  it('never turns TLS off for the whole build: the loopback registries it uses are listed for its registries.conf', () => {
    expect(podmanBuildArgv({ ...base, tags: ['127.0.0.1:5000/api:nx-1'] }, '/i').join(' ')).not.toContain('tls-verify');
    expect(loopbackRegistries(base)).toEqual([]);
    expect(loopbackRegistries({ ...base, tags: ['127.0.0.1:5000/api:nx-1', '127.0.0.1:5000/api:latest'] })).toEqual(['127.0.0.1:5000']);
    expect(loopbackRegistries({ ...base, cacheTo: ['type=registry,ref=localhost:5000/api:cache'], cacheFrom: ['r.io/api:cache'] })).toEqual(['localhost:5000']);
    expect(loopbackRegistries({ ...base, buildContexts: { base: 'docker-image://127.0.0.2:5001/base@sha256:ab', lib: 'libs/lib' } })).toEqual([
      '127.0.0.2:5001',
    ]);
    expect(loopbackRegistries({ ...base, pulls: ['localhost:5000/python-base:1', 'python:3.12-slim'] })).toEqual(['localhost:5000']);
    expect(loopbackRegistries({ ...base, tags: ['registry.example.com/api:1'], pulls: ['ghcr.io/a/b:1'], cacheTo: ['type=local,dest=/c'] })).toEqual([]);
  });

  it('what Podman cannot do fails with one message per option, naming it and the way out', () => {
    expect(podmanProblems({ cacheTo: ['type=registry,ref=r.io/api:cache'], platforms: ['linux/amd64'] })).toEqual([]);
    const problems = podmanProblems({ builder: 'remote', cacheTo: ['type=gha'], platforms: ['linux/amd64', 'linux/arm64'] });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^"builder" \(remote\) names a buildx builder/);
    expect(problems[1]).toMatch(/^"cacheTo" type=gha: Podman caches layers in a registry repository only/);
    expect(problems[2]).toMatch(/^"platforms" lists linux\/amd64, linux\/arm64/);
    for (const p of problems) expect(p).toContain('"engine" to "docker"');
    // Signatures are annotated indexes only buildx imagetools writes: refused before anything is built or pushed.
    expect(podmanProblems({ signs: true })).toEqual([expect.stringMatching(/^"signingPublicKey": a pushed image is signed by an annotated OCI index/)]);
  });
});
