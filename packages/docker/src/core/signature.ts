// Image signatures: the proof a pushed image was built by a runner that holds the workspace's
// signing key, which a label cannot give (anyone who can push sets any label).
//
// The signed statement binds the three things a consumer checks against its own run: the
// repository (from its configuration), the manifest digest and the Nx task hash. It is kept in
// the image's own repository under `sha256-<hex>.nxsig` (cosign's tag convention with our own
// suffix, since the format is ours): an OCI index, made by `buildx imagetools create` from
// the image itself, whose annotations hold the signature. Writing it goes through buildx's
// registry login like every other push; nothing here needs network code of its own.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { dockerRunner, type Runner } from './engine';
import { lastLine, withRetry } from './registry-call';

export const SIGNATURE_ANNOTATION = 'dev.nx.signature';
export const SIGNATURE_KEY_ANNOTATION = 'dev.nx.signature.key';
/** The environment variable that holds the private key (PEM) on runners that publish images. */
export const SIGNING_KEY_ENV = 'DOCKER_IMAGE_SIGNING_KEY';

/** The exact bytes that are signed: one line, fields in a fixed order. */
export function signedStatement(repository: string, digest: string, nxHash: string): Buffer {
  return Buffer.from(JSON.stringify({ type: 'dev.nx.docker-image/v1', repository, digest, nxHash }));
}

/** Where the signature of `repository@digest` is kept. */
export function signatureTag(repository: string, digest: string): string {
  return `${repository}:${digest.replace(':', '-')}.nxsig`;
}

/** Ed25519/Ed448 sign the message itself; ECDSA and RSA keys sign its SHA-256. */
const algorithm = (key: KeyObject): string | null => (key.asymmetricKeyType?.startsWith('ed') ? null : 'sha256');

/** A short, stable name for a public key (the first 16 hex of the SHA-256 of its DER form). */
export function keyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** The keys a build signs and checks with: the workspace's public key, and the private key where this runner publishes. */
export interface SigningKeys {
  publicKey: KeyObject;
  /** Where the public key came from (a workspace path), for messages. */
  source: string;
  privateKey?: KeyObject;
}

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

export function readPublicKey(pem: string, source: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (e) {
    throw new SigningKeyError(`${source} is not a PEM public key (${(e as Error).message}); write it with \`nx g @org/docker:signing-key\`.`);
  }
}

/** The private key from $DOCKER_IMAGE_SIGNING_KEY, checked to match the workspace's public key. */
export function readPrivateKey(pem: string, publicKey: KeyObject, publicKeySource: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new SigningKeyError(`${SIGNING_KEY_ENV} is not a PEM private key (${(e as Error).message}).`);
  }
  if (keyId(key) !== keyId(publicKey)) {
    throw new SigningKeyError(
      `${SIGNING_KEY_ENV} (key ${keyId(key)}) is not the private half of ${publicKeySource} (key ${keyId(publicKey)}): images it signed would be rejected. Set the secret that \`nx g @org/docker:signing-key\` wrote.`,
    );
  }
  return key;
}

export function signStatement(statement: Buffer, key: KeyObject): string {
  return sign(algorithm(key), statement, key).toString('base64');
}

export function verifyStatement(statement: Buffer, signature: string, key: KeyObject): boolean {
  try {
    return verify(algorithm(key), statement, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Signs `repository@digest` as the build of `nxHash` and stores the signature in the registry. */
export async function signImage(repository: string, digest: string, nxHash: string, key: KeyObject, run: Runner = dockerRunner): Promise<string> {
  const tag = signatureTag(repository, digest);
  const signature = signStatement(signedStatement(repository, digest, nxHash), key);
  const r = await withRetry(run, [
    'buildx',
    'imagetools',
    'create',
    '--annotation',
    `index:${SIGNATURE_ANNOTATION}=${signature}`,
    '--annotation',
    `index:${SIGNATURE_KEY_ANNOTATION}=${keyId(key)}`,
    '--tag',
    tag,
    `${repository}@${digest}`,
  ]);
  if (!r.ok) throw new SigningKeyError(`Pushing the signature ${tag} failed: ${lastLine(r.stderr)}`);
  return tag;
}

/**
 * Why `repository@digest` must not be taken as the build of `nxHash`, or undefined when the
 * registry holds a signature of exactly that statement by `key`.
 */
export async function signatureProblem(
  repository: string,
  digest: string,
  nxHash: string,
  key: KeyObject,
  run: Runner = dockerRunner,
): Promise<string | undefined> {
  const tag = signatureTag(repository, digest);
  const r = await withRetry(run, ['buildx', 'imagetools', 'inspect', '--raw', tag]);
  if (!r.ok) {
    return /not found|manifest unknown|name unknown/i.test(r.stderr)
      ? `${repository}@${digest} is not signed (no ${tag})`
      : `its signature ${tag} could not be read (${lastLine(r.stderr)})`;
  }
  let annotations: Record<string, string> = {};
  try {
    annotations = (JSON.parse(r.stdout) as { annotations?: Record<string, string> }).annotations ?? {};
  } catch {
    // not an index: no signature in it
  }
  const signature = annotations[SIGNATURE_ANNOTATION];
  if (!signature) return `${tag} holds no signature`;
  if (!verifyStatement(signedStatement(repository, digest, nxHash), signature, key)) {
    const signer = annotations[SIGNATURE_KEY_ANNOTATION];
    return `${tag} is not a signature of this build (Nx hash ${nxHash}) by key ${keyId(key)}${signer && signer !== keyId(key) ? ` (it names key ${signer})` : ''}`;
  }
  return undefined;
}
