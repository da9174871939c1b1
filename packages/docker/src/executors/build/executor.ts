import type { ExecutorContext } from '@nx/devkit';
import { resolve } from 'node:path';
import { buildImage, BuildFailure, summaryLine } from '../../core/image-build';
import { acquireBuildSlot } from '../../core/build-slots';
import { EngineError } from '../../core/engine';
import { removeImageRecord, writeImageRecord } from '../../core/image-record';
import { toBuildInput, type TaskFacts } from './build-input';
import { withUpstreamImages } from './hand-off';
import type { BuildExecutorSchema } from './schema';

export function taskFacts(context: ExecutorContext): TaskFacts {
  const projectName = context.projectName ?? '';
  const project = context.projectsConfigurations?.projects[projectName];
  const taskId = [projectName, context.targetName, context.configurationName].filter(Boolean).join(':');
  const nxHash = process.env.NX_TASK_HASH || context.taskGraph?.tasks[taskId]?.hash;
  if (!nxHash) throw new BuildFailure('No Nx task hash: run this target through Nx (`nx run <project>:docker-build`).');
  return { workspaceRoot: context.root, projectName, projectRoot: project?.root ?? '.', nxHash };
}

export default async function buildExecutor(options: BuildExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const outputDir = resolve(context.root, options.outputPath);
  // Outputs always describe the last run: a failed build must not leave an old record.
  removeImageRecord(outputDir);
  try {
    const input = withUpstreamImages(await toBuildInput(options, taskFacts(context)), context);
    const quiet = options.progress === 'quiet';
    const release = await acquireBuildSlot(options.maxParallelBuilds ?? 0, {
      onWait: () => console.log(`Waiting for a build slot (maxParallelBuilds: ${options.maxParallelBuilds})...`),
    });
    let record;
    try {
      ({ record } = await buildImage(input, { raw: options.progress === 'rawjson', onLine: quiet ? () => undefined : undefined }));
    } finally {
      release();
    }
    writeImageRecord(outputDir, record);
    console.log(summaryLine(record));
    return { success: true };
  } catch (e) {
    if (e instanceof BuildFailure || e instanceof EngineError) {
      console.error(`✖ ${e.message}`);
      return { success: false };
    }
    throw e;
  }
}
