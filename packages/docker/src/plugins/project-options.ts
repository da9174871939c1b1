// The options a project's docker-build really runs with, as Nx will merge them: the plugin's
// options, then nx.json `targetDefaults` (by target name or executor), then the project's
// package.json `nx.targets`, then project.json. Inference must see the same `target`,
// `context`, `buildArgs` ... as the executor, or it computes inputs for another build.
// Configurations that change what the build reads get plans of their own.
import { readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import type { NormalizedOptions } from './options';

/** The options that change what a build reads (and so its plan and inputs). */
export const PLAN_KEYS = ['context', 'target', 'buildArgs', 'buildContexts', 'platforms'] as const;

export interface BuildVariant {
  context: string;
  target?: string;
  buildArgs?: Record<string, string>;
  buildContexts?: Record<string, string>;
  platforms?: string[];
}

export interface ProjectFiles {
  projectJson?: Record<string, unknown>;
  packageJson?: Record<string, unknown>;
  /** The raw texts, for the inference cache key. */
  texts: string[];
}

export interface TargetLike {
  executor?: string;
  options?: Record<string, unknown>;
  configurations?: Record<string, Record<string, unknown>>;
  outputs?: string[];
}

function readJsonText(file: string): { json?: Record<string, unknown>; text: string } {
  try {
    const text = readFileSync(file, 'utf8');
    return { json: JSON.parse(text) as Record<string, unknown>, text };
  } catch {
    return { text: '' };
  }
}

export function readProjectFiles(workspaceRoot: string, projectRoot: string): ProjectFiles {
  const project = readJsonText(join(workspaceRoot, projectRoot, 'project.json'));
  const pkg = readJsonText(join(workspaceRoot, projectRoot, 'package.json'));
  return { projectJson: project.json, packageJson: pkg.json, texts: [project.text, pkg.text] };
}

/** The project name Nx gives the project: project.json `name`, else package.json `name`, else the directory. */
export function projectNameOf(files: ProjectFiles, projectRoot: string, workspaceRoot: string): string {
  return String(files.projectJson?.name ?? files.packageJson?.name ?? basename(projectRoot === '.' ? workspaceRoot : projectRoot));
}

interface Layer extends TargetLike {
  /** Where it is written, for messages: `project.json`, `package.json "nx.targets"`, ... */
  source: string;
}

/** Every layer that may configure the target, lowest precedence first. */
function targetLayers(files: ProjectFiles, targetDefaults: Record<string, unknown> | undefined, targetName: string, executor?: string): Layer[] {
  const defaults = targetDefaults ?? {};
  const nx = files.packageJson?.nx as { targets?: Record<string, TargetLike> } | undefined;
  const layers: Array<[string, TargetLike | undefined]> = [
    [`nx.json "targetDefaults" of ${executor}`, executor ? (defaults[executor] as TargetLike | undefined) : undefined],
    [`nx.json "targetDefaults" of ${targetName}`, defaults[targetName] as TargetLike | undefined],
    ['package.json "nx.targets"', nx?.targets?.[targetName]],
    ['project.json', (files.projectJson?.targets as Record<string, TargetLike> | undefined)?.[targetName]],
  ];
  return layers.flatMap(([source, t]) => (t ? [{ ...t, source }] : []));
}

/** A workspace-relative path from an option: `{projectRoot}` and `{workspaceRoot}` resolved. */
export function resolveContext(value: string, projectRoot: string): string {
  return posix.normalize(value.replace('{projectRoot}', projectRoot).replace('{workspaceRoot}', '.'));
}

function applyLayer(base: BuildVariant, layer: Record<string, unknown> | undefined, projectRoot: string): BuildVariant {
  if (!layer) return base;
  const next: BuildVariant = { ...base };
  if (typeof layer.context === 'string') next.context = resolveContext(layer.context, projectRoot);
  if (typeof layer.target === 'string') next.target = layer.target;
  if (layer.buildArgs && typeof layer.buildArgs === 'object') next.buildArgs = { ...base.buildArgs, ...(layer.buildArgs as Record<string, string>) };
  if (layer.buildContexts && typeof layer.buildContexts === 'object')
    next.buildContexts = { ...base.buildContexts, ...(layer.buildContexts as Record<string, string>) };
  if (Array.isArray(layer.platforms)) next.platforms = layer.platforms as string[];
  return next;
}

export interface ProjectBuildOptions {
  /** The options the target runs with by default. */
  main: BuildVariant;
  /** Configurations whose options change what the build reads, with their variant. */
  configurations: Record<string, BuildVariant>;
  /** Everything else the layers set on the target's options (tags, registry, ...). */
  extra: Record<string, unknown>;
  /** Outputs of the project's own `build` target: a docker-build hashes them (dependentTasksOutputFiles). */
  buildOutputs: string[];
  /** Where the context comes from (`project.json`, or how it was inferred), for the target description. */
  contextReason: string;
  /** Set when the Dockerfile's reads do not all resolve in the context. */
  contextWarning?: string;
}

/** How the context was decided when no option sets it, or what is wrong with the one set. */
export interface ContextDecision {
  context: string;
  reason: string;
  warning?: string;
}

/** Decides the context for a variant; `set` is the context an option set, with where; `outputs` the project's build outputs. */
export type ContextDecider = (variant: BuildVariant, set: { context: string; source: string } | undefined, outputs: string[]) => ContextDecision;

/** `{options.outputPath}` and `{projectRoot}` in a `build` target's outputs, as workspace-relative directories. */
function outputsOf(layers: TargetLike[], projectRoot: string): string[] {
  let options: Record<string, unknown> = {};
  let outputs: string[] = [];
  for (const l of layers) {
    options = { ...options, ...l.options };
    if (Array.isArray(l.outputs)) outputs = l.outputs;
  }
  return outputs.flatMap((o) => {
    const value = o.replace(/\{options\.([A-Za-z0-9_-]+)\}/g, (_, k: string) => (typeof options[k] === 'string' ? (options[k] as string) : '\0'));
    if (value.includes('\0')) return [];
    return [resolveContext(value.replace('{workspaceRoot}/', ''), projectRoot).replace(/\/\*\*.*$/, '')];
  });
}

export function projectBuildOptions(
  options: NormalizedOptions,
  files: ProjectFiles,
  projectRoot: string,
  targetName: string,
  targetDefaults: Record<string, unknown> | undefined,
  decide: ContextDecider,
): ProjectBuildOptions {
  const layers = targetLayers(files, targetDefaults, targetName, '@org/docker:build');
  let main: BuildVariant = {
    context: resolveContext(options.context ?? '{projectRoot}', projectRoot),
    target: options.target,
    buildArgs: options.buildArgs,
    platforms: options.platforms,
  };
  let set = options.context === undefined ? undefined : { context: main.context, source: 'the plugin options in nx.json' };
  const extra: Record<string, unknown> = {};
  for (const layer of layers) {
    main = applyLayer(main, layer.options, projectRoot);
    if (typeof layer.options?.context === 'string') set = { context: main.context, source: layer.source };
    for (const [k, v] of Object.entries(layer.options ?? {})) if (!(PLAN_KEYS as readonly string[]).includes(k)) extra[k] = v;
  }
  const buildOutputs = outputsOf(targetLayers(files, targetDefaults, 'build'), projectRoot);
  const decision = decide(main, set, buildOutputs);
  main = { ...main, context: decision.context };
  const configurations: Record<string, BuildVariant> = {};
  const names = new Set(layers.flatMap((l) => Object.keys(l.configurations ?? {})));
  for (const name of names) {
    let variant = main;
    for (const layer of layers) variant = applyLayer(variant, layer.configurations?.[name], projectRoot);
    if (JSON.stringify(variant) !== JSON.stringify(main)) configurations[name] = variant;
  }
  return { main, configurations, extra, buildOutputs, contextReason: decision.reason, ...(decision.warning ? { contextWarning: decision.warning } : {}) };
}
