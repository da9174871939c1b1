// The plan a build runs with: the one inference computed and put on the target (no second
// parse), unless the options the executor received differ from the ones it was computed for
// (a command-line override such as `--target=dev`); then the plan is computed here, once.
import { readFileSync } from 'node:fs';
import { posix, relative, resolve } from 'node:path';
import type { BuildPlan } from '../../core/build-plan';
import { BuildFailure } from '../../core/image-build';
import type { BuildExecutorSchema } from './schema';

function sameArgs(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
}

/** True when `plan` was computed for exactly these options. */
export function planMatches(plan: BuildPlan | undefined, options: BuildExecutorSchema): plan is BuildPlan {
  return (
    !!plan &&
    plan.dockerfile === posix.normalize(options.file) &&
    plan.context === posix.normalize(options.context) &&
    (plan.target ?? '') === (options.target ?? '') &&
    sameArgs(plan.buildArgs, options.buildArgs)
  );
}

/**
 * The plan for these options. `resolvedArgs`: the build args with environment references
 * filled in (`BASE: "$BASE_IMAGE"`): inference planned them as written, so which images the
 * build uses is known only here, and the plan is computed again with their values.
 */
export function planForOptions(options: BuildExecutorSchema, workspaceRoot: string, resolvedArgs?: Record<string, string>): BuildPlan {
  const fromEnvironment = resolvedArgs !== undefined && !sameArgs(resolvedArgs, options.buildArgs);
  if (!fromEnvironment && planMatches(options.plan, options)) return options.plan;
  // Only here do the parsers load: the usual build never needs them.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { buildPlan, hostPlatform } = require('../../core/build-plan') as typeof import('../../core/build-plan');
  const { findIgnoreFile } = require('../../core/dockerignore') as typeof import('../../core/dockerignore');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const dockerfile = resolve(workspaceRoot, options.file);
  let text: string;
  try {
    text = readFileSync(dockerfile, 'utf8');
  } catch {
    throw new BuildFailure(`${options.file}: no such Dockerfile. Check the "file" option of the target.`);
  }
  const context = resolve(workspaceRoot, options.context);
  const ignoreFile = findIgnoreFile(dockerfile, context);
  let ignoreText: string | undefined;
  try {
    ignoreText = ignoreFile ? readFileSync(ignoreFile, 'utf8') : undefined;
  } catch (e) {
    throw new BuildFailure(`${relative(workspaceRoot, ignoreFile ?? '')}: cannot be read as the ignore file (${(e as Error).message}).`);
  }
  if (fromEnvironment) options = { ...options, buildArgs: resolvedArgs };
  else if (options.plan) console.log(`Options differ from the ones ${options.file} was planned for at inference; planning again for this build.`);
  return buildPlan(
    { dockerfile: posix.normalize(options.file), dockerfileText: text, context: posix.normalize(options.context), ignoreText },
    {
      target: options.target,
      buildArgs: options.buildArgs,
      buildContexts: options.buildContexts,
      platforms: options.platforms,
      defaultPlatform: hostPlatform(),
    },
  );
}
