import type { CommandResult, Runner } from './engine';
import { fullyQualified, hasRegistryHost, inRegistry } from './image-ref';
import { branchSlug, distrustReason, lookupImage, registryCache } from './registry';

const ok = (stdout: string): CommandResult => ({ ok: true, stdout, stderr: '' });
const fail = (stderr: string): CommandResult => ({ ok: false, stdout: '', stderr });
const D = (c: string) => `sha256:${c.repeat(64)}`;

/** A registry as `docker buildx imagetools inspect` answers for it: ref -> manifest, ref -> config. */
function registry(manifests: Record<string, unknown>, configs: Record<string, unknown>): { run: Runner; calls: string[][] } {
  const calls: string[][] = [];
  const run: Runner = async (args) => {
    calls.push(args);
    const ref = args[3];
    const table = args[5] === '{{json .Image}}' ? configs : manifests;
    return ref in table ? ok(JSON.stringify(table[ref])) : fail(`ERROR: ${ref}: not found`);
  };
  return { run, calls };
}

const INDEX = {
  mediaType: 'application/vnd.oci.image.index.v1+json',
  digest: D('a'),
  manifests: [
    { digest: D('b'), platform: { os: 'linux', architecture: 'amd64' } },
    // BuildKit's provenance attestation: not an image.
    { digest: D('c'), platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
  ],
};
const MANIFEST = { digest: D('b'), config: { digest: D('d') }, layers: [{ size: 100 }, { size: 23 }] };

describe('registry', () => {
  const { run, calls } = registry(
    { 'r/api:nx-1': INDEX, [`r/api@${D('a')}`]: INDEX, [`r/api@${D('b')}`]: MANIFEST },
    { 'r/api:nx-1': { config: { Labels: { 'dev.nx.task-hash': '1' } } }, [`r/api@${D('a')}`]: { config: { Labels: { 'dev.nx.task-hash': '1' } } } },
  );

  it('reads a pushed image: index digest, image platforms only, the Nx hash label, layers of the platform manifest', async () => {
    expect(await lookupImage('r/api:nx-1', run)).toEqual({
      found: { digest: D('a'), nxHash: '1', platforms: ['linux/amd64'], layers: 2, size: 123, configDigest: D('d') },
    });
    // Argv arrays only: the reference is one element.
    expect(calls[0]).toEqual(['buildx', 'imagetools', 'inspect', 'r/api:nx-1', '--format', '{{json .Manifest}}']);
  });

  it('tells a missing tag from a registry it cannot reach', async () => {
    expect(await lookupImage('r/api:nx-2', run)).toEqual({ missing: 'ERROR: r/api:nx-2: not found' });
    const down: Runner = async () => fail('ERROR: failed to do request: Head "http://127.0.0.1:5999/v2/a/manifests/x": connection refused');
    expect(await lookupImage('127.0.0.1:5999/a:x', down)).toEqual({ unreachable: expect.stringContaining('connection refused') });
  });

  it('asks again after a transient registry error, but not after a definite answer', async () => {
    let calls = 0;
    const flaky: Runner = async (args) => {
      calls++;
      return calls === 1 ? fail('ERROR: failed to do request: Head "http://127.0.0.1:5000/v2/r/api/manifests/nx-1": EOF') : run(args);
    };
    expect(await lookupImage('r/api:nx-1', flaky)).toMatchObject({ found: { digest: D('a') } });
    let missingCalls = 0;
    const counting: Runner = async (args) => {
      missingCalls++;
      return run(args);
    };
    expect(await lookupImage('r/api:nx-9', counting)).toEqual({ missing: 'ERROR: r/api:nx-9: not found' });
    expect(missingCalls).toBe(1);
  });

  it('trusts a recorded digest only when the registry has it with the expected Nx hash', async () => {
    expect(await distrustReason('r/api', D('a'), '1', run)).toBeUndefined();
    expect(await distrustReason('r/api', D('a'), '2', run)).toBe(`r/api@${D('a')} carries Nx hash 1, not the expected 2`);
    expect(await distrustReason('r/api', D('e'), '1', run)).toBe(`the registry has no r/api@${D('e')}`);
    expect(await distrustReason('r/api', undefined, '1', run)).toBe('it records no pushed digest');
  });

  it('puts an image in a registry unless it already names one', () => {
    expect(inRegistry('api', '127.0.0.1:5000/')).toBe('127.0.0.1:5000/api');
    expect(inRegistry('ghcr.io/acme/api', '127.0.0.1:5000')).toBe('ghcr.io/acme/api');
    expect(inRegistry('acme/api', undefined)).toBe('acme/api');
    expect(hasRegistryHost('localhost/api')).toBe(true);
    expect([fullyQualified('api:1'), fullyQualified('acme/api:1'), fullyQualified('127.0.0.1:5000/acme/api:1')]).toEqual([
      'docker.io/library/api:1',
      'docker.io/acme/api:1',
      '127.0.0.1:5000/acme/api:1',
    ]);
    expect(hasRegistryHost('acme/api')).toBe(false);
    expect(hasRegistryHost('registry.example.com:443/a/b')).toBe(true);
  });

  it('gives each branch its own registry cache, read together with the default branch’s', () => {
    expect(registryCache('r/api', 'main', 'main')).toEqual({
      cacheFrom: ['type=registry,ref=r/api:buildcache'],
      cacheTo: ['type=registry,ref=r/api:buildcache,mode=max'],
    });
    expect(registryCache('r/api', 'feature/Speed up', 'main')).toEqual({
      cacheFrom: ['type=registry,ref=r/api:buildcache-feature-Speed-up', 'type=registry,ref=r/api:buildcache'],
      cacheTo: ['type=registry,ref=r/api:buildcache-feature-Speed-up,mode=max'],
    });
    // No branch known (a detached checkout outside CI): the default branch's cache.
    expect(registryCache('r/api', undefined, 'main').cacheTo).toEqual(['type=registry,ref=r/api:buildcache,mode=max']);
    expect(branchSlug('.hidden/x')).toBe('hidden-x');
  });
});
