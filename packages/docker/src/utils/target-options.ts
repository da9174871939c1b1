// A target's options as an executor would receive them, for executors that read another
// target's options (docker-run reads docker-build's). Types only from Nx: an executor's task
// process never loads nx/src/devkit-exports for this.
import type { ExecutorContext } from 'nx/src/devkit-exports';

/** A target's options with the given configuration applied (what the executor would receive). */
export function readTargetOptions<T>(spec: { project: string; target: string; configuration?: string }, context: ExecutorContext): T {
  const target = context.projectsConfigurations?.projects[spec.project]?.targets?.[spec.target];
  if (!target) throw new Error(`Project ${spec.project} has no target ${spec.target}.`);
  const configuration = spec.configuration ?? target.defaultConfiguration;
  return { ...target.options, ...(configuration ? target.configurations?.[configuration] : undefined) } as T;
}
