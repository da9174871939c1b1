// The Nx API the plugin uses at run time, taken from `nx` itself (`nx/src/devkit-exports` is
// what @nx/devkit re-exports, the same path on Nx 22, 23 and 24). The plugin's only Nx peer is
// then `nx`, which every workspace has: a peer on @nx/devkit makes npm install its newest
// major, which refuses an older `nx` (ERESOLVE on Nx 22) or sits beside a different one.
// generateFiles, which @nx/devkit adds on top of nx, is small enough to keep here. Executors
// import nothing from this file at run time (see target-options.ts): loading devkit-exports
// costs a task process about 0.3 s.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Tree } from 'nx/src/devkit-exports';

export {
  DependencyType,
  addProjectConfiguration,
  createNodesFromFiles,
  getProjects,
  logger,
  readNxJson,
  readProjectConfiguration,
  updateNxJson,
} from 'nx/src/devkit-exports';
export type {
  CreateDependencies,
  CreateNodesContextV2,
  CreateNodesResult,
  CreateNodesV2,
  ExecutorContext,
  GeneratorCallback,
  RawProjectGraphDependency,
  TargetConfiguration,
  Tree,
} from 'nx/src/devkit-exports';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Writes a folder of EJS templates into the tree (as @nx/devkit's generateFiles does):
 * `__name__` segments of file names are replaced by the substitution of that name
 * (`__tmpl__` by `tmpl`, usually ''), file contents are rendered with the substitutions.
 */
export function generateFiles(tree: Tree, sourceDir: string, targetDir: string, substitutions: Record<string, unknown>): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when generating
  const ejs = require('ejs') as { render(template: string, data: Record<string, unknown>, options: { filename: string }): string };
  const files = filesUnder(sourceDir);
  if (!files.length) throw new Error(`generateFiles: no template files in ${sourceDir}`);
  for (const file of files) {
    const path = relative(sourceDir, file)
      .split(/[\\/]/)
      .map((segment) => segment.replace(/__([^_]+)__/g, (whole, key: string) => (key in substitutions ? String(substitutions[key]) : whole)))
      .join('/');
    tree.write(join(targetDir, path), ejs.render(readFileSync(file, 'utf8'), substitutions, { filename: file }));
  }
}
