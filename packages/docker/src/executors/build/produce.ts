// One image for a build target: the registry's copy of this exact build when allowed
// (skipExisting), else a build within a build slot. Shared by docker-build and rebuilds.
import { buildImage, findInRegistry, type ImageBuildInput } from '../../core/image-build';
import { acquireBuildSlot } from '../../core/build-slots';
import type { ImageRecord } from '../../core/image-record';
import type { BuildExecutorSchema } from './schema';

/** Reuses the registry's copy of this exact build when allowed, else builds (within a build slot). */
export async function produceImage(input: ImageBuildInput, options: BuildExecutorSchema): Promise<ImageRecord> {
  if (options.push && options.skipExisting) {
    const existing = await findInRegistry(input);
    if (existing) {
      console.log(`${existing.contentTag} is already in the registry (${existing.digest}); nothing to build.`);
      return existing;
    }
  }
  const release = await acquireBuildSlot(options.maxParallelBuilds ?? 0, {
    onWait: () => console.log(`Waiting for a build slot (maxParallelBuilds: ${options.maxParallelBuilds})...`),
  });
  try {
    const quiet = options.progress === 'quiet';
    const { record } = await buildImage(input, { raw: options.progress === 'rawjson', onLine: quiet ? () => undefined : undefined });
    return record;
  } finally {
    release();
  }
}
