// Brings a recorded image back into the local engine when it is missing: pulled by digest
// when it was pushed, otherwise rebuilt from BuildKit's cache with the same content tag and
// the same upstream images. Shared by docker-run and docker-up.
import type { ExecutorContext } from '@nx/devkit';
import { resolve } from 'node:path';
import execa from 'execa';
import { buildImage, HASH_LABEL } from '../../core/image-build';
import { inspectImage, tagImage } from '../../core/engine';
import { readImageRecord, type ImageRecord } from '../../core/image-record';
import { splitReference } from '../../core/naming';
import { toBuildInput } from '../build/build-input';
import { withUpstreamImages } from '../build/hand-off';
import type { BuildExecutorSchema } from '../build/schema';

/** Makes sure the recorded image exists in the local engine; returns the reference to run. */
export async function ensureLocal(record: ImageRecord, buildOptions: BuildExecutorSchema, context: ExecutorContext): Promise<string> {
  const local = await inspectImage(record.contentTag);
  if (local?.Config?.Labels?.[HASH_LABEL] === record.nxHash) return record.contentTag;
  if (record.pushed && record.digest) {
    const { repository } = splitReference(record.contentTag);
    const byDigest = `${repository}@${record.digest}`;
    console.log(`Image ${record.contentTag} is not in the local engine; pulling ${byDigest}.`);
    const pulled = await execa('docker', ['pull', byDigest], { reject: false, stdio: 'inherit' });
    if (pulled.exitCode === 0) {
      await tagImage(byDigest, record.contentTag);
      return record.contentTag;
    }
    console.warn(`Pull failed; rebuilding from BuildKit's cache instead.`);
  }
  console.log(`Image ${record.contentTag} is not in the local engine; rebuilding it from BuildKit's cache.`);
  const projectName = context.projectName ?? '';
  const input = await toBuildInput(
    { ...buildOptions, push: false, load: true, platforms: undefined },
    { workspaceRoot: context.root, projectName, projectRoot: context.projectsConfigurations?.projects[projectName]?.root ?? '.', nxHash: record.nxHash },
  );
  // The same exact upstream images as the recorded build.
  await buildImage(withUpstreamImages(input, context));
  return record.contentTag;
}

/** The build options and image record of a project's docker-build target, or what is missing. */
export function recordedBuild(
  context: ExecutorContext,
  buildTarget: string,
): { buildOptions: BuildExecutorSchema; record: ImageRecord } | { error: string } {
  const projectName = context.projectName ?? '';
  const target = context.projectsConfigurations?.projects[projectName]?.targets?.[buildTarget];
  const buildOptions = target?.options as BuildExecutorSchema | undefined;
  if (!buildOptions) return { error: `${projectName} has no "${buildTarget}" target with options; set "buildTarget" to the docker-build target to run.` };
  const record = readImageRecord(resolve(context.root, buildOptions.outputPath));
  if (!record) return { error: `No image.json in ${buildOptions.outputPath}: run \`nx run ${projectName}:${buildTarget}\` first.` };
  return { buildOptions, record };
}
