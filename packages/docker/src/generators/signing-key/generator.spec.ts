import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { keyId } from '../../core/signature';
import { initGenerator } from '../init/generator';
import { signingKeyGenerator } from './generator';

describe('signing-key generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    initGenerator(tree);
  });

  it('writes a matching key pair, names the public key in the plugin options and git-ignores the private key', () => {
    const done = signingKeyGenerator(tree);
    const publicKey = createPublicKey(tree.read('docker/image-signing.pub', 'utf-8') ?? '');
    const privateKey = createPrivateKey(tree.read('image-signing.key', 'utf-8') ?? '');
    expect(keyId(privateKey)).toBe(keyId(publicKey));
    expect(readNxJson(tree)?.plugins).toEqual([
      expect.objectContaining({ plugin: '@org/docker', options: expect.objectContaining({ signingPublicKey: 'docker/image-signing.pub' }) }),
    ]);
    expect(tree.read('.gitignore', 'utf-8')).toContain('\n/image-signing.key\n');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    done();
    expect(log.mock.calls.join('\n')).toContain('gh secret set DOCKER_IMAGE_SIGNING_KEY < image-signing.key');
    log.mockRestore();
  });

  it('never replaces a key pair silently', () => {
    signingKeyGenerator(tree);
    const before = tree.read('docker/image-signing.pub', 'utf-8');
    expect(() => signingKeyGenerator(tree)).toThrow('docker/image-signing.pub already exists; pass --force');
    expect(tree.read('docker/image-signing.pub', 'utf-8')).toBe(before);
    signingKeyGenerator(tree, { force: true });
    expect(tree.read('docker/image-signing.pub', 'utf-8')).not.toBe(before);
    expect(tree.read('.gitignore', 'utf-8')?.match(/image-signing\.key/g)).toHaveLength(1);
  });
});
