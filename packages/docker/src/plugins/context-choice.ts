// The build context of a Dockerfile whose options do not set one. What the repository already
// says comes first: another Docker plugin's target that builds this Dockerfile (nx-container,
// @nx/docker), then a compose service that builds it; otherwise where its COPY sources are (core/context-inference). A set
// or declared context is still checked against the sources, so a wrong one is named.
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { buildsDockerfile, type ComposeService } from '../core/compose';
import { chooseContext, conflictWarning, contextCandidates, type ContextSource } from '../core/context-inference';
import { resolveContext, type BuildVariant, type ContextDecider, type ContextDecision, type ProjectFiles, type TargetLike } from './project-options';

/** The reads of a Dockerfile's main context for a variant (parsed once, then cached by the caller). */
export type SourcesOf = (variant: BuildVariant) => ContextSource[];

export interface ContextFacts {
  workspaceRoot: string;
  dockerfile: string;
  projectRoot: string;
  files: ProjectFiles;
  /** Every service of the compose files. */
  compose: ComposeService[];
  sources: SourcesOf;
}

/**
 * The context another Docker plugin's target in project.json / package.json builds this
 * Dockerfile with: a @nx-tools/nx-container target (its `context`, default the workspace root;
 * its `file`, default the project's Dockerfile),
 * or @nx/docker's `docker:build` given a `cwd` (it runs `docker build .` there).
 */
function otherTargetContext(facts: ContextFacts): { context: string; source: string } | undefined {
  const nx = facts.files.packageJson?.nx as { targets?: Record<string, TargetLike> } | undefined;
  const targets = { ...nx?.targets, ...(facts.files.projectJson?.targets as Record<string, TargetLike> | undefined) };
  const path = (value: string) => resolveContext(value, facts.projectRoot);
  for (const [name, t] of Object.entries(targets)) {
    if (t?.executor === '@nx-tools/nx-container:build') {
      const context = path(typeof t.options?.context === 'string' ? t.options.context : '.');
      const file = path(typeof t.options?.file === 'string' ? t.options.file : posix.join(facts.projectRoot, 'Dockerfile'));
      if (file === facts.dockerfile) return { context, source: `the @nx-tools/nx-container target "${name}"` };
    } else if (name === 'docker:build' && typeof t?.options?.cwd === 'string') {
      const context = path(t.options.cwd);
      // `docker build .` reads <cwd>/Dockerfile unless its args name one (`-f`, `--file`), relative to cwd.
      const args = Array.isArray(t.options.args) ? t.options.args.join(' ') : '';
      const file = /(?:^|\s)(?:-f|--file)(?:\s+|=)(\S+)/.exec(args)?.[1];
      if (posix.join(context, path(file ?? 'Dockerfile')) === facts.dockerfile) return { context, source: `the @nx/docker target "${name}" (its "cwd")` };
    }
  }
  return undefined;
}

/** The context of a compose service that builds this Dockerfile. */
function composeContext(facts: ContextFacts): { context: string; source: string } | undefined {
  const service = facts.compose.find((s) => buildsDockerfile(s, facts.dockerfile));
  return service?.context === undefined ? undefined : { context: service.context, source: `compose service "${service.service}"` };
}

export function contextDecider(facts: ContextFacts): ContextDecider {
  return (variant, set, outputs): ContextDecision => {
    const resolves = (context: string, path: string) => {
      const at = posix.join(context, path);
      // A build output (`dist/apps/api`) need not exist yet: the build target makes it first.
      return existsSync(join(facts.workspaceRoot, at)) || outputs.some((o) => at === o || at.startsWith(`${o}/`) || o.startsWith(`${at}/`));
    };
    const declared = set ?? otherTargetContext(facts) ?? composeContext(facts);
    const candidates = contextCandidates(facts.projectRoot);
    const choice = chooseContext(facts.dockerfile, facts.sources(variant), candidates, resolves, declared?.context);
    const warning = conflictWarning(facts.dockerfile, choice);
    if (declared) return { context: declared.context, reason: set ? `set in ${declared.source}` : `as ${declared.source} builds it`, warning };
    return { context: choice.context, reason: choice.reason, warning };
  };
}
