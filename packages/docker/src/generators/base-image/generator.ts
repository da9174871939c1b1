// `nx g @org/docker:base-image <name>`: a base-image project the workspace's Python services
// build FROM (`nx g @org/docker:service --base=<name>`). Its Dockerfile ends as the non-root
// user; services switch to root only for their own installs.
import { join, posix } from 'node:path';
import { addProjectConfiguration, generateFiles, getProjects, type Tree } from '../../utils/devkit';
import { serviceNameProblem } from '../../core/naming';
import { CUDA_IMAGE, RUNTIME_DEFAULTS } from '../../core/runtime';
import { splitPackages, UID } from '../dockerfile/generator';
import { initGenerator } from '../init/generator';
import type { BaseImageGeneratorSchema } from './schema';

export async function baseImageGenerator(tree: Tree, options: BaseImageGeneratorSchema): Promise<() => void> {
  const problem = serviceNameProblem(options.name);
  if (problem) throw new Error(problem);
  const root = posix.normalize(options.directory ?? `docker/${options.name}`).replace(/\/$/, '');
  if (getProjects(tree).has(options.name)) throw new Error(`A project named "${options.name}" already exists; choose another name.`);
  if (tree.exists(root) && tree.children(root).length) throw new Error(`${root} already exists and is not empty; choose another --directory.`);
  const gpu = options.gpu ?? false;
  initGenerator(tree, {});
  addProjectConfiguration(tree, options.name, {
    root,
    projectType: 'library',
    tags: [
      'runtime:python',
      'base-image',
      ...(gpu ? ['gpu'] : []),
      ...(options.tags ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ],
  });
  const packages = [...RUNTIME_DEFAULTS.python.aptPackages, ...splitPackages(options.systemPackages)];
  generateFiles(tree, join(__dirname, 'files', 'python'), root, {
    name: options.name,
    gpu,
    uid: UID,
    baseImage: options.baseImage ?? (gpu ? CUDA_IMAGE : RUNTIME_DEFAULTS.python.baseImage),
    // The CUDA image has no Python: the distribution's, with venv.
    aptPackages: [...new Set([...(gpu ? ['python3', 'python3-venv'] : []), ...packages])],
    python: gpu ? 'python3' : 'python',
    tmpl: '',
  });
  tree.write(posix.join(root, '.dockerignore'), '# Deny by default: the base image reads only its dependency manifest.\n*\n!requirements.txt\n');
  return () =>
    console.log(
      `\nBase image ${options.name} created in ${root}.\n  nx g @org/docker:service <name> --runtime=python --base=${options.name}   a service built on it`,
    );
}

export default baseImageGenerator;
