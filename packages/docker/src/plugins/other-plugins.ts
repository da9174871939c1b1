// Other Docker plugins registered beside this one. Nx merges targets of the same name inferred by
// two plugins (the later one's options over the earlier one's), so a name both infer would build
// with a mix of both plugins' options. Each clash is named, so the build target can refuse it.
import { withBuildProblems } from './build-problems';
import type { FileResults } from './each-file';
import type { NormalizedOptions } from './options';

type PluginEntry = string | { plugin: string; options?: unknown };

/** Target names another registered Docker plugin infers, with who infers them. */
export function otherDockerTargets(plugins: PluginEntry[] | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const entry of plugins ?? []) {
    const plugin = typeof entry === 'string' ? entry : entry.plugin;
    const options = (typeof entry === 'string' ? {} : (entry.options ?? {})) as Record<string, unknown>;
    if (plugin === '@nx/docker') {
      for (const [key, fallback] of [
        ['buildTarget', 'docker:build'],
        ['runTarget', 'docker:run'],
      ] as const) {
        const value = options[key];
        const name = typeof value === 'string' ? value : ((value as { name?: string } | undefined)?.name ?? fallback);
        names.set(name, `@nx/docker (its "${key}")`);
      }
    }
  }
  return names;
}

/** `name is also inferred by …` for each of this plugin's target names another plugin infers too. */
export function targetClashes(options: NormalizedOptions, others: Map<string, string>): string[] {
  const ours = [
    options.buildTargetName,
    options.runTargetName,
    options.pushTargetName,
    options.perfTargetName,
    options.lintTargetName,
    options.auditTargetName,
    options.upTargetName,
    options.devTargetName,
  ];
  return ours
    .filter((name) => others.has(name))
    .map(
      (name) =>
        `target "${name}" is also inferred by ${others.get(name)}, and Nx would merge the two targets' options; give this plugin's target another name (e.g. "buildTargetName") or the other plugin's, or limit each plugin to its projects with "include"/"exclude" in nx.json`,
    );
}

/** The inference results with each clash as a problem of every build target: its build fails saying so, the graph still builds. */
export function withClashes(results: FileResults, clashes: string[]): FileResults {
  return clashes.length ? withBuildProblems(results, () => clashes) : results;
}
