// docker-up / docker-dev: one compose service, in the foreground until Nx stops it.
import type { ExecutorContext } from '../../utils/devkit';
import { resolve } from 'node:path';
import { EngineError, spawnEngine, tagImage } from '../../core/engine';
import { dockerOnly } from '../docker-only';
import { BuildFailure } from '../../core/image-build';
import { ensureLocal, trustedBuild } from '../run/ensure-local';
import type { ComposeExecutorSchema } from './schema';

function fileArgs(options: ComposeExecutorSchema, workspaceRoot: string): string[] {
  return options.files.flatMap((f) => ['-f', resolve(workspaceRoot, f)]);
}

export function composeArgv(options: ComposeExecutorSchema, workspaceRoot: string): string[] {
  const files = fileArgs(options, workspaceRoot);
  const mode = options.build ? ['--build'] : ['--no-build', '--pull', 'never'];
  return ['compose', ...files, 'up', ...mode, ...(options.detach ? ['--wait'] : []), options.service];
}

export default async function composeExecutor(options: ComposeExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const refused = dockerOnly(
    options.engine,
    `${context.targetName ?? 'docker-up'} runs \`docker compose\`, which`,
    'Run the service with docker-run (it runs under Podman)',
  );
  if (refused) return refused;
  const env: Record<string, string> = {};
  if (options.buildTarget) {
    try {
      const found = await trustedBuild(context, options.buildTarget);
      if ('error' in found) {
        console.error(`✖ ${found.error}`);
        return { success: false };
      }
      const ref = await ensureLocal(found.record, found.buildOptions, context);
      // The exact image Nx built, never whatever `latest` happens to be.
      if (options.imageEnv) env[options.imageEnv] = ref;
      else if (options.image) await tagImage(ref, options.image);
      console.log(`Service ${options.service} runs ${ref}.`);
    } catch (e) {
      if (e instanceof BuildFailure || e instanceof EngineError) {
        console.error(`✖ ${e.message}`);
        return { success: false };
      }
      throw e;
    }
  }
  const files = fileArgs(options, context.root);
  const child = spawnEngine(composeArgv(options, context.root), { cwd: context.root, env, stdio: 'inherit' });
  // Stopping Nx stops the service, not just the CLI attached to it.
  const stop = () => void spawnEngine(['compose', ...files, 'stop', options.service], { cwd: context.root });
  if (!options.detach) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  const result = await child;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return { success: result.exitCode === 0 };
}
