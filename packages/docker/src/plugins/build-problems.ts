// Problems found across the results of one inference run (two builds of one repository, a
// target name another plugin infers too), put on the build targets they concern: the build
// fails saying so, the graph still builds, and the cached results are never changed (the
// problems go on copies of the targets).
import type { BuildPlan } from '../core/build-plan';
import type { TargetConfiguration } from '../utils/devkit';
import type { FileResults } from './each-file';

/** Each `@org/docker:build` target with the messages `problemsOf` gives it added to its plan's problems (line 1). */
export function withBuildProblems(
  results: FileResults,
  problemsOf: (projectRoot: string, targetName: string, target: TargetConfiguration) => string[],
): FileResults {
  return results.map(([file, r]) => {
    const projects = Object.fromEntries(
      Object.entries(r.projects ?? {}).map(([root, p]) => {
        const targets = Object.fromEntries(
          Object.entries(p.targets ?? {}).map(([name, t]) => {
            const plan = t.options?.plan as BuildPlan | undefined;
            const messages = t.executor === '@org/docker:build' && plan ? problemsOf(root, name, t) : [];
            if (!plan || !messages.length) return [name, t];
            return [
              name,
              { ...t, options: { ...t.options, plan: { ...plan, problems: [...plan.problems, ...messages.map((message) => ({ line: 1, message }))] } } },
            ];
          }),
        );
        return [root, { ...p, targets }];
      }),
    );
    return [file, { ...r, projects }] as const;
  });
}
