// Hands a build the exact images of the projects it builds on: the content tag each
// upstream docker-build recorded in its image.json (restored by Nx even on a cache hit).
import type { ExecutorContext } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseDockerfile } from '../../core/dockerfile';
import type { ImageBuildInput } from '../../core/image-build';
import { handOff, imageOwner, imageUses, type HandOff } from '../../core/image-graph';
import { readImageRecord } from '../../core/image-record';
import { dockerBuilds } from '../../plugins/dependencies';

export function upstreamHandOff(input: ImageBuildInput, context: ExecutorContext): HandOff {
  const builds = dockerBuilds(context.projectsConfigurations?.projects ?? {}).filter(
    (b) => resolve(context.root, b.file) !== input.dockerfile,
  );
  if (!builds.length) return { buildArgs: {}, buildContexts: {} };
  let content: string;
  try {
    content = readFileSync(input.dockerfile, 'utf8');
  } catch {
    return { buildArgs: {}, buildContexts: {} };
  }
  const model = parseDockerfile(content, { buildArgs: input.buildArgs });
  const uses = imageUses(model, input.target, input.buildContexts);
  const result = handOff(
    uses,
    (ref) => {
      const owner = imageOwner(ref, builds);
      if (!owner?.outputPath) return undefined;
      const record = readImageRecord(resolve(context.root, owner.outputPath));
      if (!record) console.warn(`${relative(context.root, input.dockerfile)} uses ${ref} (project ${owner.project}), which has no image.json yet; building against the engine's ${ref}.`);
      return record?.contentTag;
    },
    input.buildArgs,
  );
  for (const [arg, ref] of Object.entries(result.buildArgs)) console.log(`Upstream image: ${arg}=${ref}`);
  for (const [name, ref] of Object.entries(result.buildContexts)) console.log(`Upstream image: ${name} -> ${ref}`);
  return result;
}

/** The build input with upstream images handed over; explicit build contexts win. */
export function withUpstreamImages(input: ImageBuildInput, context: ExecutorContext): ImageBuildInput {
  const h = upstreamHandOff(input, context);
  return { ...input, buildArgs: { ...input.buildArgs, ...h.buildArgs }, buildContexts: { ...h.buildContexts, ...input.buildContexts } };
}
