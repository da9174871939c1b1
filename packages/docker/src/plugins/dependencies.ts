// Graph edges from Dockerfiles: an image built FROM (or COPY --from, or a named build
// context of) another project's image depends on that project; so does an image whose
// context reaches into another project's files. The edges drive `nx affected` and the
// `^docker-build` build order.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DependencyType, type CreateDependencies, type RawProjectGraphDependency } from '@nx/devkit';
import { buildReads } from '../core/context';
import { parseDockerfile } from '../core/dockerfile';
import { findIgnoreFile, readIgnore } from '../core/dockerignore';
import { imageOwner, imageUses, pathOwner, projectsUnder, readPaths } from '../core/image-graph';
import type { DockerPluginOptions } from './options';

export interface DockerBuildConfig {
  project: string;
  targetName: string;
  root: string;
  repository: string;
  file: string;
  context: string;
  target?: string;
  buildArgs?: Record<string, string>;
  buildContexts?: Record<string, string>;
  outputPath?: string;
}

/** Every docker-build-like target (executor @org/docker:build) of the workspace. */
export function dockerBuilds(projects: Record<string, { root: string; name?: string; targets?: Record<string, { executor?: string; options?: Record<string, unknown> }> }>): DockerBuildConfig[] {
  const out: DockerBuildConfig[] = [];
  for (const [key, config] of Object.entries(projects)) {
    for (const [targetName, target] of Object.entries(config.targets ?? {})) {
      if (target.executor !== '@org/docker:build' || !target.options) continue;
      const o = target.options;
      out.push({
        project: config.name ?? key,
        targetName,
        root: config.root,
        repository: String(o.image),
        file: String(o.file),
        context: String(o.context ?? config.root),
        target: o.target as string | undefined,
        buildArgs: o.buildArgs as Record<string, string> | undefined,
        buildContexts: o.buildContexts as Record<string, string> | undefined,
        outputPath: o.outputPath as string | undefined,
      });
    }
  }
  return out;
}

export function dockerDependencies(
  builds: DockerBuildConfig[],
  projects: Array<{ project: string; root: string }>,
  workspaceRoot: string,
): RawProjectGraphDependency[] {
  const edges = new Map<string, RawProjectGraphDependency>();
  const add = (source: string, target: string, sourceFile: string) => {
    if (source === target) return;
    edges.set(`${source}->${target}`, { source, target, sourceFile, type: DependencyType.static });
  };
  for (const build of builds) {
    let content: string;
    try {
      content = readFileSync(join(workspaceRoot, build.file), 'utf8');
    } catch {
      continue;
    }
    const model = parseDockerfile(content, { buildArgs: build.buildArgs });
    for (const use of imageUses(model, build.target, build.buildContexts)) {
      const owner = imageOwner(use.ref, builds);
      if (owner) add(build.project, owner.project, build.file);
    }
    const ignore = readIgnore(findIgnoreFile(join(workspaceRoot, build.file), join(workspaceRoot, build.context)));
    const reads = buildReads(model, ignore, { target: build.target, namedContexts: Object.keys(build.buildContexts ?? {}) });
    for (const path of readPaths(reads, posix.normalize(build.context), build.buildContexts)) {
      const owner = pathOwner(path, projects);
      if (owner) add(build.project, owner.project, build.file);
      for (const inner of projectsUnder(path, projects)) add(build.project, inner.project, build.file);
    }
  }
  return [...edges.values()];
}

export const createDependencies: CreateDependencies<DockerPluginOptions> = (_options, context) => {
  const projects = Object.entries(context.projects).map(([key, p]) => ({ project: p.name ?? key, root: p.root }));
  return dockerDependencies(dockerBuilds(context.projects), projects, context.workspaceRoot);
};
