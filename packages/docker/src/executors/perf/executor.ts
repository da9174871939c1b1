// docker-perf: Nx glue around core/perf. Measures this project's image, writes its JSON, and
// rewrites the aggregate report over every project measured in the same Nx invocation.
import type { ExecutorContext } from '../../utils/devkit';
import { readTargetOptions } from '../../utils/target-options';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import execa from 'execa';
import { EngineError } from '../../core/engine';
import { dockerOnly } from '../docker-only';
import { BuildFailure } from '../../core/image-build';
import { measureImage, PerfInterrupted, SCENARIO_TITLES, type BuildMeasure, type PerfReport } from '../../core/perf';
import { aggregate, renderHtml, renderMarkdown, type AggregateReport } from '../../core/perf-report';
import { toBuildInput } from '../build/build-input';
import { withUpstreamImages } from '../build/hand-off';
import { plannedBuilds } from '../../plugins/dependencies';
import type { BuildExecutorSchema } from '../build/schema';
import type { PerfExecutorSchema } from './schema';

const REPORT = 'report';

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** One id per Nx invocation: every docker-perf task of `nx run-many` shares it. */
function runIdentifier(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `${day}-${process.env.NX_INVOCATION_ROOT_PID ?? process.pid}`;
}

/** Times `nx run <project>:<target>` with nothing changed: Nx should answer from its cache. */
function nxNoop(context: ExecutorContext, project: string, target: string): () => Promise<BuildMeasure> {
  const nxBin = require.resolve('nx/bin/nx.js', { paths: [context.root] });
  // A nested Nx must not think it is one of the outer run's task processes, nor inherit the
  // outer run's --skip-nx-cache: the no-op measures a cache hit, as a user gets one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^NX_(TASK_|FORKED_|INVOCATION_|TERMINAL_|SKIP_NX_CACHE$)/.test(k)));
  return async () => {
    const started = Date.now();
    const r = await execa(process.execPath, [nxBin, 'run', `${project}:${target}`, '--outputStyle=static'], {
      cwd: context.root,
      env: { ...env, NX_TUI: 'false' },
      extendEnv: false,
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    const seconds = (Date.now() - started) / 1000;
    if (r.exitCode !== 0) throw new BuildFailure(`nx run ${project}:${target} failed:\n${(r.all ?? '').split('\n').slice(-15).join('\n')}`);
    return { seconds, cacheHit: /\[(local|remote) cache\]|existing outputs match the cache/.test(r.all ?? '') };
  };
}

function readBaseline(path: string | undefined, root: string): { path: string; report: AggregateReport } | undefined {
  if (!path) return undefined;
  const file = resolve(root, path);
  if (!existsSync(file)) throw new BuildFailure(`Baseline ${path} does not exist: pass a report.json written by an earlier docker-perf run.`);
  try {
    return { path, report: JSON.parse(readFileSync(file, 'utf8')) as AggregateReport };
  } catch (e) {
    throw new BuildFailure(`Baseline ${path} is not a docker-perf report.json: ${(e as Error).message}`);
  }
}

export default async function perfExecutor(options: PerfExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const refused = dockerOnly(
    options.engine,
    'docker-perf measures BuildKit builds (its build history and cache), which',
    'Measure with Docker installed beside Podman',
  );
  if (refused) return refused;
  const project = context.projectName ?? '';
  const buildTarget = options.buildTarget ?? 'docker-build';
  const outputDir = resolve(context.root, options.outputDir ?? 'dist/docker-perf');
  try {
    const baseline = readBaseline(options.baseline, context.root);
    const buildOptions = readTargetOptions<BuildExecutorSchema>({ project, target: buildTarget }, context);
    const projectRoot = context.projectsConfigurations?.projects[project]?.root ?? '.';
    const input = await withUpstreamImages(
      await toBuildInput(buildOptions, { workspaceRoot: context.root, projectName: project, projectRoot, nxHash: 'perf' }),
      context,
    );
    const runId = runIdentifier();
    const report = await measureImage({
      project,
      workspaceRoot: context.root,
      build: {
        dockerfile: input.dockerfile,
        context: input.context,
        target: input.target,
        buildArgs: input.buildArgs,
        secrets: input.secrets,
        buildContexts: input.buildContexts,
        network: input.network,
        builder: input.builder,
        cacheFrom: buildOptions.cacheFrom,
        cwd: context.root,
      },
      runs: options.runs ?? 3,
      runId,
      scenarios: options.scenarios,
      noop: nxNoop(context, project, buildTarget),
      workspaceImages: plannedBuilds(context.projectsConfigurations?.projects ?? {}).map((b) => b.repository),
    });

    mkdirSync(outputDir, { recursive: true });
    writeAtomically(join(outputDir, `${project}.json`), `${JSON.stringify(report, null, 2)}\n`);
    // Every project measured in this Nx run (docker-perf runs one task at a time), newest report each.
    const reports = readdirSync(outputDir)
      .filter((f) => f.endsWith('.json') && f !== `${REPORT}.json`)
      .flatMap((f) => {
        try {
          return [JSON.parse(readFileSync(join(outputDir, f), 'utf8')) as PerfReport];
        } catch {
          return [];
        }
      })
      .filter((r) => r.runId === runId);
    const all = aggregate(reports, runId, baseline);
    writeAtomically(join(outputDir, `${REPORT}.json`), `${JSON.stringify(all, null, 2)}\n`);
    writeAtomically(join(outputDir, `${REPORT}.md`), renderMarkdown(all));
    writeAtomically(join(outputDir, `${REPORT}.html`), renderHtml(all));

    const medians = Object.entries(report.scenarios)
      .filter(([, r]) => r && !r.skipped)
      .map(([s, r]) => `${SCENARIO_TITLES[s as keyof typeof SCENARIO_TITLES]} ${r?.median.toFixed(1)} s`);
    console.log(`✔ ${project}: ${medians.join(' · ')}`);
    for (const f of report.findings) console.log(`  ${f.severity === 'info' ? 'ℹ' : '⚠'} ${report.dockerfile}${f.line ? `:${f.line}` : ''}: ${f.message}`);
    for (const r of all.regressions.filter((x) => x.project === project))
      console.log(`  ⚠ regression: ${SCENARIO_TITLES[r.scenario]} ${r.current.toFixed(1)} s vs ${r.baseline.toFixed(1)} s (+${r.percent}%)`);
    console.log(
      `Reports: ${join(options.outputDir ?? 'dist/docker-perf', `${project}.json`)}, ${join(options.outputDir ?? 'dist/docker-perf', `${REPORT}.{md,html,json}`)}`,
    );
    return { success: true };
  } catch (e) {
    if (e instanceof PerfInterrupted) {
      console.error('✖ docker-perf was interrupted; its temporary context and images were removed.');
      return { success: false };
    }
    if (e instanceof BuildFailure || e instanceof EngineError) {
      console.error(`✖ ${e.message}`);
      return { success: false };
    }
    throw e;
  }
}
