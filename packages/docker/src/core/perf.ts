// docker-perf: measures one image's builds in five scenarios (cold, warm, code change,
// dependency change, no-op through Nx), N times each, in a scratch copy of the context, and
// explains the numbers with findings tied to Dockerfile lines. Leaves no image, container or
// temporary directory behind, also when interrupted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runBuildx } from './build';
import type { BuildRequest } from './buildx-args';
import { installAfterSourceCopy, installWithoutCacheMount, stepInstruction, unpinnedBaseImages, dependencyInstaller, type Finding } from './analysis';
import { buildReads, filesRead } from './context';
import { weighContext, sentFiles, type ContextWeight } from './context-size';
import { parseDockerfile, type DockerfileModel } from './dockerfile';
import { findIgnoreFile, readIgnore } from './dockerignore';
import { dockerRunner, inspectImage, spawnEngine, spawnEngineSync, type Runner } from './engine';
import { BuildFailure } from './image-build';
import { changeFile, copyContext, isolateCacheMounts, pickManifest, pickSourceFile, PERF_TEMP_PREFIX, writeDockerfileCopy } from './perf-context';

export const SCENARIOS = ['cold', 'warm', 'code', 'deps', 'noop'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const SCENARIO_TITLES: Record<Scenario, string> = {
  cold: 'no cache',
  warm: 'with cache',
  code: 'code change',
  deps: 'dependency change',
  noop: 'no-op (Nx)',
};

export interface StepTiming {
  name: string;
  line?: number;
  seconds: number;
  cached: boolean;
}

export interface BuildMeasure {
  seconds: number;
  contextBytes?: number;
  steps?: StepTiming[];
  imageBytes?: number;
  layers?: number;
  /** no-op only: Nx answered from its cache. */
  cacheHit?: boolean;
}

export interface ScenarioResult {
  median: number;
  min: number;
  max: number;
  runs: BuildMeasure[];
  /** code / deps: the context file that was edited. */
  changed?: string;
  /** Why the scenario did not run. */
  skipped?: string;
}

export interface PerfReport {
  project: string;
  runId: string;
  finishedAt: string;
  dockerfile: string;
  context: string;
  target?: string;
  runsPerScenario: number;
  contextWeight: ContextWeight;
  scenarios: Partial<Record<Scenario, ScenarioResult>>;
  findings: Finding[];
}

export interface PerfRequest {
  project: string;
  workspaceRoot: string;
  /** The project's build, as docker-build would run it (absolute paths). */
  build: Omit<BuildRequest, 'tags' | 'metadataFile' | 'push' | 'load' | 'noCache' | 'cacheTo' | 'platforms'>;
  runs: number;
  runId: string;
  scenarios?: Scenario[];
  /** Times the project's docker-build through Nx with nothing changed. */
  noop?: () => Promise<BuildMeasure>;
  onProgress?: (line: string) => void;
  run?: Runner;
  /** Images built in the workspace (handed over by content tag): their tags are not findings. */
  workspaceImages?: string[];
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function summarise(runs: BuildMeasure[], extra: Partial<ScenarioResult> = {}): ScenarioResult {
  const t = runs.map((r) => r.seconds);
  return { median: median(t), min: Math.min(...t), max: Math.max(...t), runs, ...extra };
}

export class PerfInterrupted extends Error {
  override name = 'PerfInterrupted';
}

/** Measures and diagnoses one image. Cleans up (temp dirs, images) whatever happens. */
export async function measureImage(req: PerfRequest): Promise<PerfReport> {
  const run = req.run ?? dockerRunner;
  const say = req.onProgress ?? ((l: string) => console.log(l));
  const wanted = new Set(req.scenarios ?? SCENARIOS);
  const dockerfileText = readFileSync(req.build.dockerfile, 'utf8');
  const model = parseDockerfile(dockerfileText, { buildArgs: req.build.buildArgs });
  const ignore = readIgnore(findIgnoreFile(req.build.dockerfile, req.build.context));
  const sent = sentFiles(req.build.context, ignore);
  const weight = weighContext(req.build.context, ignore, sent);
  const reads = buildReads(model, ignore, { target: req.build.target, namedContexts: Object.keys(req.build.buildContexts ?? {}) });
  const read = filesRead(reads.context, ignore, sent);

  const tag = `org-docker-perf/${req.project.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}:${req.runId}`;
  const scratch = copyContext(req.build.context, sent);
  const dockerfiles = mkdtempSync(join(tmpdir(), PERF_TEMP_PREFIX));
  let interrupted = false;
  // Synchronous and idempotent, so it also runs from an exit handler: when Nx stops on Ctrl-C
  // it may end this process before any await in a finally block gets its turn.
  let cleaned = false;
  const removeTemps = () => {
    scratch.remove();
    rmSync(dockerfiles, { recursive: true, force: true });
  };
  const cleanUp = () => {
    if (cleaned) return;
    cleaned = true;
    removeTemps();
    spawnEngineSync(['image', 'rm', '--force', tag]);
  };
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    // Everything goes at once, not after the running build has stopped: Nx kills a stopped
    // task's whole process tree 5 s after its signal (NX_PROCESS_KILL_GRACE_PERIOD), and a busy
    // engine can take longer than that to cancel a build. The engine untags as soon as the
    // request arrives, whether or not its client lives on. The clean-up after the build
    // removes the tag again, for a build that was already exporting when the signal came.
    removeTemps();
    // Not ended with this process (execa's default), which Nx may stop before the engine answers.
    void spawnEngine(['image', 'rm', '--force', tag], { stdio: 'ignore', cleanup: false, detached: true });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', cleanUp);

  const build = async (label: string, options: { dockerfile?: string; noCache?: boolean } = {}): Promise<BuildMeasure> => {
    if (interrupted) throw new PerfInterrupted('interrupted');
    const started = Date.now();
    const result = await runBuildx(
      { ...req.build, dockerfile: options.dockerfile ?? req.build.dockerfile, context: scratch.dir, tags: [tag], noCache: options.noCache, load: true },
      { onLine: () => undefined },
    );
    if (result.interrupted || interrupted) throw new PerfInterrupted('interrupted');
    if (!result.ok) throw new BuildFailure(`docker-perf's ${label} build of ${req.project} failed: ${result.stats.errors.join('\n') || result.errorOutput}`);
    const seconds = (Date.now() - started) / 1000;
    // Every build loads under the same tag, which moves and leaves no dangling image; the tag
    // goes once, at clean-up. A removal per build would cost seconds each: on the containerd
    // image store each one runs the garbage collection before it returns.
    const inspected = await inspectImage(tag, run);
    return {
      seconds,
      contextBytes: result.stats.contextBytes,
      imageBytes: inspected?.Size,
      layers: inspected?.RootFS?.Layers?.length,
      steps: result.stats.steps.map((s) => ({ name: s.name, line: stepInstruction(model, s.name)?.line, seconds: s.seconds, cached: s.cached })),
    };
  };
  const repeat = async (scenario: Scenario, once: (i: number) => Promise<BuildMeasure>): Promise<BuildMeasure[]> => {
    const out: BuildMeasure[] = [];
    for (let i = 0; i < req.runs; i++) {
      const m = await once(i);
      out.push(m);
      say(`[${req.project}] ${SCENARIO_TITLES[scenario]} ${i + 1}/${req.runs}: ${m.seconds.toFixed(1)} s${m.cacheHit === false ? ' (not a cache hit!)' : ''}`);
    }
    return out;
  };

  const scenarios: PerfReport['scenarios'] = {};
  try {
    if (wanted.has('cold')) {
      scenarios.cold = summarise(
        await repeat('cold', (i) =>
          build('cold', {
            noCache: true,
            dockerfile: writeDockerfileCopy(dockerfiles, req.build.dockerfile, isolateCacheMounts(dockerfileText, `${req.runId}-${i}`)),
          }),
        ),
      );
    }
    // Warm-up (not measured): the cold builds used other cache-mount ids, so prime the cache.
    if (wanted.has('warm') || wanted.has('code') || wanted.has('deps')) await build('warm-up');
    if (wanted.has('warm')) scenarios.warm = summarise(await repeat('warm', () => build('warm')));
    for (const [scenario, file] of [
      ['code', pickSourceFile(read)],
      ['deps', pickManifest(read)],
    ] as const) {
      if (!wanted.has(scenario)) continue;
      if (!file) {
        scenarios[scenario] = {
          median: 0,
          min: 0,
          max: 0,
          runs: [],
          skipped: scenario === 'code' ? 'the build reads no source file' : 'the build reads no dependency manifest',
        };
        say(`[${req.project}] ${SCENARIO_TITLES[scenario]}: skipped (${scenarios[scenario]?.skipped})`);
        continue;
      }
      const runs = await repeat(scenario, async (i) => {
        const undo = changeFile(scratch, file, `docker-perf ${req.runId} ${scenario} ${i}`);
        try {
          return await build(scenario);
        } finally {
          undo();
        }
      });
      scenarios[scenario] = summarise(runs, { changed: file });
    }
    if (wanted.has('noop') && req.noop) {
      const noop = req.noop;
      scenarios.noop = summarise(await repeat('noop', () => noop()));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', cleanUp);
    cleanUp();
  }

  return {
    project: req.project,
    runId: req.runId,
    finishedAt: new Date().toISOString(),
    dockerfile: relative(req.workspaceRoot, req.build.dockerfile),
    context: relative(req.workspaceRoot, req.build.context) || '.',
    target: req.build.target,
    runsPerScenario: req.runs,
    contextWeight: weight,
    scenarios,
    findings: diagnose(model, req.build.target, scenarios, weight, relative(req.workspaceRoot, req.build.context) || '.', req.workspaceImages),
  };
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/** Median seconds of the step at `line` among the runs where it executed (not cached). */
function executedCost(result: ScenarioResult | undefined, line: number): number | undefined {
  const times = (result?.runs ?? []).flatMap((r) => (r.steps ?? []).filter((s) => s.line === line && !s.cached).map((s) => s.seconds));
  return times.length ? median(times) : undefined;
}

/** Findings from the Dockerfile, the context and the measured steps; each with the line and its cost. */
export function diagnose(
  model: DockerfileModel,
  target: string | undefined,
  scenarios: PerfReport['scenarios'],
  weight: ContextWeight,
  contextPath: string,
  workspaceImages: string[] = [],
): Finding[] {
  const findings: Finding[] = [];
  const staticOrder = installAfterSourceCopy(model, target);
  // What the code-change builds actually re-ran: a dependency install there is the costly mistake.
  const installs = model.stages.flatMap((s) => s.instructions.filter((i) => dependencyInstaller(model, s, i)));
  for (const install of installs) {
    const cost = executedCost(scenarios.code, install.line);
    const cause = staticOrder.find((f) => f.line === install.line);
    if (cost === undefined) continue;
    findings.push({
      id: 'install-reran-on-source-change',
      severity: 'warning',
      line: install.line,
      message: `dependency install re-ran after a source change${cause ? `: ${cause.message}` : ` (line ${install.line})`} (cost ${cost.toFixed(1)} s)`,
      fix: cause?.fix ?? 'Make the install depend only on the manifests: copy them alone before the install step.',
      cost,
    });
  }
  for (const f of staticOrder) if (!findings.some((x) => x.line === f.line)) findings.push(f);
  for (const f of installWithoutCacheMount(model, target)) {
    const cost = executedCost(scenarios.cold, f.line as number);
    findings.push(cost === undefined ? f : { ...f, message: `${f.message} (cost ${cost.toFixed(1)} s in a cold build)`, cost });
  }
  const heavy = weight.heavy.filter((h) => h.bytes >= MB || h.dir.split('/').pop() === '.git');
  if (heavy.length) {
    const list = heavy.map((h) => `${h.dir}/ (${mb(h.bytes)})`).join(', ');
    findings.push({
      id: 'context-too-large',
      severity: 'warning',
      message: `context is ${mb(weight.sentBytes)}; ${list} ${heavy.length > 1 ? 'are' : 'is'} not in .dockerignore`,
      fix: `Add ${heavy.map((h) => `\`${h.dir}\``).join(', ')} to ${contextPath === '.' ? '' : `${contextPath}/`}.dockerignore (or make it deny-by-default: \`*\` then \`!\` what the Dockerfile copies).`,
      cost: undefined,
    });
  }
  findings.push(...unpinnedBaseImages(model, target, false, workspaceImages));
  const order = { error: 0, warning: 1, info: 2 };
  return findings.sort((a, b) => order[a.severity] - order[b.severity] || (b.cost ?? 0) - (a.cost ?? 0) || (a.line ?? 0) - (b.line ?? 0));
}
