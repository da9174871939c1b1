// The image graph: which images a Dockerfile builds on (FROM, COPY --from, bind mounts,
// named build contexts) and which other projects' files it copies, and how a downstream
// build is handed the exact upstream image (never whatever `:latest` is in the daemon).
import { posix } from 'node:path';
import type { BuildReads } from './context';
import { neededStages, stageRef, type DockerfileModel } from './dockerfile';
import { splitReference } from './naming';

export interface ImageUse {
  /** The reference as the build resolves it, e.g. `acme/python-base:latest`. */
  ref: string;
  line: number;
  kind: 'FROM' | 'COPY' | 'MOUNT' | 'CONTEXT';
  /** For `FROM ${ARG}`: the ARG that names the image. */
  arg?: string;
}

/** `docker.io/library/python:3` -> `python`; tags and digests dropped. */
export function normalizeRepository(ref: string): string {
  let { repository } = splitReference(ref.replace(/^docker-image:\/\//, ''));
  repository = repository.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
  return repository.toLowerCase();
}

function withoutRegistry(repository: string): string {
  const first = repository.split('/')[0];
  // A first component with a dot, a colon or `localhost` is a registry host.
  return repository.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? repository.slice(first.length + 1) : repository;
}

/** Finds the project whose image a reference names: exact repository, or the same without registry. */
export function imageOwner<T extends { repository: string }>(ref: string, owners: T[]): T | undefined {
  const repo = normalizeRepository(ref);
  return (
    owners.find((o) => normalizeRepository(o.repository) === repo) ??
    owners.find((o) => withoutRegistry(normalizeRepository(o.repository)) === withoutRegistry(repo))
  );
}

/** Every external image the stages of `target` use (stages of the same Dockerfile excluded). */
export function imageUses(model: DockerfileModel, target?: string, buildContexts: Record<string, string> = {}): ImageUse[] {
  const uses: ImageUse[] = [];
  for (const stage of neededStages(model, target)) {
    if (stage.image && !stageRef(model, stage.image, stage.index) && stage.image.toLowerCase() !== 'scratch') {
      const arg = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(stage.rawImage)?.[1];
      uses.push({ ref: stage.image, line: stage.line, kind: 'FROM', arg });
    }
    for (const read of stage.reads) {
      if (read.from === undefined || stageRef(model, read.from, stage.index) || read.from in buildContexts) continue;
      uses.push({ ref: read.from, line: read.line, kind: read.kind === 'MOUNT' ? 'MOUNT' : 'COPY' });
    }
  }
  for (const value of Object.values(buildContexts)) {
    if (value.startsWith('docker-image://')) uses.push({ ref: value.slice('docker-image://'.length), line: 0, kind: 'CONTEXT' });
  }
  return uses;
}

function literalDir(glob: string): string {
  const i = glob.search(/[*?[]/);
  const literal = i < 0 ? glob : glob.slice(0, i);
  return literal.replace(/\/+$/, '');
}

/** Workspace paths a build reads from, as literal prefixes: used to find projects whose files are copied. */
export function readPaths(reads: BuildReads, context: string, buildContexts: Record<string, string> = {}): string[] {
  const base = (dir: string, glob: string) => posix.normalize(posix.join(dir, literalDir(glob)));
  const out = reads.context.include.map((g) => base(context, g));
  for (const [name, globs] of Object.entries(reads.named)) {
    const dir = buildContexts[name];
    if (dir && !/^[a-z][a-z0-9+.-]*:\/\//i.test(dir)) out.push(...globs.map((g) => base(dir, g)));
  }
  return [...new Set(out)];
}

/** The project owning a workspace path: the deepest project root that contains it. */
export function pathOwner<T extends { root: string }>(path: string, projects: T[]): T | undefined {
  let best: T | undefined;
  for (const p of projects) {
    const root = p.root === '.' ? '' : p.root;
    if (root === '' || path === root || path.startsWith(`${root}/`)) {
      if (!best || root.length > (best.root === '.' ? 0 : best.root.length)) best = p;
    }
  }
  return best;
}

/** Projects whose files lie under a read path (the read covers a whole project, e.g. `COPY libs/ ...`). */
export function projectsUnder<T extends { root: string }>(path: string, projects: T[]): T[] {
  if (path === '.' || path === '') return [];
  return projects.filter((p) => p.root !== '.' && p.root.startsWith(`${path}/`));
}

export interface HandOff {
  buildArgs: Record<string, string>;
  buildContexts: Record<string, string>;
}

/**
 * How to point a build at the exact upstream images: an `ARG` that names the FROM image is
 * overridden; any other reference is replaced with a named build context.
 */
export function handOff(uses: ImageUse[], upstream: (ref: string) => string | undefined, explicitArgs: Record<string, string> = {}): HandOff {
  const result: HandOff = { buildArgs: {}, buildContexts: {} };
  for (const use of uses) {
    if (use.kind === 'CONTEXT') continue;
    const exact = upstream(use.ref);
    if (!exact) continue;
    if (use.arg && !(use.arg in explicitArgs)) result.buildArgs[use.arg] = exact;
    else result.buildContexts[use.ref] = `docker-image://${exact}`;
  }
  return result;
}
