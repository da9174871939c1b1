import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeOptions } from '../../plugins/options';
import { inferTargets } from '../../plugins/plugin';
import { dockerfileGenerator } from './generator';

describe('dockerfile generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  function project(name: string, files: Record<string, string>): void {
    addProjectConfiguration(tree, name, { root: `apps/${name}` });
    for (const [f, text] of Object.entries(files)) tree.write(`apps/${name}/${f}`, text);
  }

  it.each([
    [
      'node',
      { 'package.json': JSON.stringify({ main: './server/index.js' }), 'package-lock.json': '{}', 'server/index.js': '' },
      /CMD \["node", "server\/index.js"\]/,
      '!server/',
    ],
    [
      'deno',
      { 'deno.json': '{}', 'deno.lock': '{}', 'package.json': '{}', 'main.ts': '' },
      /"--allow-net", "--allow-env=PORT,SERVICE_NAME", "main.ts"\]/,
      '!main.ts',
    ],
    ['python', { 'pyproject.toml': '', 'requirements.txt': '', 'app/main.py': '' }, /CMD \["python", "app\/main.py"\]/, '!app/'],
  ])('detects a %s project and its entry point', async (runtime, files, cmd, allowed) => {
    project('svc', files);
    await dockerfileGenerator(tree, { project: 'svc' });
    const dockerfile = tree.read('apps/svc/Dockerfile', 'utf-8') ?? '';
    expect(dockerfile).toContain(`: ${runtime[0].toUpperCase()}${runtime.slice(1)} service`);
    expect(dockerfile).toMatch(cmd);
    expect(tree.read('apps/svc/.dockerignore', 'utf-8')?.split('\n')).toEqual(expect.arrayContaining(['*', allowed]));
  });

  it("copies a Deno project's import map with its manifests, so deno.lock and the map are docker-build inputs", async () => {
    project('edge', {
      'deno.jsonc': '{\n  // the map\n  "importMap": "./import_map.json"\n}\n',
      'deno.lock': '{}',
      'import_map.json': '{"imports":{}}',
      'main.ts': '',
    });
    await dockerfileGenerator(tree, { project: 'edge' });
    const dockerfile = tree.read('apps/edge/Dockerfile', 'utf-8') ?? '';
    expect(dockerfile).toContain('COPY deno.jsonc deno.lock import_map.json ./');
    expect(tree.read('apps/edge/.dockerignore', 'utf-8')?.split('\n')).toEqual(expect.arrayContaining(['!deno.jsonc', '!deno.lock', '!import_map.json']));
    // Inference then makes both inputs of docker-build.
    const root = mkdtempSync(join(tmpdir(), 'org-docker-deno-'));
    try {
      for (const f of ['Dockerfile', '.dockerignore', 'deno.jsonc', 'deno.lock', 'import_map.json', 'main.ts']) {
        mkdirSync(join(root, 'apps/edge'), { recursive: true });
        writeFileSync(join(root, 'apps/edge', f), tree.read(`apps/edge/${f}`, 'utf-8') ?? '');
      }
      writeFileSync(join(root, 'apps/edge/project.json'), '{"name":"edge"}');
      const inputs = inferTargets({ dockerfile: 'apps/edge/Dockerfile', options: normalizeOptions({}), workspaceRoot: root }).targets['docker-build'].inputs;
      expect(inputs).toEqual(expect.arrayContaining(['{projectRoot}/deno.lock', '{projectRoot}/import_map.json']));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses to overwrite an existing Dockerfile without --force', async () => {
    project('svc', { 'package.json': '{}', 'package-lock.json': '{}', 'index.js': '', Dockerfile: 'FROM scratch\n' });
    await expect(dockerfileGenerator(tree, { project: 'svc' })).rejects.toThrow(/apps\/svc\/Dockerfile already exists; pass --force/);
    expect(tree.read('apps/svc/Dockerfile', 'utf-8')).toBe('FROM scratch\n');
    await dockerfileGenerator(tree, { project: 'svc', force: true });
    expect(tree.read('apps/svc/Dockerfile', 'utf-8')).toContain('AS production');
  });

  it('says what to do when the runtime or the entry point cannot be found', async () => {
    project('bare', { 'README.md': '' });
    await expect(dockerfileGenerator(tree, { project: 'bare' })).rejects.toThrow(/Cannot tell the runtime of bare .*--runtime=python\|node\|deno/);
    await expect(dockerfileGenerator(tree, { project: 'bare', runtime: 'python' })).rejects.toThrow(/Cannot find the entry point .* pass --entry=/);
  });
});
