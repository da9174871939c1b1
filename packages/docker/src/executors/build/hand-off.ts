// Hands a build the exact images of the projects it builds on: the content tag each
// upstream docker-build recorded in its image.json (restored by Nx even on a cache hit),
// pinned to the pushed digest when there is one.
import type { ExecutorContext } from '../../utils/devkit';
import { relative, resolve } from 'node:path';
import type { ImageBuildInput } from '../../core/image-build';
import { handOff, imageOwner, type HandOff } from '../../core/image-graph';
import { readImageRecord, type ImageRecord } from '../../core/image-record';
import { plannedBuilds } from '../../plugins/dependencies';

/** The (verified) record of an upstream project's build target; plain image.json when not given. */
export type UpstreamRecord = (project: string, buildTarget: string, outputPath: string) => Promise<ImageRecord | undefined>;

const readRecord: UpstreamRecord = async (_p, _t, outputPath) => readImageRecord(outputPath);

export async function upstreamHandOff(input: ImageBuildInput, context: ExecutorContext, upstreamRecord: UpstreamRecord = readRecord): Promise<HandOff> {
  // The images this build uses come from its plan; which project builds each, from theirs.
  const builds = plannedBuilds(context.projectsConfigurations?.projects ?? {}).filter((b) => b.plans[0]?.dockerfile !== input.plan.dockerfile);
  if (!builds.length) return { buildArgs: {}, buildContexts: {} };
  const uses = input.plan.uses;
  const exact = new Map<string, string>();
  for (const use of uses) {
    const owner = use.kind === 'CONTEXT' ? undefined : imageOwner(use.ref, builds);
    if (!owner?.outputPath || exact.has(use.ref)) continue;
    const record = await upstreamRecord(owner.project, owner.targetName, resolve(context.root, owner.outputPath));
    if (!record) {
      console.warn(
        `${relative(context.root, input.dockerfile)} uses ${use.ref} (project ${owner.project}), which has no image.json yet; building against the engine's ${use.ref}.`,
      );
      continue;
    }
    // By digest when pushed: the registry then cannot hand over anything else under the tag.
    exact.set(use.ref, record.pushed && record.digest ? `${record.contentTag}@${record.digest}` : record.contentTag);
  }
  const result = handOff(uses, (ref) => exact.get(ref), input.buildArgs);
  for (const [arg, ref] of Object.entries(result.buildArgs)) console.log(`Upstream image: ${arg}=${ref}`);
  for (const [name, ref] of Object.entries(result.buildContexts)) console.log(`Upstream image: ${name} -> ${ref}`);
  return result;
}

/** The build input with upstream images handed over; explicit build contexts win. */
export async function withUpstreamImages(input: ImageBuildInput, context: ExecutorContext, upstreamRecord?: UpstreamRecord): Promise<ImageBuildInput> {
  const h = await upstreamHandOff(input, context, upstreamRecord);
  return { ...input, buildArgs: { ...input.buildArgs, ...h.buildArgs }, buildContexts: { ...h.buildContexts, ...input.buildContexts } };
}
