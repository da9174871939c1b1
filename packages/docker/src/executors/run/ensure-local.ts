// The image a docker-build target recorded, checked before anything uses it, and brought
// into the local engine on demand. Shared by docker-run, docker-up, docker-push and the
// upstream hand-off of dependent builds.
//
// image.json may come from a (remote) cache, so it is evidence, not truth: a pushed image
// must exist in the registry under the recorded digest and carry the Nx hash of the task
// that produced the record; otherwise it is rebuilt, and the record with it.
import { readTargetOptions, type ExecutorContext } from '../../utils/devkit';
import { resolve } from 'node:path';
import execa from 'execa';
import { BuildFailure, HASH_LABEL } from '../../core/image-build';
import { inspectImage, tagImage } from '../../core/engine';
import { readImageRecord, writeImageRecord, type ImageRecord } from '../../core/image-record';
import { contentTag, splitReference } from '../../core/naming';
import { distrustReason } from '../../core/registry';
import { toBuildInput } from '../build/build-input';
import { withUpstreamImages, type UpstreamRecord } from '../build/hand-off';
import { produceImage } from '../build/produce';
import type { BuildExecutorSchema } from '../build/schema';

export interface RecordedBuild {
  buildOptions: BuildExecutorSchema;
  record: ImageRecord;
}

/** The task id and configuration Nx runs `target` of `project` with, in this run. */
function buildTask(context: ExecutorContext, project: string, target: string): { id: string; configuration?: string } {
  const configurations = context.projectsConfigurations?.projects[project]?.targets?.[target]?.configurations ?? {};
  const configuration = context.configurationName && context.configurationName in configurations ? context.configurationName : undefined;
  return { id: [project, target, configuration].filter(Boolean).join(':'), configuration };
}

/** Build options (with this run's configuration) and the image.json of a project's build target, or what is missing. */
export function recordedBuild(context: ExecutorContext, buildTarget: string, project = context.projectName ?? ''): RecordedBuild | { error: string } {
  const target = context.projectsConfigurations?.projects[project]?.targets?.[buildTarget];
  if (!target?.options) return { error: `${project} has no "${buildTarget}" target with options; set "buildTarget" to the docker-build target to use.` };
  const { configuration } = buildTask(context, project, buildTarget);
  const buildOptions = readTargetOptions<BuildExecutorSchema>({ project, target: buildTarget, configuration }, context);
  const record = readImageRecord(resolve(context.root, buildOptions.outputPath));
  if (!record) return { error: `No image.json in ${buildOptions.outputPath}: run \`nx run ${project}:${buildTarget}\` first.` };
  return { buildOptions, record };
}

/**
 * Rebuilds a project's image as its build target would, with `nxHash`. `local` loads it into
 * this engine under `repository` (no push) and leaves image.json alone; otherwise the build
 * runs as configured (push, registry reuse) and image.json is rewritten.
 */
async function rebuild(
  context: ExecutorContext,
  project: string,
  buildOptions: BuildExecutorSchema,
  nxHash: string,
  local?: { repository: string },
): Promise<ImageRecord> {
  const options = local ? { ...buildOptions, push: false, load: true, platforms: undefined, skipExisting: false, registryCache: false } : buildOptions;
  const input = await toBuildInput(options, {
    workspaceRoot: context.root,
    projectName: project,
    projectRoot: context.projectsConfigurations?.projects[project]?.root ?? '.',
    nxHash,
    defaultBranch: context.nxJsonConfiguration?.defaultBase,
  });
  if (local) input.repository = local.repository;
  // The same exact upstream images as the recorded build, verified like this one.
  const record = await produceImage(await withUpstreamImages(input, context, trustedUpstream(context)), options);
  if (!local) writeImageRecord(resolve(context.root, buildOptions.outputPath), record);
  return record;
}

/**
 * The recorded build of `project`, verified: the hash must be the one Nx computed for the
 * build task in this run, and a pushed image must be in the registry with that hash. On a
 * mismatch the image is rebuilt (and pushed, as configured) and image.json rewritten.
 */
export async function trustedBuild(
  context: ExecutorContext,
  buildTarget: string,
  project = context.projectName ?? '',
): Promise<RecordedBuild | { error: string }> {
  const found = recordedBuild(context, buildTarget, project);
  if ('error' in found) return found;
  const { buildOptions, record } = found;
  const expected = context.taskGraph?.tasks[buildTask(context, project, buildTarget).id]?.hash ?? record.nxHash;
  const { repository } = splitReference(record.contentTag);
  let reason: string | undefined;
  if (record.nxHash !== expected || record.contentTag !== `${repository}:${contentTag(expected)}`) {
    reason = `it names Nx hash ${record.nxHash} (${record.contentTag}), but this run's ${project}:${buildTarget} task has hash ${expected}`;
  } else if (record.pushed) {
    reason = await distrustReason(repository, record.digest, expected);
  }
  if (!reason) return found;
  console.warn(`⚠ ${buildOptions.outputPath}/image.json (restored from the Nx cache) cannot be trusted: ${reason}. Rebuilding ${project} from source.`);
  // One piece of cached evidence was wrong: take no registry shortcut for this image either.
  const rebuilt = await rebuild(context, project, { ...buildOptions, skipExisting: false }, expected, record.pushed ? undefined : { repository });
  return { buildOptions, record: rebuilt };
}

/** Upstream records for a build's hand-off, each verified by `trustedBuild` first. */
export function trustedUpstream(context: ExecutorContext): UpstreamRecord {
  return async (project, target) => {
    const found = await trustedBuild(context, target, project);
    return 'error' in found ? undefined : found.record;
  };
}

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
  const rebuilt = await rebuild(context, context.projectName ?? '', buildOptions, record.nxHash, { repository: splitReference(record.contentTag).repository });
  if (rebuilt.contentTag !== record.contentTag) throw new BuildFailure(`Rebuilt ${rebuilt.contentTag}, expected ${record.contentTag}.`);
  return record.contentTag;
}
