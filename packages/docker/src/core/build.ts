// Runs one `docker buildx build`: streams BuildKit's progress as readable lines, collects
// step statistics, and stops the build when this process is interrupted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineKind, spawnEngine } from './engine';
import { runPodmanBuild } from './podman-build';
import { superviseBuild } from './build-supervision';
import { buildxArgv, type BuildRequest } from './buildx-args';
import { JsonObjectSplitter, ProgressTracker, type BuildStats } from './progress';

export interface BuildResult {
  ok: boolean;
  exitCode: number;
  stats: BuildStats;
  /** Contents of `--metadata-file` (containerimage.digest, image.name, ...). */
  metadata: Record<string, unknown>;
  durationMs: number;
  /** Non-JSON stderr lines (buildx's own error messages). */
  errorOutput: string;
  interrupted: boolean;
  /** Stopped because it ran longer than `timeoutSeconds`. */
  timedOut: boolean;
}

export interface BuildHooks {
  /** Receives every rendered progress line (default: stdout). */
  onLine?: (line: string) => void;
  /** Passes the raw rawjson stream through instead of rendering it. */
  raw?: boolean;
}

export async function runBuildx(request: Omit<BuildRequest, 'metadataFile'> & { timeoutSeconds?: number }, hooks: BuildHooks = {}): Promise<BuildResult> {
  if (engineKind() === 'podman') return runPodmanBuild(request, hooks);
  const run = superviseBuild('org-docker-build-', request.timeoutSeconds);
  const metadataFile = join(run.temp, 'metadata.json');
  const onLine = hooks.onLine ?? ((l: string) => process.stdout.write(`${l}\n`));
  const splitter = new JsonObjectSplitter();
  const tracker = new ProgressTracker();
  let errorOutput = '';
  const child = spawnEngine(buildxArgv({ ...request, metadataFile }), {
    stdin: 'ignore',
    // Local images stay plain (no attestation manifests); pushed ones ask for provenance explicitly.
    env: request.push ? {} : { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' },
  });
  run.watch(child);
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (hooks.raw) process.stderr.write(chunk);
    const { objects, text } = splitter.push(chunk);
    if (text.trim()) {
      errorOutput += text;
      if (!hooks.raw) for (const l of text.split('\n')) if (l.trim()) onLine(l);
    }
    for (const status of objects) {
      for (const line of tracker.update(status as Parameters<ProgressTracker['update']>[0])) if (!hooks.raw) onLine(line);
    }
  });
  child.stdout?.pipe(process.stdout);
  const result = await child;
  let metadata: Record<string, unknown> = {};
  try {
    metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
  } catch {
    // no metadata when the build failed
  }
  run.end();
  return run.result({ exitCode: result.exitCode ?? 1, stats: tracker.stats(), metadata, errorOutput: errorOutput.trim() });
}
