// `nx g @org/docker:init`: registers the plugin and what it relies on. Idempotent: running it
// again changes nothing, and nothing the user set is overwritten.
import { readNxJson, updateNxJson, type Tree } from '../../utils/devkit';
import type { InitGeneratorSchema } from './schema';

export const PLUGIN_NAME = '@org/docker';
const GITIGNORE_ENTRIES = ['/dist/docker', '/dist/docker-perf', '/dist/docker-lint'];

/** A plugins entry that loads this plugin, by package name or by a path to this package. */
export function isThisPlugin(tree: Tree, entry: string | { plugin: string }): boolean {
  const name = typeof entry === 'string' ? entry : entry.plugin;
  if (name === PLUGIN_NAME) return true;
  if (!name.startsWith('.')) return false;
  const pkg = `${name.replace(/\/+$/, '')}/package.json`;
  return tree.exists(pkg) && (JSON.parse(tree.read(pkg, 'utf-8') ?? '{}') as { name?: string }).name === PLUGIN_NAME;
}

export function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): void {
  const nxJson = readNxJson(tree) ?? {};
  if (!options.skipPlugin) {
    nxJson.plugins ??= [];
    if (!nxJson.plugins.some((p) => isThisPlugin(tree, p as string | { plugin: string }))) {
      nxJson.plugins.push({ plugin: PLUGIN_NAME, options: { buildTargetName: 'docker-build', runTargetName: 'docker-run' } });
    }
  }
  // Files that define an image, for targets that should rerun when any of them changes.
  nxJson.namedInputs ??= {};
  nxJson.namedInputs.docker ??= [
    '{projectRoot}/**/Dockerfile',
    '{projectRoot}/**/Dockerfile.*',
    '{projectRoot}/**/*.Dockerfile',
    '{projectRoot}/**/.dockerignore',
    '{projectRoot}/**/*.dockerignore',
  ];
  // Builds are cached and run after what they copy is built; compose targets never are cached.
  nxJson.targetDefaults ??= {};
  nxJson.targetDefaults['docker-build'] ??= { cache: true, dependsOn: ['build', '^docker-build'] };
  nxJson.targetDefaults['docker-up'] ??= { cache: false };
  nxJson.targetDefaults['docker-dev'] ??= { cache: false };
  updateNxJson(tree, nxJson);

  const gitignore = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf-8') ?? '') : '';
  const present = new Set(gitignore.split('\n').map((l) => l.trim().replace(/^\/?/, '/').replace(/\/$/, '')));
  const missing = GITIGNORE_ENTRIES.filter((e) => !present.has(e) && !present.has('/dist'));
  if (missing.length) {
    const sep = gitignore && !gitignore.endsWith('\n') ? '\n' : '';
    tree.write('.gitignore', `${gitignore}${sep}${gitignore ? '\n' : ''}# @org/docker outputs\n${missing.join('\n')}\n`);
  }
}

export default initGenerator;
