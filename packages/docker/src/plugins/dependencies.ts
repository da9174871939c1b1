// Graph edges from Dockerfiles: an image built FROM (or COPY --from, or a named build
// context of) another project's image depends on that project; so does an image whose
// context reaches into another project's files. The edges drive `nx affected` and the
// `^docker-build` build order.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DependencyType, type CreateDependencies, type RawProjectGraphDependency } from '../utils/devkit';
import { buildReads } from '../core/context';
import { parseDockerfile } from '../core/dockerfile';
import { findIgnoreFile, readIgnore } from '../core/dockerignore';
import { imageOwner, imageUses, pathOwner, projectsUnder, readPaths } from '../core/image-graph';
import { InferenceCache } from './inference-cache';
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
export function dockerBuilds(
  projects: Record<string, { root: string; name?: string; targets?: Record<string, { executor?: string; options?: Record<string, unknown> }> }>,
): DockerBuildConfig[] {
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

/** What one Dockerfile refers to: image references, and workspace paths its context reads. */
interface BuildRefs {
  uses: string[];
  paths: string[];
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function buildRefs(build: DockerBuildConfig, content: string, workspaceRoot: string, ignoreFile: string | undefined): BuildRefs {
  const model = parseDockerfile(content, { buildArgs: build.buildArgs });
  const uses = imageUses(model, build.target, build.buildContexts).map((u) => u.ref);
  const reads = buildReads(model, readIgnore(ignoreFile), { target: build.target, namedContexts: Object.keys(build.buildContexts ?? {}) });
  return { uses, paths: readPaths(reads, posix.normalize(build.context), build.buildContexts) };
}

export function dockerDependencies(
  builds: DockerBuildConfig[],
  projects: Array<{ project: string; root: string }>,
  workspaceRoot: string,
  cache?: InferenceCache<BuildRefs>,
): RawProjectGraphDependency[] {
  const edges = new Map<string, RawProjectGraphDependency>();
  const add = (source: string, target: string, sourceFile: string) => {
    if (source === target) return;
    edges.set(`${source}->${target}`, { source, target, sourceFile, type: DependencyType.static });
  };
  for (const build of builds) {
    const content = readText(join(workspaceRoot, build.file));
    if (content === undefined) continue;
    const ignoreFile = findIgnoreFile(join(workspaceRoot, build.file), join(workspaceRoot, build.context));
    // Parsing is the cost; which projects own the references is cheap and always recomputed.
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          DEPS_VERSION,
          build.file,
          build.context,
          build.target,
          build.buildArgs,
          build.buildContexts,
          content,
          ignoreFile ? readText(ignoreFile) : null,
        ]),
      )
      .digest('hex');
    let refs = cache?.get(key);
    if (!refs) {
      refs = buildRefs(build, content, workspaceRoot, ignoreFile);
      cache?.set(key, refs);
    }
    for (const ref of refs.uses) {
      const owner = imageOwner(ref, builds);
      if (owner) add(build.project, owner.project, build.file);
    }
    for (const path of refs.paths) {
      const owner = pathOwner(path, projects);
      if (owner) add(build.project, owner.project, build.file);
      for (const inner of projectsUnder(path, projects)) add(build.project, inner.project, build.file);
    }
  }
  return [...edges.values()];
}

const DEPS_VERSION = '1';

export const createDependencies: CreateDependencies<DockerPluginOptions> = (_options, context) => {
  const projects = Object.entries(context.projects).map(([key, p]) => ({ project: p.name ?? key, root: p.root }));
  const cache = new InferenceCache<BuildRefs>(`org-docker-deps-${DEPS_VERSION}.json`);
  try {
    return dockerDependencies(dockerBuilds(context.projects), projects, context.workspaceRoot, cache);
  } finally {
    cache.save();
  }
};
