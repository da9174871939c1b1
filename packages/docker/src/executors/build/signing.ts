// The workspace's image-signing keys for a build target: the public key its options name
// (committed to the repository, so it comes from this run's checkout) and, on runners that
// publish, the private key from $DOCKER_IMAGE_SIGNING_KEY.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BuildFailure } from '../../core/image-build';
import { readPrivateKey, readPublicKey, SIGNING_KEY_ENV, SigningKeyError, type SigningKeys } from '../../core/signature';
import type { BuildExecutorSchema } from './schema';

// One read and parse per key and process: a batch, or a build verifying each upstream image,
// asks for the same keys many times.
const loaded = new Map<string, SigningKeys>();

/** The keys, or undefined when the target does not ask for signed images. */
export function signingKeys(
  options: Pick<BuildExecutorSchema, 'signingPublicKey'>,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): SigningKeys | undefined {
  const source = options.signingPublicKey;
  if (!source) return undefined;
  const key = `${resolve(workspaceRoot, source)}\0${env[SIGNING_KEY_ENV]?.trim() ?? ''}`;
  const known = loaded.get(key);
  if (known) return known;
  const keys = readKeys(source, workspaceRoot, env);
  loaded.set(key, keys);
  return keys;
}

function readKeys(source: string, workspaceRoot: string, env: NodeJS.ProcessEnv): SigningKeys {
  let pem: string;
  try {
    pem = readFileSync(resolve(workspaceRoot, source), 'utf8');
  } catch (e) {
    throw new BuildFailure(
      `The public key "signingPublicKey": "${source}" cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); create it with \`nx g @org/docker:signing-key\` or remove the option.`,
    );
  }
  try {
    const publicKey = readPublicKey(pem, source);
    const secret = env[SIGNING_KEY_ENV]?.trim();
    return { publicKey, source, privateKey: secret ? readPrivateKey(secret, publicKey, source) : undefined };
  } catch (e) {
    if (e instanceof SigningKeyError) throw new BuildFailure(e.message);
    throw e;
  }
}
