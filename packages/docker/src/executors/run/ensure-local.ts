// The image a docker-build target recorded, checked before anything uses it, and brought
// into the local engine on demand. Shared by docker-run, docker-up, docker-push and the
// upstream hand-off of dependent builds.
//
// image.json may come from a (remote) cache, so it is evidence, not truth: a pushed image
// must exist in the registry under the recorded digest and carry the Nx hash of the task
// that produced the record; otherwise it is rebuilt, and the record with it.
import type { ExecutorContext } from '../../utils/devkit';
import { readTargetOptions } from '../../utils/target-options';
import { resolve } from 'node:path';
import { BuildFailure, HASH_LABEL } from '../../core/image-build';
import { inspectImage, spawnEngine, tagImage, transferArgv } from '../../core/engine';
import { readImageRecord, type ImageRecord } from '../../core/image-record';
import { splitReference } from '../../core/image-ref';
import { contentTag } from '../../core/naming';
import { distrustReason } from '../../core/registry';
import { signatureProblem } from '../../core/signature';
import { signingKeys } from '../build/signing';
import { targetRepository, toBuildInput } from '../build/build-input';
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
 * Rebuilds a project's image into this engine as its build target would, with `nxHash`, under
 * `repository` (no push, no registry shortcut). Never writes image.json: only the build task
 * writes its outputs, so a record other tasks distrust or miss stays exactly as Nx cached it.
 */
async function rebuildLocally(
  context: ExecutorContext,
  project: string,
  buildOptions: BuildExecutorSchema,
  nxHash: string,
  repository: string,
): Promise<ImageRecord> {
  const options: BuildExecutorSchema = { ...buildOptions, push: false, load: true, platforms: undefined, skipExisting: false, registryCache: false };
  const input = await toBuildInput(options, {
    workspaceRoot: context.root,
    projectName: project,
    projectRoot: context.projectsConfigurations?.projects[project]?.root ?? '.',
    nxHash,
    defaultBranch: context.nxJsonConfiguration?.defaultBase,
  });
  input.repository = repository;
  // The same exact upstream images as the recorded build, verified like this one.
  return produceImage(await withUpstreamImages(input, context, trustedUpstream(context)), options);
}

export interface TrustOptions {
  /**
   * What to do with a record that cannot be trusted: rebuild the image into the local engine
   * (run, up, audit, a dependent build), or fail naming the task to re-run (promotion, which
   * needs the registry's copy).
   */
  onDistrust: 'rebuild-locally' | 'fail';
}

/**
 * The recorded build of `project`, verified against this run, never against itself: the record
 * must name the hash Nx computed for the build task now, in the repository this run's options
 * give (never one the record names), and a pushed image must be in that repository under the
 * recorded digest with that hash.
 */
export async function trustedBuild(
  context: ExecutorContext,
  buildTarget: string,
  project = context.projectName ?? '',
  trust: TrustOptions = { onDistrust: 'rebuild-locally' },
): Promise<RecordedBuild | { error: string }> {
  const found = recordedBuild(context, buildTarget, project);
  if ('error' in found) return found;
  const { buildOptions, record } = found;
  const task = buildTask(context, project, buildTarget);
  let repository: string;
  try {
    repository = targetRepository(buildOptions);
  } catch (e) {
    return { error: (e as Error).message };
  }
  const where = `${buildOptions.outputPath}/image.json`;
  // The hash Nx computed for the build task in this run. Some Nx versions (23.3+) give a
  // continuous task's executor a task graph without its dependencies' hashes: then nothing can
  // be compared with this run, and the record is never called verified.
  const known = context.taskGraph?.tasks[task.id]?.hash;
  if (!known && trust.onDistrust === 'fail') {
    return {
      error: `${task.id}'s hash in this run is not known to this task, so ${where} cannot be verified; run \`nx run ${task.id}\` in the same command (without --excludeTaskDependencies).`,
    };
  }
  if (!known)
    console.warn(
      `⚠ ${task.id}'s hash in this run is not known to this task: ${where} is used unverified (its repository and registry copy are still checked).`,
    );
  const expected = known ?? record.nxHash;
  const expectedTag = `${repository}:${contentTag(expected)}`;
  let reason: string | undefined;
  if (record.nxHash !== expected || record.contentTag !== expectedTag) {
    reason = `it names ${record.contentTag} (Nx hash ${record.nxHash}), but this run's ${task.id} is ${expectedTag}`;
  } else if (record.pushed) {
    reason = await distrustReason(repository, record.digest, expected);
    // A label is set by whoever pushes; the signature only by a runner with the private key.
    const signing = reason || !record.digest ? undefined : signingKeys(buildOptions, context.root);
    if (signing && record.digest) reason = await signatureProblem(repository, record.digest, expected, signing.publicKey);
  }
  if (!reason) return found;
  if (trust.onDistrust === 'fail') {
    return { error: `${where} cannot be trusted: ${reason}. Rebuild it without the cache: \`nx run ${task.id} --skip-nx-cache\`.` };
  }
  console.warn(`⚠ ${where} cannot be trusted: ${reason}. Rebuilding ${expectedTag} into the local engine (the record is left as Nx cached it).`);
  const rebuilt = await rebuildLocally(context, project, buildOptions, expected, repository);
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
    const pulled = await spawnEngine(transferArgv('pull', byDigest), { stdio: 'inherit' });
    if (pulled.exitCode === 0) {
      await tagImage(byDigest, record.contentTag);
      return record.contentTag;
    }
    console.warn(`Pull failed; rebuilding from BuildKit's cache instead.`);
  }
  console.log(`Image ${record.contentTag} is not in the local engine; rebuilding it from BuildKit's cache.`);
  const rebuilt = await rebuildLocally(context, context.projectName ?? '', buildOptions, record.nxHash, splitReference(record.contentTag).repository);
  if (rebuilt.contentTag !== record.contentTag) throw new BuildFailure(`Rebuilt ${rebuilt.contentTag}, expected ${record.contentTag}.`);
  return record.contentTag;
}
