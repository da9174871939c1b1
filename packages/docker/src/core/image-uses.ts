// What a planned build uses and reads beyond its own stages: external images (FROM, COPY
// --from, bind mounts, named image contexts, with ARGs resolved) and the workspace paths its
// contexts reach. Planning-time only: it needs the parsed Dockerfile.
import { posix } from 'node:path';
import type { BuildReads } from './context';
import { neededStages, stageRef, type DockerfileModel } from './dockerfile';
import type { ImageUse } from './image-graph';

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
