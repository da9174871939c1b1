// `nx g @org/docker:ci`: a GitHub Actions workflow that builds affected images in the ci
// configuration with the Nx remote cache, and promotes them on the main branch.
import { logger, readNxJson, type Tree } from '../../utils/devkit';
import { isThisPlugin } from '../init/generator';
import { stringify } from 'yaml';
import { packageInfo } from '../../utils/package-info';
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
    `# itself from the registry by digest. See the @org/docker README, section "CI": ${packageInfo().homepage}\n` +
    stringify(workflow(o), { lineWidth: 0 })
  );
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?(\/|$)/;

/**
 * Why the workflow would not push where it says, or undefined: the plugin's `registry` option
 * wins over the workflow's DOCKER_REGISTRY, and a loopback one is the runner's own machine.
 */
export function registryProblem(tree: Tree, workflowRegistry: string): string | undefined {
  const entries = (readNxJson(tree)?.plugins ?? []).filter((p) => isThisPlugin(tree, p as string | { plugin: string }));
  const registry = entries.map((p) => (typeof p === 'string' ? undefined : (p.options as { registry?: string } | undefined)?.registry)).find(Boolean);
  if (!registry || registry === workflowRegistry) return undefined;
  const where = LOOPBACK.test(registry) ? `${registry}, a loopback address: on the runner that is the runner itself` : registry;
  return (
    `nx.json sets the plugin option "registry" to ${where}. It wins over the workflow's DOCKER_REGISTRY (${workflowRegistry}), ` +
    `so the workflow would push there. Remove "registry" from the plugin options (DOCKER_REGISTRY then decides), or pass --registry=${registry}.`
  );
}

export function ciGenerator(tree: Tree, options: CiGeneratorSchema): void {
  const name = options.name ?? 'docker';
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`"${name}" is not a valid workflow file name: use letters, digits, ".", "_" and "-".`);
  const problem = registryProblem(tree, options.registry ?? DEFAULT_REGISTRY);
  if (problem) logger.warn(`⚠ ${problem}`);
  // Not run through a formatter: the text is the yaml library's, identical in every workspace.
  tree.write(`.github/workflows/${name}.yml`, workflowText(workflowOptions(tree, options)));
}

export default ciGenerator;
