import type { ExecutorContext } from '../../utils/devkit';
import { resolve } from 'node:path';
import { BuildFailure, summaryLine } from '../../core/image-build';
import { EngineError, selectEngine } from '../../core/engine';
import { RecordWriteError, removeImageRecord, writeImageRecord } from '../../core/image-record';
import { trustedUpstream } from '../run/ensure-local';
import { projectVersion, toBuildInput, type TaskFacts } from './build-input';
import { withUpstreamImages } from './hand-off';
import { produceImage } from './produce';
import type { BuildExecutorSchema } from './schema';

/** The task's facts; `hash` when the caller knows it (a batch: one process, many tasks, no NX_TASK_HASH). */
export function taskFacts(context: ExecutorContext, hash?: string): TaskFacts {
  const projectName = context.projectName ?? '';
  const project = context.projectsConfigurations?.projects[projectName];
  const taskId = [projectName, context.targetName, context.configurationName].filter(Boolean).join(':');
  const nxHash = hash ?? (process.env.NX_TASK_HASH || context.taskGraph?.tasks[taskId]?.hash);
  if (!nxHash) throw new BuildFailure('No Nx task hash: run this target through Nx (`nx run <project>:docker-build`).');
  return {
    workspaceRoot: context.root,
    projectName,
    projectRoot: project?.root ?? '.',
    nxHash,
    version: projectVersion(context.root, project?.root ?? '.'),
    defaultBranch: context.nxJsonConfiguration?.defaultBase,
  };
}

/** One docker-build task: its image, its record, its summary line. */
export async function buildOne(options: BuildExecutorSchema, context: ExecutorContext, hash?: string): Promise<{ success: boolean }> {
  const outputDir = resolve(context.root, options.outputPath);
  // Outputs always describe the last run: a failed build must not leave an old record.
  removeImageRecord(outputDir);
  selectEngine(options.engine);
  try {
    // Upstream records are verified like any cached image.json before this build uses them.
    const input = await withUpstreamImages(await toBuildInput(options, taskFacts(context, hash)), context, trustedUpstream(context));
    const record = await produceImage(input, options);
    writeImageRecord(outputDir, record);
    console.log(summaryLine(record));
    return { success: true };
  } catch (e) {
    if (e instanceof BuildFailure || e instanceof EngineError || e instanceof RecordWriteError) {
      console.error(`✖ ${e.message}`);
      return { success: false };
    }
    throw e;
  }
}

export default function buildExecutor(options: BuildExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return buildOne(options, context);
}
