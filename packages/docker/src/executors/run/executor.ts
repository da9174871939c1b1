import type { ExecutorContext } from '@nx/devkit';
import { resolve } from 'node:path';
import execa from 'execa';
import { buildImage, BuildFailure, HASH_LABEL } from '../../core/image-build';
import { EngineError, inspectImage, tagImage } from '../../core/engine';
import { readImageRecord, type ImageRecord } from '../../core/image-record';
import { sanitizeRepository, splitReference } from '../../core/naming';
import { toBuildInput } from '../build/build-input';
import { withUpstreamImages } from '../build/hand-off';
import type { BuildExecutorSchema } from '../build/schema';
import type { RunExecutorSchema } from './schema';

/** Makes sure the recorded image exists in the local engine; returns the reference to run. */
async function ensureLocal(record: ImageRecord, buildOptions: BuildExecutorSchema, context: ExecutorContext): Promise<string> {
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

export default async function runExecutor(options: RunExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName ?? '';
  const buildTarget = options.buildTarget ?? 'docker-build';
  const target = context.projectsConfigurations?.projects[projectName]?.targets?.[buildTarget];
  const buildOptions = target?.options as BuildExecutorSchema | undefined;
  if (!buildOptions) {
    console.error(`✖ ${projectName} has no "${buildTarget}" target with options; set "buildTarget" to the docker-build target to run.`);
    return { success: false };
  }
  const record = readImageRecord(resolve(context.root, buildOptions.outputPath));
  if (!record) {
    console.error(`✖ No image.json in ${buildOptions.outputPath}: run \`nx run ${projectName}:${buildTarget}\` first.`);
    return { success: false };
  }
  let ref: string;
  try {
    ref = await ensureLocal(record, buildOptions, context);
  } catch (e) {
    if (e instanceof BuildFailure || e instanceof EngineError) {
      console.error(`✖ ${e.message}`);
      return { success: false };
    }
    throw e;
  }
  const name = options.name ?? sanitizeRepository(`${projectName}-${buildTarget}`).replace(/\//g, '-');
  const argv = ['run', '--rm', '--name', name, ...(options.detach ? ['--detach'] : [])];
  for (const p of options.ports ?? []) argv.push('--publish', p);
  for (const [k, v] of Object.entries(options.env ?? {})) argv.push('--env', `${k}=${v}`);
  argv.push(...(options.dockerArgs ?? []), ref, ...(options.args ?? []));
  console.log(`Running ${ref} as ${name}${options.ports?.length ? ` (ports ${options.ports.join(', ')})` : ''}`);
  const child = execa('docker', argv, { reject: false, stdio: 'inherit' });
  // Stopping Nx stops the container, not just the CLI attached to it.
  const stop = () => void execa('docker', ['stop', name], { reject: false });
  if (!options.detach) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  const result = await child;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return { success: result.exitCode === 0 };
}
