// Runs one `podman build` (and, for a pushed image, `podman push` of each reference): Podman's
// STEP lines shown and counted as build statistics, the image id from --iidfile, the pushed
// digest from --digestfile. The same result shape, temp dir, interrupt and timeout handling as
// runBuildx, so the record is made alike.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildHooks, BuildResult } from './build';
import { superviseBuild } from './build-supervision';
import type { BuildRequest } from './buildx-args';
import { spawnEngine } from './engine';
import { tls } from './podman-registry';
import { loopbackRegistries, podmanBuildArgv } from './podman-args';
import { podmanRegistriesEnv } from './podman-registries-conf';
import { PodmanProgress } from './podman-progress';

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export async function runPodmanBuild(request: Omit<BuildRequest, 'metadataFile'> & { timeoutSeconds?: number }, hooks: BuildHooks = {}): Promise<BuildResult> {
  const run = superviseBuild('org-docker-podman-', request.timeoutSeconds);
  const onLine = hooks.onLine ?? ((l: string) => process.stdout.write(`${l}\n`));
  const progress = new PodmanProgress();
  let errorOutput = '';
  const show = (chunk: string) => {
    for (const l of chunk.split('\n')) {
      if (!l.trim()) continue;
      for (const out of progress.line(l)) onLine(out);
      if (/^Error: /.test(l)) errorOutput += `${l}\n`;
    }
  };
  try {
    const iidFile = join(run.temp, 'iid');
    const env = podmanRegistriesEnv(loopbackRegistries(request), run.temp);
    const child = spawnEngine(podmanBuildArgv(request, iidFile), { stdin: 'ignore', all: true, buffer: false, env });
    run.watch(child);
    child.all?.setEncoding('utf8');
    child.all?.on('data', show);
    const built = await child;
    let exitCode = built.exitCode ?? 1;
    const metadata: Record<string, unknown> = {};
    const id = readOr(iidFile);
    if (id) metadata['containerimage.config.digest'] = id;
    // Podman builds into its store; a pushed image goes out under each reference.
    if (exitCode === 0 && request.push && !run.interrupted) {
      for (const ref of request.tags) {
        const digestFile = join(run.temp, 'digest');
        const push = spawnEngine(['push', ...tls(ref), '--digestfile', digestFile, ref], { stdin: 'ignore', all: true });
        run.watch(push);
        const pushed = await push;
        if (pushed.exitCode !== 0 || run.interrupted) {
          exitCode = pushed.exitCode || 1;
          errorOutput += `${String(pushed.all ?? '')}\n`;
          break;
        }
        metadata['containerimage.digest'] ??= readOr(digestFile);
      }
    }
    return run.result({ exitCode, stats: progress.stats(), metadata, errorOutput: errorOutput.trim() });
  } finally {
    run.end();
  }
}
