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

interface TargetLike {
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

/** Every layer that may configure the target, lowest precedence first. */
function targetLayers(files: ProjectFiles, targetDefaults: Record<string, unknown> | undefined, targetName: string, executor: string): TargetLike[] {
  const defaults = targetDefaults ?? {};
  const nx = files.packageJson?.nx as { targets?: Record<string, TargetLike> } | undefined;
  return [
    defaults[executor] as TargetLike | undefined,
    defaults[targetName] as TargetLike | undefined,
    nx?.targets?.[targetName],
    (files.projectJson?.targets as Record<string, TargetLike> | undefined)?.[targetName],
  ].filter((t): t is TargetLike => Boolean(t));
}

function resolveContext(value: string, projectRoot: string): string {
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
}

export function projectBuildOptions(
  options: NormalizedOptions,
  files: ProjectFiles,
  projectRoot: string,
  targetName: string,
  targetDefaults: Record<string, unknown> | undefined,
): ProjectBuildOptions {
  const layers = targetLayers(files, targetDefaults, targetName, '@org/docker:build');
  let main: BuildVariant = {
    context: resolveContext(options.context, projectRoot),
    target: options.target,
    buildArgs: options.buildArgs,
    platforms: options.platforms,
  };
  const extra: Record<string, unknown> = {};
  for (const layer of layers) {
    main = applyLayer(main, layer.options, projectRoot);
    for (const [k, v] of Object.entries(layer.options ?? {})) if (!(PLAN_KEYS as readonly string[]).includes(k)) extra[k] = v;
  }
  const configurations: Record<string, BuildVariant> = {};
  const names = new Set(layers.flatMap((l) => Object.keys(l.configurations ?? {})));
  for (const name of names) {
    let variant = main;
    for (const layer of layers) variant = applyLayer(variant, layer.configurations?.[name], projectRoot);
    if (JSON.stringify(variant) !== JSON.stringify(main)) configurations[name] = variant;
  }
  const build = (files.projectJson?.targets as Record<string, TargetLike> | undefined)?.build;
  const buildOutputs = (build?.outputs ?? []).map((o) => resolveContext(o.replace('{workspaceRoot}/', ''), projectRoot).replace(/\/\*\*.*$/, ''));
  return { main, configurations, extra, buildOutputs };
}
