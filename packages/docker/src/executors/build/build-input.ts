// Turns executor options into a core build input: paths against the workspace root
// (never the working directory), environment values for build args, expanded tags and
// OCI labels.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImageBuildInput } from '../../core/image-build';
import { commitTagVars, gitInfo } from '../../core/git';
import { expandTags } from '../../core/naming';
import { envReferences, interpolateEnv } from '../../core/env-args';
import { hasRegistryHost, inRegistry, registryOf } from '../../core/image-ref';
import { registryCache } from '../../core/registry';
import { BuildFailure } from '../../core/image-build';
import { detectEngine, type EngineInfo } from '../../core/engine';
import { planForOptions } from './plan';
import { signingKeys } from './signing';
import type { BuildExecutorSchema } from './schema';

export interface TaskFacts {
  workspaceRoot: string;
  projectName: string;
  projectRoot: string;
  nxHash: string;
  version?: string;
  /** nx.json `defaultBase`: whose registry cache every branch reads. */
  defaultBranch?: string;
}

/** A project's version: project.json `version`, else package.json `version`. */
export function projectVersion(workspaceRoot: string, projectRoot: string): string | undefined {
  for (const file of ['project.json', 'package.json']) {
    try {
      const v = (JSON.parse(readFileSync(join(workspaceRoot, projectRoot, file), 'utf8')) as { version?: unknown }).version;
      if (typeof v === 'string' && v) return v;
    } catch {
      // no such file, or not JSON: try the next
    }
  }
  return undefined;
}

/** The repository to tag: `registry` (option, else DOCKER_REGISTRY when pushing) + image. */
export function targetRepository(options: Pick<BuildExecutorSchema, 'image' | 'registry' | 'push'>, env: NodeJS.ProcessEnv = process.env): string {
  const registry = options.registry ?? (options.push ? env.DOCKER_REGISTRY : undefined);
  const repository = inRegistry(options.image, registry);
  if (options.push && !repository.includes('/') && !hasRegistryHost(repository)) {
    throw new BuildFailure(
      `Pushing ${repository} needs a registry: set DOCKER_REGISTRY (e.g. ghcr.io/acme or 127.0.0.1:5000) or the plugin's "registry" option.`,
    );
  }
  return repository;
}

let warnedLocal = false;

/**
 * Whether the build pushes: as the options say, else when the plugin's `registry` names where to
 * and the image is of no use left where it is built: the build runs on an engine that is not
 * this machine's (core/engine-location), or it is a multi-platform image (an index this
 * machine's engine runs one platform of). It goes to the registry by content tag and consumers
 * pull it by digest.
 */
export function resolvePush(
  options: Pick<BuildExecutorSchema, 'push' | 'load' | 'registry' | 'image' | 'platforms'>,
  engine: Pick<EngineInfo, 'remote' | 'endpoint' | 'builder'>,
): boolean | undefined {
  const multiPlatform = (options.platforms?.length ?? 0) > 1;
  if (options.push !== undefined || options.load || (!engine.remote && !multiPlatform)) return options.push;
  // The plugin's registry reaches the build as `registry`, or already inside the image name.
  const registry = options.registry ?? (hasRegistryHost(options.image) ? registryOf(options.image) : undefined);
  const where = engine.remote
    ? `The build runs on ${engine.endpoint} (builder ${engine.builder}), not this machine's engine`
    : `${options.platforms?.join(', ')} is a multi-platform image`;
  if (registry) {
    console.log(`${where}: pushing to ${registry} by content tag.`);
    return true;
  }
  if (!warnedLocal) {
    warnedLocal = true;
    console.warn(
      `⚠ ${where}: the image stays in that engine. ` +
        `Set the plugin's "registry" option to push builds by content tag, so this machine and other runners pull them by digest.`,
    );
  }
  return undefined;
}

export async function toBuildInput(options: BuildExecutorSchema, task: TaskFacts): Promise<ImageBuildInput> {
  options = { ...options, push: resolvePush(options, await detectEngine(options.builder)) };
  const git = await gitInfo(task.workspaceRoot);
  const missing = Object.values(options.buildArgs ?? {})
    .flatMap(envReferences)
    .filter((name) => process.env[name] === undefined);
  if (missing.length) {
    console.warn(`Build args read ${missing.join(', ')} from the environment, which is not set; they are passed as empty strings.`);
  }
  const repository = targetRepository(options);
  const cache = options.registryCache && options.push ? registryCache(repository, git.branch, task.defaultBranch ?? 'main') : undefined;
  const buildArgs = Object.fromEntries(Object.entries(options.buildArgs ?? {}).map(([k, v]) => [k, interpolateEnv(v, process.env)]));
  return {
    workspaceRoot: task.workspaceRoot,
    plan: planForOptions(options, task.workspaceRoot, buildArgs),
    cwd: task.workspaceRoot,
    dockerfile: resolve(task.workspaceRoot, options.file),
    context: resolve(task.workspaceRoot, options.context),
    repository,
    extraTags: expandTags(options.tags ?? ['latest'], {
      projectName: task.projectName,
      projectRoot: task.projectRoot,
      ...(await commitTagVars(task.workspaceRoot, options.tags ?? [], git)),
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
    cacheFrom: [...(options.cacheFrom ?? []), ...(cache?.cacheFrom ?? [])],
    cacheTo: [...(options.cacheTo ?? []), ...(cache?.cacheTo ?? [])],
    registryCache: Boolean(cache),
    network: options.network,
    pull: options.pull,
    noCache: options.noCache,
    load: options.load,
    push: options.push,
    builder: options.builder,
    timeoutSeconds: options.timeout,
    signing: signingKeys(options, task.workspaceRoot),
  };
}
