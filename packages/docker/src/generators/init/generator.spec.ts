import { readNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator } from './generator';

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin, target defaults, named inputs and git ignores', () => {
    initGenerator(tree);
    const nxJson = readNxJson(tree);
    expect(nxJson?.plugins).toEqual([expect.objectContaining({ plugin: '@org/docker' })]);
    expect(nxJson?.targetDefaults?.['docker-build']).toEqual({ cache: true, dependsOn: ['build', '^docker-build'] });
    expect(nxJson?.namedInputs?.docker).toContain('{projectRoot}/**/.dockerignore');
    expect(tree.read('.gitignore', 'utf-8')).toContain('/dist/docker\n');
  });

  it('is idempotent and keeps what the user set', () => {
    const nxJson = readNxJson(tree) ?? {};
    nxJson.targetDefaults = { 'docker-build': { cache: true, dependsOn: ['^docker-build'] } };
    tree.write('nx.json', JSON.stringify(nxJson));
    initGenerator(tree);
    const once = { nx: tree.read('nx.json', 'utf-8'), git: tree.read('.gitignore', 'utf-8') };
    initGenerator(tree);
    expect({ nx: tree.read('nx.json', 'utf-8'), git: tree.read('.gitignore', 'utf-8') }).toEqual(once);
    expect(readNxJson(tree)?.targetDefaults?.['docker-build']).toEqual({ cache: true, dependsOn: ['^docker-build'] });
    expect(readNxJson(tree)?.plugins).toHaveLength(1);
  });

  it('recognises the plugin registered by path (as in this repository)', () => {
    tree.write('packages/docker/package.json', JSON.stringify({ name: '@org/docker' }));
    const nxJson = readNxJson(tree) ?? {};
    nxJson.plugins = ['./packages/docker'];
    tree.write('nx.json', JSON.stringify(nxJson));
    initGenerator(tree);
    expect(readNxJson(tree)?.plugins).toEqual(['./packages/docker']);
  });
});
