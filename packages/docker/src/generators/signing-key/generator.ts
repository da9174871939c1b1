// `nx g @org/docker:signing-key`: the key pair pushed images are signed with. The public key is
// committed and named in the plugin options (so a consumer checks against its own checkout);
// the private key is written once, git-ignored, for the publishing runner's secret.
import { generateKeyPairSync } from 'node:crypto';
import { readNxJson, updateNxJson, type Tree } from '../../utils/devkit';
import { SIGNING_KEY_ENV } from '../../core/signature';
import { isThisPlugin, PLUGIN_NAME } from '../init/generator';
import type { SigningKeyGeneratorSchema } from './schema';

export class SigningKeyExists extends Error {
  override name = 'SigningKeyExists';
}

function ignore(tree: Tree, path: string): void {
  const gitignore = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf-8') ?? '') : '';
  const entry = `/${path.replace(/^\/+/, '')}`;
  if (gitignore.split('\n').some((l) => l.trim() === entry || l.trim() === path)) return;
  const sep = gitignore && !gitignore.endsWith('\n') ? '\n' : '';
  tree.write('.gitignore', `${gitignore}${sep}# @org/docker image-signing private key: a CI secret, never committed\n${entry}\n`);
}

export function signingKeyGenerator(tree: Tree, options: SigningKeyGeneratorSchema = {}): () => void {
  const publicPath = options.publicKey ?? 'docker/image-signing.pub';
  const privatePath = options.privateKey ?? 'image-signing.key';
  if (tree.exists(publicPath) && !options.force) {
    throw new SigningKeyExists(`${publicPath} already exists; pass --force to replace the key pair (every image is then rebuilt and signed with the new key).`);
  }
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  tree.write(publicPath, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  tree.write(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  ignore(tree, privatePath);

  const nxJson = readNxJson(tree) ?? {};
  nxJson.plugins ??= [];
  const index = nxJson.plugins.findIndex((p) => isThisPlugin(tree, p as string | { plugin: string }));
  const entry = index >= 0 ? nxJson.plugins[index] : PLUGIN_NAME;
  const object = typeof entry === 'string' ? { plugin: entry, options: {} } : { ...entry, options: { ...(entry.options as object) } };
  (object.options as Record<string, unknown>).signingPublicKey = publicPath;
  if (index >= 0) nxJson.plugins[index] = object;
  else nxJson.plugins.push(object);
  updateNxJson(tree, nxJson);

  return () => {
    console.log(
      [
        `Pushed images must now be signed by the key in ${privatePath}. Put it into the publishing runner's secrets and delete the file, e.g.:`,
        `  gh secret set ${SIGNING_KEY_ENV} < ${privatePath} && rm ${privatePath}`,
        `Give it only to jobs that push from the default branch (the workflow of \`nx g @org/docker:ci\` does), never to pull requests.`,
      ].join('\n'),
    );
  };
}

export default signingKeyGenerator;
