// `nx g @org/docker:ci`: a GitHub Actions workflow that builds affected images in the ci
// configuration with the Nx remote cache, and promotes them on the main branch.
import { readNxJson, type Tree } from '../../utils/devkit';
import { stringify } from 'yaml';
import type { CiGeneratorSchema } from './schema';
import { DEFAULT_REGISTRY, workflow, type WorkflowOptions } from './workflow';

export function workflowOptions(tree: Tree, options: CiGeneratorSchema): WorkflowOptions {
  return {
    name: options.name ?? 'docker',
    registry: options.registry ?? DEFAULT_REGISTRY,
    remoteCache: options.remoteCache ?? 'self-hosted',
    mainBranch: options.mainBranch ?? readNxJson(tree)?.defaultBase ?? 'main',
    parallel: options.parallel ?? 3,
    nodeVersion: options.nodeVersion ?? '20',
    installCommand: options.installCommand ?? 'npm ci',
    testCommand: options.testCommand,
  };
}

export function workflowText(o: WorkflowOptions): string {
  const flags = [
    `--name=${o.name}`,
    `--registry='${o.registry}'`,
    `--remoteCache=${o.remoteCache}`,
    ...(o.installCommand !== 'npm ci' ? [`--installCommand='${o.installCommand}'`] : []),
    ...(o.testCommand ? [`--testCommand='${o.testCommand}'`] : []),
  ];
  return (
    `# Written by \`nx g @org/docker:ci ${flags.join(' ')}\`.\n` +
    '# Unchanged images are never rebuilt: their image.json comes from the Nx remote cache, the image\n' +
    '# itself from the registry by digest. See the @org/docker README, section "CI".\n' +
    stringify(workflow(o), { lineWidth: 0 })
  );
}

export function ciGenerator(tree: Tree, options: CiGeneratorSchema): void {
  const name = options.name ?? 'docker';
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`"${name}" is not a valid workflow file name: use letters, digits, ".", "_" and "-".`);
  // Not run through a formatter: the text is the yaml library's, identical in every workspace.
  tree.write(`.github/workflows/${name}.yml`, workflowText(workflowOptions(tree, options)));
}

export default ciGenerator;
