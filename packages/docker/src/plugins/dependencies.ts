// Graph edges from the build plans inference put on each docker-build target: an image built
// FROM (or COPY --from, or a named build context of) another project's image depends on that
// project; so does an image whose context reaches into another project's files. A pure
// function of the projects' plans: no file is read and nothing is parsed here.
import type { BuildPlan } from '../core/build-plan';
import { imageOwner, pathOwner, projectsUnder } from '../core/image-graph';
import type { CreateDependencies, RawProjectGraphDependency } from '../utils/devkit';
import type { DockerPluginOptions } from './options';

/** A docker-build target of the workspace, with the plans inference computed for it. */
export interface PlannedBuild {
  project: string;
  targetName: string;
  root: string;
  /** The image repository it builds (option `image`). */
  repository: string;
  outputPath?: string;
  /** The plan of the default options, then of each configuration that reads differently. */
  plans: BuildPlan[];
}

interface ProjectLike {
  root: string;
  name?: string;
  targets?: Record<string, { executor?: string; options?: Record<string, unknown>; configurations?: Record<string, Record<string, unknown> | undefined> }>;
}

// DependencyType.static, without loading Nx's devkit at run time: the build executor's task
// process imports plannedBuilds, and devkit-exports costs it about 0.3 s.
const STATIC = 'static' as RawProjectGraphDependency['type'];

/** Every target run by @org/docker:build, with its plans (none for a hand-written target without one). */
export function plannedBuilds(projects: Record<string, ProjectLike>): PlannedBuild[] {
  const out: PlannedBuild[] = [];
  for (const [key, config] of Object.entries(projects)) {
    for (const [targetName, target] of Object.entries(config.targets ?? {})) {
      if (target.executor !== '@org/docker:build' || !target.options) continue;
      const plans = [target.options.plan, ...Object.values(target.configurations ?? {}).map((c) => c?.plan)].filter(Boolean) as BuildPlan[];
      out.push({
        project: config.name ?? key,
        targetName,
        root: config.root,
        repository: String(target.options.image),
        outputPath: target.options.outputPath as string | undefined,
        plans,
      });
    }
  }
  return out;
}

export function dockerDependencies(builds: PlannedBuild[], projects: Array<{ project: string; root: string }>): RawProjectGraphDependency[] {
  const edges = new Map<string, RawProjectGraphDependency>();
  const add = (source: string, target: string, sourceFile: string) => {
    if (source !== target) edges.set(`${source}->${target}`, { source, target, sourceFile, type: STATIC });
  };
  for (const build of builds) {
    for (const plan of build.plans) {
      for (const use of plan.uses) {
        const owner = imageOwner(use.ref, builds);
        if (owner) add(build.project, owner.project, plan.dockerfile);
      }
      for (const path of plan.readPaths) {
        const owner = pathOwner(path, projects);
        if (owner) add(build.project, owner.project, plan.dockerfile);
        for (const inner of projectsUnder(path, projects)) add(build.project, inner.project, plan.dockerfile);
      }
    }
  }
  return [...edges.values()];
}

export const createDependencies: CreateDependencies<DockerPluginOptions> = (_options, context) => {
  const projects = Object.entries(context.projects).map(([key, p]) => ({ project: p.name ?? key, root: p.root }));
  return dockerDependencies(plannedBuilds(context.projects), projects);
};
