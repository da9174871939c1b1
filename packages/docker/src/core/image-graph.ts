// The image graph: which images a Dockerfile builds on (FROM, COPY --from, bind mounts,
// named build contexts) and which other projects' files it copies, and how a downstream
// build is handed the exact upstream image (never whatever `:latest` is in the daemon).
import { normalizeRepository, withoutRegistry } from './image-ref';

/** An external image a build uses (computed by image-uses.ts at planning time). */
export interface ImageUse {
  /** The reference as the build resolves it, e.g. `acme/python-base:latest`. */
  ref: string;
  line: number;
  kind: 'FROM' | 'COPY' | 'MOUNT' | 'CONTEXT';
  /** For `FROM ${ARG}`: the ARG that names the image. */
  arg?: string;
}

/** Finds the project whose image a reference names: exact repository, or the same without registry. */
export function imageOwner<T extends { repository: string }>(ref: string, owners: T[]): T | undefined {
  const repo = normalizeRepository(ref);
  return (
    owners.find((o) => normalizeRepository(o.repository) === repo) ??
    owners.find((o) => withoutRegistry(normalizeRepository(o.repository)) === withoutRegistry(repo))
  );
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
