// Inference: every project root holding a Dockerfile gets docker-build / docker-run
// targets whose inputs are exactly what the Dockerfile can read. The Docker knowledge
// lives in ../core; this file only shapes it into Nx target configuration.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { createNodesFromFiles, logger, type CreateNodesContextV2, type CreateNodesResult, type CreateNodesV2, type TargetConfiguration } from '../utils/devkit';
import { composeServices, type ComposeService } from '../core/compose';
import { buildReads } from '../core/context';
import { findStage, formatProblems, parseDockerfile } from '../core/dockerfile';
import { findIgnoreFile, readIgnore } from '../core/dockerignore';
import { envReferences } from '../core/env-args';
import { imageRepository } from '../core/naming';
import { InferenceCache } from './inference-cache';
import { normalizeOptions, withProjectOverrides, type DockerPluginOptions, type NormalizedOptions } from './options';

export const DOCKERFILE_GLOB = '**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*}';
const PLUGIN_VERSION = '6';
/** The configuration of docker-build (and its consumers) that pushes and uses the registry. */
export const CI = 'ci';

/** `Dockerfile` -> '' (the main one); `Dockerfile.worker` / `worker.Dockerfile` -> `worker`; `Containerfile` -> `containerfile`. */
export function dockerfileName(file: string): string | undefined {
  const name = basename(file);
  if (name === 'Dockerfile') return '';
  if (name.endsWith('.dockerignore')) return undefined;
  if (name === 'Containerfile') return 'containerfile';
  const m = /^Dockerfile\.(.+)$/.exec(name) ?? /^(.+)\.Dockerfile$/.exec(name);
  return m ? m[1].toLowerCase().replace(/[^a-z0-9-]+/g, '-') : undefined;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** `{workspaceRoot}`-relative path as an Nx input token, preferring `{projectRoot}`. */
function token(workspacePath: string, projectRoot: string): string {
  const p = posix.normalize(workspacePath);
  if (projectRoot === '.' || projectRoot === '') return `{projectRoot}/${p}`;
  if (p === projectRoot) return '{projectRoot}';
  if (p.startsWith(`${projectRoot}/`)) return `{projectRoot}/${p.slice(projectRoot.length + 1)}`;
  return `{workspaceRoot}/${p}`;
}

function join2(dir: string, rel: string): string {
  return dir === '.' || dir === '' ? rel : `${dir}/${rel}`;
}

interface Inferred {
  targets: Record<string, TargetConfiguration>;
  groups: string[];
  warning?: string;
}

/** The compose services (production file, development file) that build this project's main Dockerfile. */
export interface ComposeFiles {
  production: ComposeService[];
  development: ComposeService[];
}

function composeTargets(projectRoot: string, buildName: string, options: NormalizedOptions, compose: ComposeFiles): Record<string, TargetConfiguration> {
  const prod = compose.production.find((s) => s.context === projectRoot && (!s.dockerfile || s.dockerfile === 'Dockerfile'));
  if (!prod) return {};
  const targets: Record<string, TargetConfiguration> = {
    [options.upTargetName]: {
      executor: '@org/docker:compose',
      continuous: true,
      dependsOn: [buildName],
      configurations: { [CI]: {} },
      options: {
        files: [options.composeFile],
        service: prod.service,
        buildTarget: buildName,
        imageEnv: prod.imageEnv,
        image: prod.imageEnv ? undefined : prod.image,
      },
      metadata: {
        technologies: ['docker'],
        description: `Run compose service ${prod.service} (${options.composeFile}) with the exact image ${buildName} built.`,
        help: { command: 'docker compose up --help', example: { options: { detach: true } } },
      },
    },
  };
  if (compose.development.some((s) => s.service === prod.service)) {
    targets[options.devTargetName] = {
      executor: '@org/docker:compose',
      continuous: true,
      options: { files: [options.composeFile, options.composeDevFile], service: prod.service, build: true },
      metadata: {
        technologies: ['docker'],
        description: `Run compose service ${prod.service} in development mode (${options.composeDevFile}): development stage, sources bind-mounted, hot reload.`,
        help: { command: 'docker compose up --help', example: { options: { detach: true } } },
      },
    };
  }
  return targets;
}

export function inferTargets(
  dockerfile: string,
  projectRoot: string,
  options: NormalizedOptions,
  workspaceRoot: string,
  compose: ComposeFiles = { production: [], development: [] },
): Inferred {
  const suffix = dockerfileName(dockerfile) as string;
  const buildName = suffix ? `${options.buildTargetName}-${suffix}` : options.buildTargetName;
  const runName = suffix ? `${options.runTargetName}-${suffix}` : options.runTargetName;
  const pushName = suffix ? `${options.pushTargetName}-${suffix}` : options.pushTargetName;
  const perfName = suffix ? `${options.perfTargetName}-${suffix}` : options.perfTargetName;
  const lintName = suffix ? `${options.lintTargetName}-${suffix}` : options.lintTargetName;
  const auditName = suffix ? `${options.auditTargetName}-${suffix}` : options.auditTargetName;
  const projectJson = readJson(join(workspaceRoot, projectRoot, 'project.json'));
  const packageJson = readJson(join(workspaceRoot, projectRoot, 'package.json'));
  const targetsJson = projectJson?.targets as Record<string, { options?: Record<string, unknown> }> | undefined;
  const opts = withProjectOverrides(options, targetsJson?.[buildName]?.options);
  const projectName = String(projectJson?.name ?? packageJson?.name ?? basename(projectRoot));
  const sarifFile = `dist/docker-lint/${projectName.replace(/[^A-Za-z0-9._-]+/g, '_')}${suffix ? `-${suffix}` : ''}.sarif`;

  const context = posix.normalize(opts.context.replace('{projectRoot}', projectRoot).replace('{workspaceRoot}', '.'));
  const absContext = join(workspaceRoot, context);
  const absDockerfile = join(workspaceRoot, dockerfile);
  const model = parseDockerfile(readText(absDockerfile), { buildArgs: opts.buildArgs });
  const ignoreFile = findIgnoreFile(absDockerfile, absContext);
  const ignore = readIgnore(ignoreFile);
  const namedContexts = Object.keys((targetsJson?.[buildName]?.options?.buildContexts as Record<string, string> | undefined) ?? {});
  const reads = buildReads(model, ignore, { target: opts.target, namedContexts });
  const problems = [...model.errors];
  if (opts.target && model.stages.length && !findStage(model, opts.target)) problems.push({ line: 1, message: `no stage named "${opts.target}"` });

  const inputs: TargetConfiguration['inputs'] = [
    token(dockerfile, projectRoot),
    // Both places BuildKit looks for the ignore file: creating one changes what is sent.
    token(`${dockerfile}.dockerignore`, projectRoot),
    token(join2(context, '.dockerignore'), projectRoot),
    ...reads.context.include.map((g) => token(join2(context, g), projectRoot)),
    ...reads.context.exclude.map((g) => `!${token(join2(context, g), projectRoot)}`),
    ...Object.entries(reads.named).flatMap(([name, globs]) => {
      const dir = String((targetsJson?.[buildName]?.options?.buildContexts as Record<string, string>)[name]);
      return /^[a-z][a-z0-9+.-]*:\/\//i.test(dir) ? [] : globs.map((g) => token(join2(posix.normalize(dir), g), projectRoot));
    }),
    ...[...new Set(Object.values(opts.buildArgs ?? {}).flatMap(envReferences))].map((env) => ({ env })),
    // The ci configuration pushes to $DOCKER_REGISTRY: another registry is another image name.
    ...(opts.registry ? [] : [{ env: 'DOCKER_REGISTRY' }]),
    // What a `build` target produced (even when restored from cache), and which build each
    // upstream image is (image.ref); not image.json, whose timings differ between equal builds.
    { dependentTasksOutputFiles: '**/!(image.json)' },
  ];

  // Extra Dockerfiles get sibling directories: nested ones would be wiped when the main output is restored.
  const outputPath = suffix ? `dist/docker/${projectRoot}@${suffix}` : `dist/docker/${projectRoot}`;
  const image = imageRepository({ projectName, projectRoot, dockerfileName: suffix }, opts.repository, opts.registry);
  const stage = findStage(model, opts.target);
  const ports = [...new Set(stage?.exposes ?? [])].map((p) => {
    const port = p.split('/')[0];
    return `${port}:${p}`;
  });
  const buildOptions: Record<string, unknown> = {
    file: dockerfile,
    context,
    image,
    outputPath,
    tags: opts.tags,
  };
  for (const key of ['target', 'buildArgs', 'platforms', 'cacheFrom', 'cacheTo', 'builder', 'maxParallelBuilds'] as const) {
    const v = opts[key];
    if (v !== undefined && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) buildOptions[key] = v;
  }

  const why = reads.context.wholeContext ? ` Inputs: the whole context minus .dockerignore (${reads.context.reasons.join('; ')}).` : '';
  const targets: Record<string, TargetConfiguration> = {
    [buildName]: {
      executor: '@org/docker:build',
      cache: true,
      dependsOn: ['build', `^${options.buildTargetName}`],
      inputs,
      outputs: [suffix ? `{workspaceRoot}/${outputPath}` : '{workspaceRoot}/dist/docker/{projectRoot}'],
      options: buildOptions,
      // CI: push the content tag (and tags) to the registry, reuse what the registry already
      // has, and keep a registry layer cache per image.
      configurations: { [CI]: { push: true, skipExisting: true, registryCache: true } },
      metadata: {
        technologies: ['docker'],
        description: `Build the ${image} image from ${basename(dockerfile)}${opts.target ? ` (stage ${opts.target})` : ''} with BuildKit.${why}`,
        help: {
          command: 'docker buildx build --help',
          example: { options: { target: 'production', buildArgs: { VERSION: '$VERSION' }, push: true } },
        },
      },
    },
    [runName]: {
      executor: '@org/docker:run',
      continuous: true,
      dependsOn: [buildName],
      options: { buildTarget: buildName, ports },
      configurations: { [CI]: {} },
      metadata: {
        technologies: ['docker'],
        description: `Run the ${image} image built by ${buildName}; brings it back first if the engine lacks it.`,
        help: { command: 'docker run --help', example: { options: { detach: true, ports: ['8080:8000'] } } },
      },
    },
    [pushName]: {
      executor: '@org/docker:push',
      dependsOn: [buildName],
      // Promotion needs a pushed image: `-c ci` (Nx hands the configuration to docker-build).
      configurations: { [CI]: {} },
      options: { buildTarget: buildName, tags: options.releaseTags },
      metadata: {
        technologies: ['docker'],
        description: `Add release tags (${options.releaseTags.join(', ')}) to the image ${buildName} pushed, by digest in the registry: no rebuild, no layer transfer.`,
        help: { command: 'docker buildx imagetools create --help', example: { options: { tags: ['{version}', 'stable'] } } },
      },
    },
    [perfName]: {
      executor: '@org/docker:perf',
      // Measurements are never replayed, and never share the cores with other builds.
      cache: false,
      parallelism: false,
      dependsOn: [buildName],
      options: { buildTarget: buildName },
      metadata: {
        technologies: ['docker'],
        description: `Measure ${image}'s builds (no cache, with cache, code change, dependency change, Nx no-op) and explain them; reports in dist/docker-perf.`,
        help: { command: 'docker buildx build --help', example: { options: { runs: 5, baseline: 'dist/docker-perf/baseline.json' } } },
      },
    },
    [lintName]: {
      executor: '@org/docker:lint',
      cache: true,
      inputs: [token(dockerfile, projectRoot), token(`${dockerfile}.dockerignore`, projectRoot), token(join2(context, '.dockerignore'), projectRoot)],
      outputs: [`{workspaceRoot}/${sarifFile}`],
      options: {
        file: dockerfile,
        context,
        sarifFile,
        ...(opts.target ? { target: opts.target } : {}),
        ...(opts.buildArgs && Object.keys(opts.buildArgs).length ? { buildArgs: opts.buildArgs } : {}),
        ...(options.lint?.rules ? { rules: options.lint.rules } : {}),
        ...(options.lint?.failOn ? { failOn: options.lint.failOn } : {}),
      },
      metadata: {
        technologies: ['docker'],
        description: `Lint ${basename(dockerfile)}: correctness, security (non-root, secrets), hygiene and build speed; SARIF in ${sarifFile}.`,
        help: { command: 'docker build --check --help', example: { options: { format: 'sarif', rules: { 'base-image-unpinned': 'off' } } } },
      },
    },
    [auditName]: {
      executor: '@org/docker:audit',
      cache: true,
      dependsOn: [buildName],
      // The image is identified by its content tag: the same tag, the same audit.
      inputs: [{ dependentTasksOutputFiles: '**/image.ref' }],
      configurations: { [CI]: {} },
      options: { buildTarget: buildName, ...(options.lint?.failOn ? { failOn: options.lint.failOn } : {}) },
      metadata: {
        technologies: ['docker'],
        description: `Audit the ${image} image ${buildName} built: non-root user, HEALTHCHECK, no secrets in env or history, no .git or package caches.`,
        help: { command: 'docker image inspect --help', example: { options: { rules: { 'image-no-healthcheck': 'off' } } } },
      },
    },
  };
  if (!suffix) Object.assign(targets, composeTargets(projectRoot, buildName, options, compose));
  const warning = problems.length ? `${formatProblems(dockerfile, problems)}\n${buildName} of ${projectName} will fail until this is fixed.` : undefined;
  return { targets, groups: Object.keys(targets), warning };
}

function hashOf(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

async function createNodesForDockerfile(
  file: string,
  options: NormalizedOptions,
  context: CreateNodesContextV2,
  cache: InferenceCache<Inferred>,
  compose: ComposeFiles,
): Promise<CreateNodesResult> {
  const suffix = dockerfileName(file);
  if (suffix === undefined) return {};
  const projectRoot = dirname(file);
  const root = context.workspaceRoot;
  if (!existsSync(join(root, projectRoot, 'project.json')) && !existsSync(join(root, projectRoot, 'package.json'))) return {};

  // Only this project's services: adding another service must not invalidate every project.
  const ownServices = compose.production.filter((s) => s.context === projectRoot).map((s) => s.service);
  const ownCompose: ComposeFiles = {
    production: compose.production.filter((s) => ownServices.includes(s.service)),
    development: compose.development.filter((s) => ownServices.includes(s.service)),
  };
  const key = hashOf([
    PLUGIN_VERSION,
    file,
    options,
    readText(join(root, file)),
    readText(join(root, `${file}.dockerignore`)),
    readText(join(root, projectRoot, '.dockerignore')),
    readText(join(root, projectRoot, 'project.json')),
    options.context === '{projectRoot}' ? '' : readText(join(root, options.context.replace('{workspaceRoot}', '.'), '.dockerignore')),
    ownCompose,
  ]);
  let inferred = cache.get(key);
  if (!inferred) {
    inferred = inferTargets(file, projectRoot, options, root, ownCompose);
    cache.set(key, inferred);
  }
  if (inferred.warning) logger.warn(inferred.warning);
  return {
    projects: {
      [projectRoot]: {
        targets: inferred.targets,
        metadata: { targetGroups: { Docker: inferred.groups } },
      },
    },
  };
}

const createNodesFunction: CreateNodesV2<DockerPluginOptions>[1] = async (files, rawOptions, context) => {
  const options = normalizeOptions(rawOptions);
  const cache = new InferenceCache<Inferred>(`org-docker-${hashOf([options, PLUGIN_VERSION]).slice(0, 16)}.json`);
  const composeDir = posix.dirname(options.composeFile);
  const compose: ComposeFiles = {
    production: composeServices(readText(join(context.workspaceRoot, options.composeFile)), composeDir),
    development: composeServices(readText(join(context.workspaceRoot, options.composeDevFile)), posix.dirname(options.composeDevFile)),
  };
  try {
    return await createNodesFromFiles((file, _o, ctx) => createNodesForDockerfile(file, options, ctx, cache, compose), files, options, context);
  } finally {
    cache.save();
  }
};

export const createNodes: CreateNodesV2<DockerPluginOptions> = [DOCKERFILE_GLOB, createNodesFunction];
export const createNodesV2 = createNodes;
