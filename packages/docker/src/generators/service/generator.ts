// `nx g @org/docker:service <name> --runtime=python|node|deno`: a runnable service with a
// hardened Dockerfile (the dockerfile generator's), and its compose entries.
import { basename, join, posix } from 'node:path';
import { addProjectConfiguration, generateFiles, getProjects, readNxJson, type GeneratorCallback, type Tree } from '../../utils/devkit';
import { publishedPorts, upsertDevelopmentService, upsertProductionService } from '../../core/compose';
import { imageRepository, sanitizeRepository, serviceNameProblem } from '../../core/naming';
import { CUDA_IMAGE, RUNTIME_DEFAULTS, RUNTIMES, sourcesFor } from '../../core/runtime';
import { checkPort, splitPackages, writeDockerfile } from '../dockerfile/generator';
import { initGenerator, isThisPlugin } from '../init/generator';
import type { ServiceGeneratorSchema } from './schema';

interface PluginOptions {
  registry?: string;
  repository?: string;
  tags?: string[];
  buildTargetName?: string;
}

/** This plugin's options from nx.json, to name the image the way inference will. */
function pluginOptions(tree: Tree): PluginOptions {
  for (const p of readNxJson(tree)?.plugins ?? []) {
    if (typeof p === 'object' && isThisPlugin(tree, p)) return (p.options ?? {}) as PluginOptions;
  }
  return {};
}

/** The image reference of a base-image project, as inference names it (the ARG default the hand-off matches). */
function baseImageOf(tree: Tree, project: string, plugin: PluginOptions): string {
  const config = getProjects(tree).get(project);
  if (!config) throw new Error(`--base: no project named "${project}"; create it with nx g @org/docker:base-image ${project}.`);
  if (!tree.exists(posix.join(config.root, 'Dockerfile'))) {
    throw new Error(`--base: ${project} (${config.root}) has no Dockerfile; a base is an image project (nx g @org/docker:base-image).`);
  }
  return `${imageRepository({ projectName: project, projectRoot: config.root }, plugin.repository, plugin.registry)}:latest`;
}

/** Each library's Python packages (directories with an __init__.py), copied from a build context named after it. */
function libraryPackages(tree: Tree, libs: string[]): { contexts: Record<string, string>; copies: Array<{ context: string; package: string }> } {
  const contexts: Record<string, string> = {};
  const copies: Array<{ context: string; package: string }> = [];
  for (const lib of libs) {
    const config = getProjects(tree).get(lib);
    if (!config) throw new Error(`--lib: no project named "${lib}".`);
    const packages = tree.children(config.root).filter((c) => tree.exists(posix.join(config.root, c, '__init__.py')));
    if (!packages.length) throw new Error(`--lib: ${lib} (${config.root}) holds no Python package (a directory with __init__.py).`);
    contexts[lib] = config.root;
    for (const p of packages) copies.push({ context: lib, package: p });
  }
  return { contexts, copies };
}

function composeProjectName(tree: Tree): string {
  const pkg = tree.exists('package.json') ? (JSON.parse(tree.read('package.json', 'utf-8') ?? '{}') as { name?: string }) : {};
  return sanitizeRepository(pkg.name ?? basename(tree.root)).replace(/[/._]+/g, '-') || 'workspace';
}

export async function serviceGenerator(tree: Tree, options: ServiceGeneratorSchema): Promise<GeneratorCallback> {
  const problem = serviceNameProblem(options.name);
  if (problem) throw new Error(problem);
  if (!RUNTIMES.includes(options.runtime)) throw new Error(`runtime: "${options.runtime}" is not one of ${RUNTIMES.join(', ')}.`);
  const d = RUNTIME_DEFAULTS[options.runtime];
  const port = options.port ?? d.port;
  checkPort(port);
  const systemPackages = splitPackages(options.systemPackages);
  const root = posix.normalize(options.directory ?? `apps/${options.name}`).replace(/\/$/, '');
  if (getProjects(tree).has(options.name)) throw new Error(`A project named "${options.name}" already exists; choose another name.`);
  if (tree.exists(root) && tree.children(root).length) throw new Error(`${root} already exists and is not empty; choose another --directory.`);

  initGenerator(tree, {});
  const gpu = options.gpu ?? false;
  const buildTarget = pluginOptions(tree).buildTargetName ?? 'docker-build';
  const fromBase = options.base ? baseImageOf(tree, options.base, pluginOptions(tree)) : undefined;
  const libs = libraryPackages(tree, (Array.isArray(options.lib) ? options.lib : (options.lib ?? '').split(',')).map((l) => l.trim()).filter(Boolean));
  const buildContexts = Object.keys(libs.contexts).length ? { buildContexts: libs.contexts } : {};
  addProjectConfiguration(tree, options.name, {
    root,
    projectType: 'application',
    sourceRoot: `${root}/src`,
    tags: [
      `runtime:${options.runtime}`,
      ...(gpu ? ['gpu'] : []),
      ...(options.tags ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ],
    // The image to ship: the CUDA stage for GPU services, production otherwise.
    targets: { [buildTarget]: { options: { target: gpu ? 'gpu' : 'production', ...buildContexts } } },
  });
  const scope = composeProjectName(tree);
  generateFiles(tree, join(__dirname, 'files', options.runtime), root, { name: options.name, port, entry: d.entry, scope, tmpl: '' });
  await writeDockerfile(tree, {
    projectRoot: root,
    name: options.name,
    runtime: options.runtime,
    entry: d.entry,
    port,
    gpu,
    baseImage: options.baseImage ?? d.baseImage,
    cudaImage: options.cudaImage ?? CUDA_IMAGE,
    systemPackages,
    pinDigests: options.pinDigests ?? false,
    syntax: options.syntax ?? false,
    fromBase,
    libs: libs.copies,
  });

  if (!options.skipCompose) {
    const dir = posix.normalize(options.composeDirectory ?? 'docker/compose');
    const prodFile = `${dir}/docker-compose.yml`;
    const devFile = `${dir}/docker-compose.dev.yml`;
    const plugin = pluginOptions(tree);
    const repo = imageRepository({ projectName: options.name, projectRoot: root }, plugin.repository, plugin.registry);
    const prodText = tree.read(prodFile, 'utf-8') ?? undefined;
    const taken = new Set(publishedPorts(prodText));
    let hostPort = port;
    while (taken.has(hostPort)) hostPort++;
    const entry = {
      service: options.name,
      projectRoot: root,
      defaultImage: `${repo}:${plugin.tags?.[0] ?? 'latest'}`,
      containerPort: port,
      sources: sourcesFor(d.entry),
      hasHealthcheck: true,
      target: gpu ? 'gpu' : 'production',
      buildContexts: libs.contexts,
    };
    tree.write(prodFile, upsertProductionService(prodText, scope, entry, hostPort, dir));
    tree.write(devFile, upsertDevelopmentService(tree.read(devFile, 'utf-8') ?? undefined, scope, entry, dir));
  }

  return () => {
    const hint = (target: string, what: string) => `  ${`nx run ${options.name}:${target}`.padEnd(options.name.length + 24)}${what}`;
    console.log(
      [
        '',
        `Service ${options.name} (${options.runtime}${gpu ? ', gpu' : ''}) created in ${root}.`,
        hint(buildTarget, gpu ? 'build its image (the CUDA gpu stage)' : 'build its image'),
        ...(options.skipCompose ? [] : [hint('docker-up', 'run it with docker compose'), hint('docker-dev', 'development stage with hot reload')]),
      ].join('\n'),
    );
  };
}

export default serviceGenerator;
