// One builder per inferred target, as the official Nx plugins do. Each takes the project's
// build plan(s) and names and returns one target configuration; none reads a file.
import { basename, posix } from 'node:path';
import type { BuildPlan } from '../core/build-plan';
import { IMAGE_OUTPUTS } from '../core/image-record';
import { buildsDockerfile, type ComposeService } from '../core/compose';
import { envReferences } from '../core/env-args';
import type { TargetConfiguration } from '../utils/devkit';
import type { NormalizedOptions } from './options';
import type { BuildVariant } from './project-options';

/** The configuration of docker-build (and its consumers) that pushes and uses the registry. */
export const CI = 'ci';

export interface TargetNames {
  build: string;
  run: string;
  push: string;
  perf: string;
  lint: string;
  audit: string;
}

/** What every builder knows about the project and its Dockerfile. */
export interface ProjectFacts {
  projectRoot: string;
  projectName: string;
  /** Workspace-relative Dockerfile path. */
  dockerfile: string;
  /** `''` for `Dockerfile`, else the name (`Dockerfile.worker` -> `worker`). */
  suffix: string;
  image: string;
  names: TargetNames;
  options: NormalizedOptions;
  main: BuildVariant;
  /** How the context was chosen (set where, or inferred from what). */
  contextReason?: string;
  plan: BuildPlan;
  /** Plans of configurations whose options change what the build reads. */
  configurationPlans: Record<string, BuildPlan>;
}

/** A build target's own inputs (what upstream-inputs.ts names): all but the dependencies' outputs. */
export function ownInputs(target: TargetConfiguration): NonNullable<TargetConfiguration['inputs']> {
  return (target.inputs ?? []).filter((i) => typeof i === 'string' || !('dependentTasksOutputFiles' in i));
}

/** `{workspaceRoot}`-relative path as an Nx input token, preferring `{projectRoot}`. */
export function token(workspacePath: string, projectRoot: string): string {
  const p = posix.normalize(workspacePath);
  if (projectRoot === '.' || projectRoot === '') return `{projectRoot}/${p}`;
  if (p === projectRoot) return '{projectRoot}';
  if (p.startsWith(`${projectRoot}/`)) return `{projectRoot}/${p.slice(projectRoot.length + 1)}`;
  return `{workspaceRoot}/${p}`;
}

function under(dir: string, rel: string): string {
  return dir === '.' || dir === '' ? rel : `${dir}/${rel}`;
}

/** Where a build writes image.json: per project root, a root project in its own directory (never all of dist/docker). */
export function outputPathOf(projectRoot: string, suffix: string): string {
  const base = projectRoot === '.' || projectRoot === '' ? 'dist/docker/@root' : `dist/docker/${projectRoot}`;
  // Extra Dockerfiles get sibling directories: nested ones would be wiped when the main output is restored.
  return suffix ? `${base}@${suffix}` : base;
}

function remote(dir: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(dir);
}

/** The Dockerfile and both places BuildKit looks for its ignore file (creating one changes what is sent). */
function dockerfileInputs(plan: BuildPlan, projectRoot: string): string[] {
  return [token(plan.dockerfile, projectRoot), token(`${plan.dockerfile}.dockerignore`, projectRoot), token(under(plan.context, '.dockerignore'), projectRoot)];
}

/** Everything a plan reads, as Nx inputs: the Dockerfile files, the context reads, the named-context reads. */
function planInputs(plan: BuildPlan, buildContexts: Record<string, string> | undefined, projectRoot: string): string[] {
  const named = Object.entries(plan.reads.named).flatMap(([name, globs]) => {
    const dir = buildContexts?.[name];
    return !dir || remote(dir) ? [] : globs.map((g) => token(under(posix.normalize(dir), g), projectRoot));
  });
  return [...dockerfileInputs(plan, projectRoot), ...plan.reads.context.include.map((g) => token(under(plan.context, g), projectRoot)), ...named];
}

/** The plan as it travels on the target: without what differs between machines (options are hashed). */
function storedPlan(plan: BuildPlan): BuildPlan {
  const { unhashed: _machineSpecific, ...rest } = plan;
  return rest;
}

