// Inference: every project root holding a Dockerfile gets docker-build (and run, push, perf,
// lint, audit, up, dev) targets. Each build is described by one plan (core/build-plan), computed
// here once and cached by the content of every file read and every option used; the targets
// carry it to the graph (createDependencies) and the executor.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BuildPlan } from '../core/build-plan';
import { buildsDockerfile, composeServices, type ComposeService } from '../core/compose';
import type { ContextSource } from '../core/context-inference';
import { imageRepository } from '../core/naming';
import type { CreateNodesResult, CreateNodesV2, TargetConfiguration } from '../utils/devkit';
import { withBuildProblems } from './build-problems';
import { contextDecider } from './context-choice';
import { eachFile } from './each-file';
import { otherDockerTargets, targetClashes, withClashes } from './other-plugins';
import { InferenceCache } from './inference-cache';
import { normalizeOptions, type DockerPluginOptions, type NormalizedOptions } from './options';
import { projectBuildOptions, projectNameOf, readProjectFiles, type BuildVariant, type ProjectBuildOptions, type ProjectFiles } from './project-options';
import {
  auditTargetConfig,
  buildTargetConfig,
  composeTargetConfigs,
  lintTargetConfig,
  releasePublishTargetConfig,
  ownInputs,
  perfTargetConfig,
  pushTargetConfig,
  runTargetConfig,
  type ComposeFiles,
  type ProjectFacts,
} from './targets';
import { unhashedListing, type UnhashedListing } from './unhashed';
import { withUpstreamInputs } from './upstream-inputs';

export { CI, type ComposeFiles } from './targets';

export const DOCKERFILE_GLOB = '**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*}';
const PLUGIN_VERSION = '9';

/** `Dockerfile` -> '' (the main one); `Dockerfile.worker` / `worker.Dockerfile` -> `worker`; `Containerfile` -> `containerfile`. */
export function dockerfileName(file: string): string | undefined {
  const name = basename(file);
  if (name === 'Dockerfile') return '';
  if (name.endsWith('.dockerignore')) return undefined;
  if (name === 'Containerfile') return 'containerfile';
  const m = /^Dockerfile\.(.+)$/.exec(name) ?? /^(.+)\.Dockerfile$/.exec(name);
  return m ? m[1].toLowerCase().replace(/[^a-z0-9-]+/g, '-') : undefined;
}

/** A file's text for planning; a directory or unreadable file is a problem of its own project only. */
function readText(file: string, display = file): { text: string; problem?: string } {
  try {
    if (!existsSync(file)) return { text: '' };
    if (statSync(file).isDirectory()) return { text: '', problem: `${display} is a directory, not a file` };
    return { text: readFileSync(file, 'utf8') };
  } catch (e) {
    return { text: '', problem: `${display} cannot be read (${(e as Error).message})` };
  }
}

/** An ignore file's path (workspace-relative) and text. */
interface IgnoreFile {
  path: string;
  text: string;
  problem?: string;
}

/** The Dockerfile's own ignore file (`<Dockerfile>.dockerignore`), read once per inference; BuildKit prefers it in every context. */
function ownIgnoreOf(root: string, dockerfile: string): IgnoreFile | undefined {
  const specific = `${dockerfile}.dockerignore`;
  return existsSync(join(root, specific)) ? { path: specific, ...readText(join(root, specific), specific) } : undefined;
}

/** The ignore file BuildKit uses for a Dockerfile and context (workspace-relative paths). */
function ignoreFor(root: string, own: IgnoreFile | undefined, context: string): IgnoreFile {
  if (own) return own;
  const general = context === '.' ? '.dockerignore' : `${context}/.dockerignore`;
  return { path: general, ...readText(join(root, general), general) };
}

export interface Inferred {
  projectName: string;
  targets: Record<string, TargetConfiguration>;
  /** The build target's own inputs, named after it: what its dependents' hashes include. */
  namedInputs: Record<string, NonNullable<TargetConfiguration['inputs']>>;
  groups: string[];
  warnings: string[];
}

