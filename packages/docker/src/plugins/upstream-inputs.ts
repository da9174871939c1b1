// Which upstream images a build's hash covers. An image built FROM (or COPY --from, or a named
// context of) another project's image changes when that image does, so its task hash includes
// the upstream build's inputs (and, transitively, theirs) through Nx's `{ input, projects }`:
// each build target's inputs are also a named input of its project, named after the target.
//
// Hashing the upstream's inputs rather than its outputs (image.ref) gives a dependent its final
// hash before the upstream has run, which is what batch mode needs: Nx hashes a whole batch up
// front, and a hash that waited for outputs would name the previous upstream image.
import type { BuildPlan } from '../core/build-plan';
import { imageOwner } from '../core/image-graph';
import type { TargetConfiguration } from '../utils/devkit';
import type { FileResults } from './each-file';

type Input = NonNullable<TargetConfiguration['inputs']>[number];

interface Build {
  project: string;
  target: string;
  repository: string;
  plans: BuildPlan[];
}

function plansOf(t: TargetConfiguration): BuildPlan[] {
  const configured = Object.values(t.configurations ?? {}).map((c) => (c as { plan?: BuildPlan } | undefined)?.plan);
  return [t.options?.plan as BuildPlan | undefined, ...configured].filter((p): p is BuildPlan => !!p);
}

/** Every build upstream of `build`, transitively, never itself. */
export function upstreamBuilds(build: Build, builds: Build[]): Build[] {
  const seen = new Map<string, Build>();
  const visit = (b: Build) => {
    for (const plan of b.plans)
      for (const use of plan.uses) {
        if (use.kind === 'CONTEXT') continue;
        const owner = imageOwner(use.ref, builds);
        const key = owner && `${owner.project}:${owner.target}`;
        if (!owner || !key || seen.has(key) || (owner.project === build.project && owner.target === build.target)) continue;
        seen.set(key, owner);
        visit(owner);
      }
  };
  visit(build);
  return [...seen.values()];
}

/** Nx inputs for the upstream builds: one `{ input, projects }` per upstream target name. */
export function upstreamInputs(upstream: Build[]): Input[] {
  const byTarget = new Map<string, string[]>();
  for (const u of upstream) byTarget.set(u.target, [...(byTarget.get(u.target) ?? []), u.project]);
  return [...byTarget.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([input, projects]) => ({ input, projects: [...new Set(projects)].sort() }));
}

/**
 * The results with each build target's inputs extended by its upstream builds' inputs.
 * `projectNames` maps a project root to the name inference gave it. Cached results are never
 * changed: the inputs go on copies of the targets.
 */
export function withUpstreamInputs(results: FileResults, projectNames: Map<string, string>): FileResults {
  const builds: Build[] = [];
  for (const [, r] of results)
    for (const [root, p] of Object.entries(r.projects ?? {}))
      for (const [target, t] of Object.entries(p.targets ?? {}))
        if (t.executor === '@org/docker:build' && t.options?.plan)
          builds.push({ project: projectNames.get(root) ?? root, target, repository: String(t.options.image), plans: plansOf(t) });
  const byTask = new Map(builds.map((b) => [`${b.project}\0${b.target}`, b]));
  return results.map(([file, r]) => {
    const projects = Object.fromEntries(
      Object.entries(r.projects ?? {}).map(([root, p]) => {
        const targets = Object.fromEntries(
          Object.entries(p.targets ?? {}).map(([name, t]) => {
            const project = projectNames.get(root) ?? root;
            const build = byTask.get(`${project}\0${name}`);
            const extra = build ? upstreamInputs(upstreamBuilds(build, builds)) : [];
            return [name, extra.length ? { ...t, inputs: [...(t.inputs ?? []), ...extra] } : t];
          }),
        );
        return [root, { ...p, targets }];
      }),
    );
    return [file, { ...r, projects }] as const;
  });
}