export function buildTargetConfig(f: ProjectFacts): TargetConfiguration {
  const plans = [f.plan, ...Object.values(f.configurationPlans)];
  const files = [...new Set(plans.flatMap((p) => planInputs(p, f.main.buildContexts, f.projectRoot)))];
  // Nx applies negations to every input: with several plans (configurations) none is safe.
  const negations = plans.length === 1 ? f.plan.reads.context.exclude.map((g) => `!${token(under(f.plan.context, g), f.projectRoot)}`) : [];
  const envs = [...new Set([f.main, ...plans].flatMap((v) => Object.values(v.buildArgs ?? {}).flatMap(envReferences)))];
  const outputPath = outputPathOf(f.projectRoot, f.suffix);
  const buildOptions: Record<string, unknown> = { file: f.dockerfile, context: f.main.context, image: f.image, outputPath, tags: f.options.tags };
  const pick = { target: f.main.target, buildArgs: f.main.buildArgs, platforms: f.main.platforms, buildContexts: f.main.buildContexts };
  for (const [key, v] of Object.entries({
    ...pick,
    cacheFrom: f.options.cacheFrom,
    cacheTo: f.options.cacheTo,
    builder: f.options.builder,
    maxParallelBuilds: f.options.maxParallelBuilds,
    engine: f.options.engine,
    signingPublicKey: f.options.signingPublicKey,
  })) {
    if (v !== undefined && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) buildOptions[key] = v;
  }
  buildOptions.plan = storedPlan(f.plan);
  const configurations: Record<string, Record<string, unknown>> = { [CI]: { push: true, skipExisting: true, registryCache: true } };
  for (const [name, plan] of Object.entries(f.configurationPlans)) configurations[name] = { ...(configurations[name] ?? {}), plan: storedPlan(plan) };
  const why = f.plan.reads.context.wholeContext ? ` Inputs: the whole context minus .dockerignore (${f.plan.reads.context.reasons.join('; ')}).` : '';
  return {
    executor: '@org/docker:build',
    cache: true,
    dependsOn: ['build', `^${f.options.buildTargetName}`],
    inputs: [
      ...files,
      ...negations,
      ...envs.map((env) => ({ env })),
      // The ci configuration pushes to $DOCKER_REGISTRY: another registry is another image name.
      ...(f.options.registry ? [] : [{ env: 'DOCKER_REGISTRY' }]),
      // What a `build` target produced (even when restored from cache). Upstream images are
      // hashed by their inputs (plugins/upstream-inputs.ts), never by their records: then the
      // hash is final before the upstream runs, as batch mode needs.
      { dependentTasksOutputFiles: `**/!(${IMAGE_OUTPUTS.join('|')})` },
    ],
    outputs: [`{workspaceRoot}/${outputPath}`],
    options: buildOptions,
    // CI: push the content tag (and tags) to the registry, reuse what the registry already
    // has, and keep a registry layer cache per image.
    configurations,
    metadata: {
      technologies: ['docker'],
      description: `Build the ${f.image} image from ${basename(f.dockerfile)}${f.main.target ? ` (stage ${f.main.target})` : ''} with BuildKit, context ${f.main.context}${f.contextReason ? ` (${f.contextReason})` : ''}.${why}`,
      help: {
        command: 'docker buildx build --help',
        example: { options: { target: 'production', buildArgs: { VERSION: '$VERSION' }, push: true } },
      },
    },
  };
}

/** The plugin's `engine` option, on every target whose executor calls the engine (the build's own list sets it too). */
function engineOption(f: ProjectFacts): { engine?: NonNullable<NormalizedOptions['engine']> } {
  return f.options.engine ? { engine: f.options.engine } : {};
}

export function runTargetConfig(f: ProjectFacts): TargetConfiguration {
  const ports = f.plan.exposes.map((p) => `${p.split('/')[0]}:${p}`);
  return {
    executor: '@org/docker:run',
    continuous: true,
    dependsOn: [f.names.build],
    options: { buildTarget: f.names.build, ports, ...engineOption(f) },
    configurations: { [CI]: {} },
    metadata: {
      technologies: ['docker'],
      description: `Run the ${f.image} image built by ${f.names.build}; brings it back first if the engine lacks it.`,
      help: { command: 'docker run --help', example: { options: { detach: true, ports: ['8080:8000'] } } },
    },
  };
}

export function pushTargetConfig(f: ProjectFacts): TargetConfiguration {
  return {
    executor: '@org/docker:push',
    dependsOn: [f.names.build],
    // Promotion needs a pushed image: `-c ci` (Nx hands the configuration to docker-build).
    configurations: { [CI]: {} },
    options: { buildTarget: f.names.build, tags: f.options.releaseTags, ...engineOption(f) },
    metadata: {
      technologies: ['docker'],
      description: `Add release tags (${f.options.releaseTags.join(', ')}) to the image ${f.names.build} pushed, by digest in the registry: no rebuild, no layer transfer.`,
      help: { command: 'docker buildx imagetools create --help', example: { options: { tags: ['{version}', 'stable'] } } },
    },
  };
}

export function releasePublishTargetConfig(f: ProjectFacts): TargetConfiguration {
  return {
    executor: '@org/docker:release-publish',
    dependsOn: [f.names.build],
    options: { buildTarget: f.names.build, tags: ['{version}'], ...engineOption(f) },
    metadata: {
      technologies: ['docker'],
      description: `Run by \`nx release publish\`: publish ${f.image} under the released version (pushed by content tag if needed, the version tag added by digest).`,
      help: { command: 'nx release publish --help', example: { options: { tags: ['{version}', 'stable'] } } },
    },
  };
}

