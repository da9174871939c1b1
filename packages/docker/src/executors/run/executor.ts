import type { ExecutorContext } from '../../utils/devkit';
import { BuildFailure } from '../../core/image-build';
import { EngineError, engineKind, selectEngine, spawnEngine } from '../../core/engine';
import { sanitizeRepository } from '../../core/naming';
import { ensureLocal, trustedBuild } from './ensure-local';
import { publishSpec } from './ports';
import { runExitMessage } from './run-exit';
import type { RunExecutorSchema } from './schema';

export default async function runExecutor(options: RunExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  selectEngine(options.engine);
  const projectName = context.projectName ?? '';
  const buildTarget = options.buildTarget ?? 'docker-build';
  let ref: string;
  try {
    const found = await trustedBuild(context, buildTarget);
    if ('error' in found) {
      console.error(`✖ ${found.error}`);
      return { success: false };
    }
    ref = await ensureLocal(found.record, found.buildOptions, context);
  } catch (e) {
    if (e instanceof BuildFailure || e instanceof EngineError) {
      console.error(`✖ ${e.message}`);
      return { success: false };
    }
    throw e;
  }
  const name = options.name ?? sanitizeRepository(`${projectName}-${context.targetName ?? 'docker-run'}`).replace(/\//g, '-');
  const argv = ['run', '--rm', '--name', name, ...(options.detach ? ['--detach'] : [])];
  const ports = (options.ports ?? []).map((p) => publishSpec(p, options.host ?? '127.0.0.1'));
  for (const p of ports) argv.push('--publish', p);
  for (const [k, v] of Object.entries(options.env ?? {})) argv.push('--env', `${k}=${v}`);
  argv.push(...(options.dockerArgs ?? []), ref, ...(options.args ?? []));
  console.log(`Running ${ref} as ${name}${ports.length ? ` (ports ${ports.join(', ')})` : ''}`);
  const child = spawnEngine(argv, { stdio: 'inherit' });
  // Stopping Nx stops the container, not just the CLI attached to it.
  let stopped = false;
  const stop = () => {
    stopped = true;
    void spawnEngine(['stop', name]);
  };
  if (!options.detach) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  const result = await child;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  // Stopped on request: the container's exit code is the signal's, not a failure.
  if (stopped) return { success: true };
  const failure = runExitMessage(result.exitCode, ref, engineKind());
  // Nx does not report a continuous task's exit code (a one-shot container can set
  // "continuous": false on its docker-run target): this line is what says it failed.
  if (failure) console.error(`✖ ${failure}`);
  return { success: !failure };
}
