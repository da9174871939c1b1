import { generateKeyPairSync } from 'node:crypto';
import type { CommandResult, Runner } from './engine';
import { keyId, readPrivateKey, readPublicKey, signatureProblem, signatureTag, signImage, SigningKeyError } from './signature';

const REPO = 'registry.example.com/acme/api';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const HASH = '1234567890';

function pair(type: 'ec' | 'ed25519' = 'ec') {
  const { publicKey, privateKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return {
    publicKey: readPublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'docker/image-signing.pub'),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** A registry as imagetools sees it: `create --annotation ... --tag T SRC` stores an index with those annotations under T. */
function fakeRegistry(): { run: Runner; tags: Map<string, string>; calls: string[][] } {
  const tags = new Map<string, string>();
  const calls: string[][] = [];
  const ok = (stdout = ''): CommandResult => ({ ok: true, stdout, stderr: '', notFound: false });
  const run: Runner = async (args) => {
    calls.push(args);
    if (args[2] === 'create') {
      const annotations: Record<string, string> = {};
      let tag = '';
      for (let i = 3; i < args.length; i++) {
        if (args[i] === '--annotation') {
          const [k, ...v] = args[++i].replace(/^index:/, '').split('=');
          annotations[k] = v.join('=');
        } else if (args[i] === '--tag') tag = args[++i];
      }
      tags.set(tag, JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [], annotations }));
      return ok();
    }
    const stored = tags.get(args[args.length - 1]);
    return stored ? ok(stored) : { ok: false, exitCode: 1, stdout: '', stderr: `ERROR: ${args[args.length - 1]}: not found`, notFound: false };
  };
  return { run, tags, calls };
}

describe('image signatures', () => {
  it.each(['ec', 'ed25519'] as const)('a %s signature of repository, digest and Nx hash verifies, and nothing else does', async (type) => {
    const { publicKey, privatePem } = pair(type);
    const key = readPrivateKey(privatePem, publicKey, 'docker/image-signing.pub');
    const registry = fakeRegistry();
    expect(await signImage(REPO, DIGEST, HASH, key, registry.run)).toBe(`${REPO}:sha256-${'a'.repeat(64)}.nxsig`);
    expect(await signatureProblem(REPO, DIGEST, HASH, publicKey, registry.run)).toBeUndefined();
    // The same signature says nothing about another build of the image, or another repository's copy.
    expect(await signatureProblem(REPO, DIGEST, 'another-hash', publicKey, registry.run)).toMatch(/is not a signature of this build \(Nx hash another-hash\)/);
    const elsewhere = `registry.example.com/acme/evil`;
    registry.tags.set(signatureTag(elsewhere, DIGEST), registry.tags.get(signatureTag(REPO, DIGEST)) ?? '');
    expect(await signatureProblem(elsewhere, DIGEST, HASH, publicKey, registry.run)).toMatch(/is not a signature of this build/);
  });

  it('an image pushed by someone without the private key is rejected: unsigned, or signed by another key', async () => {
    const ours = pair();
    const theirs = pair();
    const registry = fakeRegistry();
    expect(await signatureProblem(REPO, DIGEST, HASH, ours.publicKey, registry.run)).toBe(`${REPO}@${DIGEST} is not signed (no ${signatureTag(REPO, DIGEST)})`);
    await signImage(REPO, DIGEST, HASH, readPrivateKey(theirs.privatePem, theirs.publicKey, 'x'), registry.run);
    expect(await signatureProblem(REPO, DIGEST, HASH, ours.publicKey, registry.run)).toBe(
      `${signatureTag(REPO, DIGEST)} is not a signature of this build (Nx hash ${HASH}) by key ${keyId(ours.publicKey)} (it names key ${keyId(theirs.publicKey)})`,
    );
    registry.tags.set(signatureTag(REPO, DIGEST), JSON.stringify({ manifests: [] }));
    expect(await signatureProblem(REPO, DIGEST, HASH, ours.publicKey, registry.run)).toBe(`${signatureTag(REPO, DIGEST)} holds no signature`);
  });

  it('refuses a private key that is not the half of the workspace public key, and keys that are not PEM', () => {
    const ours = pair();
    const theirs = pair();
    expect(() => readPrivateKey(theirs.privatePem, ours.publicKey, 'docker/image-signing.pub')).toThrow(
      /DOCKER_IMAGE_SIGNING_KEY \(key [0-9a-f]{16}\) is not the private half of docker\/image-signing\.pub/,
    );
    expect(() => readPrivateKey('not a key', ours.publicKey, 'x')).toThrow(SigningKeyError);
    expect(() => readPublicKey('-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n', 'docker/image-signing.pub')).toThrow(
      /docker\/image-signing\.pub is not a PEM public key/,
    );
  });
});
