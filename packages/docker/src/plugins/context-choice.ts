// The build context of a Dockerfile whose options do not set one. What the repository already
// says comes first: a @nx-tools/nx-container target that builds this Dockerfile, then a compose
// service that builds it; otherwise where its COPY sources are (core/context-inference). A set
// or declared context is still checked against the sources, so a wrong one is named.
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { buildsDockerfile, type ComposeService } from '../core/compose';
import { chooseContext, conflictWarning, contextCandidates, type ContextSource } from '../core/context-inference';
import type { BuildVariant, ContextDecider, ContextDecision, ProjectFiles } from './project-options';

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

interface TargetLike {
  executor?: string;
  options?: Record<string, unknown>;
}

/** The context a @nx-tools/nx-container target building this Dockerfile uses (its `context`, default the workspace root). */
function containerTargetContext(facts: ContextFacts): { context: string; source: string } | undefined {
  const nx = facts.files.packageJson?.nx as { targets?: Record<string, TargetLike> } | undefined;
  const targets = { ...nx?.targets, ...(facts.files.projectJson?.targets as Record<string, TargetLike> | undefined) };
  for (const [name, t] of Object.entries(targets)) {
    if (t?.executor !== '@nx-tools/nx-container:build') continue;
    const context = posix.normalize(typeof t.options?.context === 'string' ? t.options.context : '.');
    const file = posix.normalize(typeof t.options?.file === 'string' ? t.options.file : posix.join(context, 'Dockerfile'));
    if (file === facts.dockerfile) return { context, source: `the @nx-tools/nx-container target "${name}"` };
  }
  return undefined;
}

/** The context of a compose service that builds this Dockerfile. */
function composeContext(facts: ContextFacts): { context: string; source: string } | undefined {
  const service = facts.compose.find((s) => buildsDockerfile(s, facts.dockerfile));
  return service?.context === undefined ? undefined : { context: service.context, source: `compose service "${service.service}"` };
}

export function contextDecider(facts: ContextFacts): ContextDecider {
  return (variant, set, outputs = []): ContextDecision => {
    const resolves = (context: string, path: string) => {
      const at = posix.join(context, path);
      // A build output (`dist/apps/api`) need not exist yet: the build target makes it first.
      return existsSync(join(facts.workspaceRoot, at)) || outputs.some((o) => at === o || at.startsWith(`${o}/`) || o.startsWith(`${at}/`));
    };
    const declared = set ?? containerTargetContext(facts) ?? composeContext(facts);
    const candidates = contextCandidates(facts.projectRoot);
    const choice = chooseContext(facts.dockerfile, facts.sources(variant), candidates, resolves, declared?.context);
    const warning = conflictWarning(facts.dockerfile, choice);
    if (declared) return { context: declared.context, reason: set ? `set in ${declared.source}` : `as ${declared.source} builds it`, warning };
    return { context: choice.context, reason: choice.reason, warning };
  };
}