export function perfTargetConfig(f: ProjectFacts): TargetConfiguration {
  return {
    executor: '@org/docker:perf',
    // Measurements are never replayed, and never share the cores with other builds.
    cache: false,
    parallelism: false,
    dependsOn: [f.names.build],
    options: { buildTarget: f.names.build, ...engineOption(f) },
    metadata: {
      technologies: ['docker'],
      description: `Measure ${f.image}'s builds (no cache, with cache, code change, dependency change, Nx no-op) and explain them; reports in dist/docker-perf.`,
      help: { command: 'docker buildx build --help', example: { options: { runs: 5, baseline: 'dist/docker-perf/baseline.json' } } },
    },
  };
}

export function lintTargetConfig(f: ProjectFacts): TargetConfiguration {
  const sarifFile = `dist/docker-lint/${f.projectName.replace(/[^A-Za-z0-9._-]+/g, '_')}${f.suffix ? `-${f.suffix}` : ''}.sarif`;
  const lint = f.options.lint;
  return {
    executor: '@org/docker:lint',
    cache: true,
    inputs: dockerfileInputs(f.plan, f.projectRoot),
    outputs: [`{workspaceRoot}/${sarifFile}`],
    options: {
      file: f.dockerfile,
      context: f.main.context,
      sarifFile,
      ...(f.main.target ? { target: f.main.target } : {}),
      ...(f.main.buildArgs && Object.keys(f.main.buildArgs).length ? { buildArgs: f.main.buildArgs } : {}),
      ...(lint?.rules ? { rules: lint.rules } : {}),
      ...(lint?.failOn ? { failOn: lint.failOn } : {}),
      ...(lint?.allowedRegistries ? { allowedRegistries: lint.allowedRegistries } : {}),
      ...(lint?.requiredLabels ? { requiredLabels: lint.requiredLabels } : {}),
    },
    metadata: {
      technologies: ['docker'],
      description: `Lint ${basename(f.dockerfile)}: correctness, security (non-root, secrets), hygiene and build speed; SARIF in ${sarifFile}.`,
      help: { command: 'docker build --check --help', example: { options: { format: 'sarif', rules: { 'base-image-unpinned': 'off' } } } },
    },
  };
}

export function auditTargetConfig(f: ProjectFacts): TargetConfiguration {
  return {
    executor: '@org/docker:audit',
    cache: true,
    dependsOn: [f.names.build],
    // The image is identified by its content tag: the same tag, the same audit.
    inputs: [{ dependentTasksOutputFiles: '**/image.ref' }],
    configurations: { [CI]: {} },
    options: { buildTarget: f.names.build, ...(f.options.lint?.failOn ? { failOn: f.options.lint.failOn } : {}), ...engineOption(f) },
    metadata: {
      technologies: ['docker'],
      description: `Audit the ${f.image} image ${f.names.build} built: non-root user, HEALTHCHECK, no secrets in env or history, no .git or package caches.`,
      help: { command: 'docker image inspect --help', example: { options: { rules: { 'image-no-healthcheck': 'off' } } } },
    },
  };
}

/** The compose services (production file, development file) that build this project's main Dockerfile. */
export interface ComposeFiles {
  production: ComposeService[];
  development: ComposeService[];
}

export function composeTargetConfigs(f: ProjectFacts, compose: ComposeFiles): Record<string, TargetConfiguration> {
  const o = f.options;
  const prod = compose.production.find((s) => buildsDockerfile(s, f.dockerfile));
  if (!prod) return {};
  const targets: Record<string, TargetConfiguration> = {
    [o.upTargetName]: {
      executor: '@org/docker:compose',
      continuous: true,
      dependsOn: [f.names.build],
      configurations: { [CI]: {} },
      options: {
        files: [o.composeFile],
        service: prod.service,
        buildTarget: f.names.build,
        imageEnv: prod.imageEnv,
        image: prod.imageEnv ? undefined : prod.image,
        ...engineOption(f),
      },
      metadata: {
        technologies: ['docker'],
        description: `Run compose service ${prod.service} (${o.composeFile}) with the exact image ${f.names.build} built.`,
        help: { command: 'docker compose up --help', example: { options: { detach: true } } },
      },
    },
  };
  if (compose.development.some((s) => s.service === prod.service)) {
    targets[o.devTargetName] = {
      executor: '@org/docker:compose',
      continuous: true,
      // Compose builds the development stage itself, FROM the images of the projects it builds on.
      dependsOn: [`^${o.buildTargetName}`],
      options: { files: [o.composeFile, o.composeDevFile], service: prod.service, build: true, ...engineOption(f) },
      metadata: {
        technologies: ['docker'],
        description: `Run compose service ${prod.service} in development mode (${o.composeDevFile}): development stage, sources bind-mounted, hot reload.`,
        help: { command: 'docker compose up --help', example: { options: { detach: true } } },
      },
    };
  }
  return targets;
}