export interface InferenceInput {
  workspaceRoot: string;
  dockerfile: string;
  options: NormalizedOptions;
  targetDefaults?: Record<string, unknown>;
  compose?: ComposeFiles;
  unhashed?: UnhashedListing;
  platform?: string;
  /** Every compose service: one that builds this Dockerfile says its context. */
  composeServices?: ComposeService[];
  /** The main-context reads of a Dockerfile text for a variant (cached across runs by createNodes). */
  sources?: (text: string, variant: BuildVariant, platform?: string, ownIgnore?: IgnoreFile) => ContextSource[];
}

function hashOf(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The reads context inference weighs, for the platform the plan is computed for first; parses, so loaded only on a cache miss. */
function sourcesNow(text: string, variant: BuildVariant, platform?: string, ownIgnore?: IgnoreFile): ContextSource[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: dockerfile-ast loads on a cache miss only
  const { contextSources, ignoreFileSources } = require('../core/context-sources') as typeof import('../core/context-sources');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  const { hostPlatform } = require('../core/build-plan') as typeof import('../core/build-plan');
  const reads = contextSources(text, { ...variant, platform: variant.platforms?.[0] ?? platform ?? hostPlatform() });
  return ownIgnore ? [...reads, ...ignoreFileSources(ownIgnore.text, ownIgnore.path)] : reads;
}

/** Loads the planner only when a plan is computed: a warm inference cache never parses a Dockerfile. */
function plan(
  root: string,
  dockerfile: string,
  text: string,
  variant: BuildVariant,
  own: IgnoreFile | undefined,
  unhashed: UnhashedListing | undefined,
  platform?: string,
): BuildPlan {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: dockerfile-ast and friends load on a cache miss only
  const { buildPlan, hostPlatform } = require('../core/build-plan') as typeof import('../core/build-plan');
  const ignore = ignoreFor(root, own, variant.context);
  const result = buildPlan(
    { dockerfile, dockerfileText: text, context: variant.context, ignoreText: ignore.text, unhashed: unhashed?.(variant.context) },
    { ...variant, defaultPlatform: platform ?? hostPlatform() },
  );
  if (ignore.problem) result.problems.push({ line: 1, message: `${ignore.problem}; BuildKit reads it as the ignore file` });
  return result;
}

function unhashedWarning(dockerfile: string, p: BuildPlan, buildOutputs: string[]): string | undefined {
  const atContext = (path: string) => (p.context === '.' ? path : `${p.context}/${path}`);
  const reads = (p.unhashed ?? []).filter((u) => !buildOutputs.some((o) => atContext(u.path).startsWith(o)));
  if (!reads.length) return undefined;
  const lines = reads.slice(0, 5).map((u) => `${dockerfile}:${u.line}: reads ${atContext(u.path)}, which git ignores`);
  if (reads.length > 5) lines.push(`... and ${reads.length - 5} more`);
  return (
    `${lines.join('\n')}\nNx does not hash git-ignored files, so changing them serves the old image from the cache. ` +
    `Leave them out in .dockerignore, or produce them from the project's "build" target with "outputs" (docker-build hashes its dependencies' outputs).`
  );
}

/** What inference reads for one Dockerfile: its text, the project's files and the options Nx will run it with. */
interface Prepared {
  suffix: string;
  projectRoot: string;
  buildName: string;
  files: ProjectFiles;
  project: ProjectBuildOptions;
  text: { text: string; problem?: string };
  ownIgnore?: IgnoreFile;
  ignores: IgnoreFile[];
}

function prepare(input: InferenceInput): Prepared {
  const { workspaceRoot: root, dockerfile, options } = input;
  const suffix = dockerfileName(dockerfile) ?? '';
  const projectRoot = dirname(dockerfile);
  const files = readProjectFiles(root, projectRoot);
  const buildName = suffix ? `${options.buildTargetName}-${suffix}` : options.buildTargetName;
  const text = readText(join(root, dockerfile), dockerfile);
  const ownIgnore = ownIgnoreOf(root, dockerfile);
  const decide = contextDecider({
    workspaceRoot: root,
    dockerfile,
    projectRoot,
    files,
    compose: input.composeServices ?? [],
    sources: (variant) => (input.sources ?? sourcesNow)(text.text, variant, input.platform, ownIgnore),
  });
  const project = projectBuildOptions(options, files, projectRoot, buildName, input.targetDefaults, decide);
  const contexts = [...new Set([project.main, ...Object.values(project.configurations)].map((v) => v.context))];
  return {
    suffix,
    projectRoot,
    buildName,
    files,
    project,
    text,
    ownIgnore,
    ignores: contexts.map((c) => ignoreFor(root, ownIgnore, c)),
  };
}

/** The cache key: every file inference reads and every option it uses. */
function cacheKey(input: InferenceInput, p: Prepared): string {
  return hashOf([PLUGIN_VERSION, input.dockerfile, input.options, p.project, p.files.texts, p.text, p.ignores, input.compose, input.platform]);
}

/** Every target of one Dockerfile, from its plans. */
export function inferTargets(input: InferenceInput, prepared: Prepared = prepare(input)): Inferred {
  const { workspaceRoot: root, dockerfile, options } = input;
  const { suffix, projectRoot, files, project, text, buildName } = prepared;
  const projectName = projectNameOf(files, projectRoot, root);
  const main = plan(root, dockerfile, text.text, project.main, prepared.ownIgnore, input.unhashed, input.platform);
  if (text.problem) main.problems.push({ line: 1, message: text.problem });
  const configurationPlans = Object.fromEntries(
    Object.entries(project.configurations).map(([name, v]) => [name, plan(root, dockerfile, text.text, v, prepared.ownIgnore, input.unhashed, input.platform)]),
  );
  const name = (base: string) => (suffix ? `${base}-${suffix}` : base);
  const facts: ProjectFacts = {
    projectRoot,
    projectName,
    dockerfile,
    suffix,
    image: imageRepository({ projectName, projectRoot, dockerfileName: suffix }, options.repository, options.registry),
    names: {
      build: buildName,
      run: name(options.runTargetName),
      push: name(options.pushTargetName),
      perf: name(options.perfTargetName),
      lint: name(options.lintTargetName),
      audit: name(options.auditTargetName),
    },
    options,
    main: project.main,
    contextReason: project.contextReason,
    plan: main,
    configurationPlans,
  };
  const targets: Record<string, TargetConfiguration> = {
    [facts.names.build]: buildTargetConfig(facts),
    [facts.names.run]: runTargetConfig(facts),
    [facts.names.push]: pushTargetConfig(facts),
    [facts.names.perf]: perfTargetConfig(facts),
    [facts.names.lint]: lintTargetConfig(facts),
    [facts.names.audit]: auditTargetConfig(facts),
    // `nx release publish` runs this name; one per project, so only for its main Dockerfile.
    ...(options.releasePublish && !suffix ? { 'nx-release-publish': releasePublishTargetConfig(facts) } : {}),
    ...(suffix ? {} : composeTargetConfigs(facts, input.compose ?? { production: [], development: [] })),
  };
  const warnings: string[] = [];
  if (main.problems.length) {
    const where = main.problems.map((p) => `${dockerfile}:${p.line}: ${p.message}`).join('\n');
    warnings.push(`${where}\n${buildName} of ${projectName} will fail until this is fixed.`);
  }
  if (project.contextWarning) warnings.push(project.contextWarning);
  const unhashed = unhashedWarning(dockerfile, main, project.buildOutputs);
  if (unhashed) warnings.push(unhashed);
  return { projectName, targets, namedInputs: { [buildName]: ownInputs(targets[buildName]) }, groups: Object.keys(targets), warnings };
}

type Results = Awaited<ReturnType<CreateNodesV2[1]>>;

/** An inference warning (Nx's logger would load its devkit into the worker for it). */
const warn = (text: string) => console.warn(text);

/**
 * Two builds that would push to one image repository (`api` with `Dockerfile.worker` beside a
 * project `api-worker`) would move each other's `latest` and release tags: both fail, saying so.
 * The cached results are never changed: the problem goes on a copy of the target.
 */
function rejectSharedRepositories(results: Results): Results {
  const owners = new Map<string, string[]>();
  for (const [, r] of results)
    for (const [root, p] of Object.entries(r.projects ?? {}))
      for (const [name, t] of Object.entries(p.targets ?? {}))
        if (t.executor === '@org/docker:build') owners.set(String(t.options?.image), [...(owners.get(String(t.options?.image)) ?? []), `${root}:${name}`]);
  const shared = new Map([...owners.entries()].filter(([, list]) => list.length > 1));
  if (!shared.size) return results;
  return withBuildProblems(results, (root, name, t) => {
    const image = String(t.options?.image);
    const others = shared.get(image)?.filter((o) => o !== `${root}:${name}`);
    if (!others) return [];
    const message = `image repository ${image} is also built by ${others.join(', ')}; give one of them another name (plugin option "repository", or rename the Dockerfile or project)`;
    warn(`${(t.options?.plan as { dockerfile: string }).dockerfile}:1: ${message}`);
    return [message];
  });
}

const createNodesFunction: CreateNodesV2<DockerPluginOptions>[1] = async (files, rawOptions, context) => {
  const options = normalizeOptions(rawOptions);
  const cache = new InferenceCache<Inferred>(`org-docker-${hashOf([options, PLUGIN_VERSION]).slice(0, 16)}.json`);
  const sourcesCache = new InferenceCache<ContextSource[]>(`org-docker-sources-${hashOf([options, PLUGIN_VERSION]).slice(0, 16)}.json`);
  const sources = (text: string, variant: BuildVariant, platform?: string, ownIgnore?: IgnoreFile): ContextSource[] => {
    const key = hashOf([text, variant.target, variant.buildArgs, variant.platforms, platform, ownIgnore]);
    const cached = sourcesCache.get(key);
    if (cached) return cached;
    const found = sourcesNow(text, variant, platform, ownIgnore);
    sourcesCache.set(key, found);
    return found;
  };
  const root = context.workspaceRoot;
  const clashes = targetClashes(options, otherDockerTargets(context.nxJsonConfiguration?.plugins as Parameters<typeof otherDockerTargets>[0]));
  if (clashes.length && files.length) warn(`@org/docker: ${clashes.join('\n')}.`);
  const compose: ComposeFiles = {
    production: composeServices(readText(join(root, options.composeFile)).text, dirname(options.composeFile)),
    development: composeServices(readText(join(root, options.composeDevFile)).text, dirname(options.composeDevFile)),
  };
  const allServices = [...compose.production, ...compose.development];
  const unhashed = unhashedListing(root);
  const targetDefaults = context.nxJsonConfiguration?.targetDefaults as Record<string, unknown> | undefined;
  const projectNames = new Map<string, string>();
  const one = async (file: string): Promise<CreateNodesResult> => {
    if (dockerfileName(file) === undefined) return {};
    const projectRoot = dirname(file);
    if (!existsSync(join(root, projectRoot, 'project.json')) && !existsSync(join(root, projectRoot, 'package.json'))) return {};
    // Only this project's services: adding another service must not invalidate every project.
    const services = compose.production.filter((s) => buildsDockerfile(s, file)).map((s) => s.service);
    const ownCompose: ComposeFiles = {
      production: compose.production.filter((s) => services.includes(s.service)),
      development: compose.development.filter((s) => services.includes(s.service)),
    };
    const input: InferenceInput = {
      workspaceRoot: root,
      dockerfile: file,
      options,
      targetDefaults,
      compose: ownCompose,
      unhashed,
      composeServices: allServices,
      sources,
    };
    const prepared = prepare(input);
    const key = cacheKey(input, prepared);
    let inferred = cache.get(key);
    if (!inferred) {
      inferred = inferTargets(input, prepared);
      cache.set(key, inferred);
    }
    for (const w of inferred.warnings) warn(w);
    projectNames.set(projectRoot, inferred.projectName);
    const project = { targets: inferred.targets, namedInputs: inferred.namedInputs, metadata: { targetGroups: { Docker: inferred.groups } } };
    return { projects: { [projectRoot]: project } };
  };
  try {
    return withUpstreamInputs(withClashes(rejectSharedRepositories(await eachFile(files, one)), clashes), projectNames);
  } finally {
    cache.save();
    sourcesCache.save();
  }
};

export const createNodes: CreateNodesV2<DockerPluginOptions> = [DOCKERFILE_GLOB, createNodesFunction];
export const createNodesV2 = createNodes;
