// Turns executor options into a core build input: paths against the workspace root
// (never the working directory), environment values for build args, expanded tags and
// OCI labels.
import { resolve } from 'node:path';
import type { ImageBuildInput } from '../../core/image-build';
import { gitInfo } from '../../core/git';
import { expandTags } from '../../core/naming';
import { envReferences, interpolateEnv } from '../../core/env-args';
import type { BuildExecutorSchema } from './schema';

export interface TaskFacts {
  workspaceRoot: string;
  projectName: string;
  projectRoot: string;
  nxHash: string;
  version?: string;
}

export async function toBuildInput(options: BuildExecutorSchema, task: TaskFacts): Promise<ImageBuildInput> {
  const git = await gitInfo(task.workspaceRoot);
  const missing = Object.values(options.buildArgs ?? {}).flatMap(envReferences).filter((name) => process.env[name] === undefined);
  if (missing.length) {
    console.warn(`Build args read ${missing.join(', ')} from the environment, which is not set; they are passed as empty strings.`);
  }
  const buildArgs = Object.fromEntries(Object.entries(options.buildArgs ?? {}).map(([k, v]) => [k, interpolateEnv(v, process.env)]));
  return {
    workspaceRoot: task.workspaceRoot,
    cwd: task.workspaceRoot,
    dockerfile: resolve(task.workspaceRoot, options.file),
    context: resolve(task.workspaceRoot, options.context),
    repository: options.image,
    extraTags: expandTags(options.tags ?? ['latest'], {
      projectName: task.projectName,
      projectRoot: task.projectRoot,
      gitSha: git.sha,
      shortSha: git.shortSha,
      branch: git.branch,
      version: task.version,
    } as Parameters<typeof expandTags>[1]),
    nxHash: task.nxHash,
    target: options.target,
    buildArgs,
    labels: {
      'org.opencontainers.image.title': task.projectName,
      'org.opencontainers.image.created': new Date().toISOString(),
      ...(git.sha ? { 'org.opencontainers.image.revision': git.sha } : {}),
      ...(git.remote ? { 'org.opencontainers.image.source': git.remote } : {}),
      ...options.labels,
    },
    secrets: options.secrets,
    buildContexts: options.buildContexts,
    platforms: options.platforms,
    cacheFrom: options.cacheFrom,
    cacheTo: options.cacheTo,
    network: options.network,
    pull: options.pull,
    noCache: options.noCache,
    load: options.load,
    push: options.push,
    builder: options.builder,
  };
}
