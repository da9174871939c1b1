// Runs one `podman build` (and, for a pushed image, `podman push` of each reference): Podman's
// STEP lines shown and counted as build statistics, the image id from --iidfile, the pushed
// digest from --digestfile. The same result shape as runBuildx, so the record is made alike.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildHooks, BuildResult } from './build';
import type { BuildRequest } from './buildx-args';
import { spawnEngine } from './engine';
import { isLoopbackRegistry } from './podman-registry';
import { podmanBuildArgv } from './podman-args';
import { PodmanProgress } from './podman-progress';

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export async function runPodmanBuild(request: Omit<BuildRequest, 'metadataFile'>, hooks: BuildHooks = {}): Promise<BuildResult> {
  const temp = mkdtempSync(join(tmpdir(), 'org-docker-podman-'));
  const onLine = hooks.onLine ?? ((l: string) => process.stdout.write(`${l}\n`));
  const progress = new PodmanProgress();
  const started = Date.now();
  let errorOutput = '';
  const show = (chunk: string) => {
    for (const l of chunk.split('\n')) {
      if (!l.trim()) continue;
      for (const out of progress.line(l)) onLine(out);
      if (/^Error: /.test(l)) errorOutput += `${l}\n`;
    }
  };
  try {
    const iidFile = join(temp, 'iid');
    const child = spawnEngine(podmanBuildArgv(request, iidFile), { stdin: 'ignore', all: true, buffer: false });
    child.all?.setEncoding('utf8');
    child.all?.on('data', show);
    const built = await child;
    let exitCode = built.exitCode ?? 1;
    const metadata: Record<string, unknown> = {};
    const id = readOr(iidFile);
    if (id) metadata['containerimage.config.digest'] = id;
    // Podman builds into its store; a pushed image goes out under each reference.
    if (exitCode === 0 && request.push) {
      for (const ref of request.tags) {
        const digestFile = join(temp, 'digest');
        const tls = isLoopbackRegistry(ref) ? ['--tls-verify=false'] : [];
        const pushed = await spawnEngine(['push', ...tls, '--digestfile', digestFile, ref], { stdin: 'ignore', all: true });
        if (pushed.exitCode !== 0) {
          exitCode = pushed.exitCode ?? 1;
          errorOutput += `${String(pushed.all ?? '')}\n`;
          break;
        }
        metadata['containerimage.digest'] ??= readOr(digestFile);
      }
    }
    return {
      ok: exitCode === 0,
      exitCode,
      stats: progress.stats(),
      metadata,
      durationMs: Date.now() - started,
      errorOutput: errorOutput.trim(),
      interrupted: false,
      timedOut: false,
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
