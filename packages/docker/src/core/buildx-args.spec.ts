import { buildxArgv } from './buildx-args';

describe('buildxArgv', () => {
  const base = { dockerfile: '/ws/apps/api/Dockerfile', context: '/ws/apps/api', tags: ['api:nx-1', 'api:latest'], cwd: '/ws' };

  it('builds a minimal load build with the context last', () => {
    expect(buildxArgv(base)).toEqual([
      'buildx',
      'build',
      '--file',
      '/ws/apps/api/Dockerfile',
      '--tag',
      'api:nx-1',
      '--tag',
      'api:latest',
      '--load',
      '--progress',
      'rawjson',
      '/ws/apps/api',
    ]);
  });

  it('keeps every value its own argv element, whatever characters it holds', () => {
    const argv = buildxArgv({ ...base, buildArgs: { NOTE: 'a b; rm -rf / $(x)' }, labels: { title: "it's" } });
    expect(argv).toContain('NOTE=a b; rm -rf / $(x)');
    expect(argv).toContain("title=it's");
  });

  it('maps every option to its flag and resolves relative paths against the workspace root', () => {
    const argv = buildxArgv({
      ...base,
      target: 'production',
      secrets: ['id=npm,env=NPM_TOKEN', 'id=netrc,src=secrets/.netrc'],
      buildContexts: { common: 'libs/common', base: 'docker-image://python:3.12-slim' },
      platforms: ['linux/amd64', 'linux/arm64'],
      cacheFrom: ['type=registry,ref=r/api:buildcache'],
      cacheTo: ['type=registry,ref=r/api:buildcache,mode=max'],
      network: 'none',
      pull: true,
      noCache: true,
      push: true,
      builder: 'ci',
      metadataFile: '/tmp/m.json',
    });
    expect(argv.slice(0, 4)).toEqual(['buildx', 'build', '--builder', 'ci']);
    const pairs = (flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));
    expect(pairs('--target')).toEqual(['production']);
    expect(pairs('--secret')).toEqual(['id=npm,env=NPM_TOKEN', 'id=netrc,src=/ws/secrets/.netrc']);
    expect(pairs('--build-context')).toEqual(['common=/ws/libs/common', 'base=docker-image://python:3.12-slim']);
    expect(pairs('--platform')).toEqual(['linux/amd64,linux/arm64']);
    expect(pairs('--cache-from')).toEqual(['type=registry,ref=r/api:buildcache']);
    expect(pairs('--cache-to')).toEqual(['type=registry,ref=r/api:buildcache,mode=max']);
    expect(pairs('--network')).toEqual(['none']);
    expect(pairs('--metadata-file')).toEqual(['/tmp/m.json']);
    // A pushed image is an index with provenance, so promotion by digest keeps its digest.
    expect(pairs('--provenance')).toEqual(['mode=min']);
    expect(argv).toEqual(expect.arrayContaining(['--pull', '--no-cache', '--push']));
    // push without an explicit load: nothing is loaded into the local store
    expect(argv).not.toContain('--load');
    expect(argv[argv.length - 1]).toBe('/ws/apps/api');
  });

  it('asks for no attestation when the image is only loaded', () => {
    expect(buildxArgv(base)).not.toContain('--provenance');
  });

  it('loads and pushes when both are asked for', () => {
    expect(buildxArgv({ ...base, push: true, load: true })).toEqual(expect.arrayContaining(['--push', '--load']));
  });
});
