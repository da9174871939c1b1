import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from 'nx/src/generators/testing-utils/create-tree-with-empty-workspace';
import { baseImageGenerator } from './generator';

// The reference system's base images are this generator's output, not hand-kept copies: a change
// to the template shows up in them (and their images rebuild), and they never drift apart.
describe('base-image generator', () => {
  it.each([
    ['python-base', false],
    ['cuda-python-base', true],
  ] as const)('docker/%s is exactly what `nx g @org/docker:base-image` generates', async (name, gpu) => {
    const tree = createTreeWithEmptyWorkspace();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await baseImageGenerator(tree, { name, gpu, systemPackages: 'libsndfile1' });
    for (const file of ['Dockerfile', '.dockerignore']) {
      expect({ file, text: tree.read(`docker/${name}/${file}`, 'utf8') }).toEqual({
        file,
        text: readFileSync(join(process.cwd(), 'docker', name, file), 'utf8'),
      });
    }
    jest.restoreAllMocks();
  });
});
