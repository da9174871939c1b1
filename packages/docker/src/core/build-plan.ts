// One build plan: everything a build is, computed once from the Dockerfile text, its ignore
// file, what git leaves unhashed in the context and the build options. Inference computes it
// (and caches it by the content of every file read), the graph's edges and the executor read
// it; nothing parses the Dockerfile again. Pure: no file system, no Nx.
import picomatch from 'picomatch';
import { buildReads, normalizeSource, type BuildReads } from './context';
import { findStage, neededStages, parseDockerfile, type DockerfileModel, type DockerfileProblem } from './dockerfile';
import { ignoreMatcher, parseIgnore, type IgnorePattern } from './dockerignore';
import type { ImageUse } from './image-graph';
import { imageUses, readPaths } from './image-uses';

export interface PlanSources {
  /** Workspace-relative path of the Dockerfile. */
  dockerfile: string;
  dockerfileText: string;
  /** Workspace-relative build context directory (`.` for the workspace root). */
  context: string;
  /** Text of the ignore file BuildKit uses (`<Dockerfile>.dockerignore`, else `<context>/.dockerignore`). */
  ignoreText?: string;
  /**
   * Context-relative paths that git ignores or does not track (`.git/` itself among them), a
   * directory with a trailing `/`: Nx never hashes them, so a build that reads one must say so.
   */
  unhashed?: string[];
}

export interface PlanOptions {
  target?: string;
  buildArgs?: Record<string, string>;
  /** Named build contexts: name -> directory (workspace-relative) or `docker-image://` / URL. */
  buildContexts?: Record<string, string>;
  /** Target platforms; the automatic platform ARGs take each one's values in turn. */
  platforms?: string[];
  /** The builder's platform, used when `platforms` is empty (e.g. `linux/amd64`). */
  defaultPlatform?: string;
}

/** A git-ignored or untracked path a build reads, with the instruction that reads it. */
export interface UnhashedRead {
  line: number;
  path: string;
}

export interface BuildPlan {
  /** What the plan was computed for: the executor compares it with the options it runs with. */
  dockerfile: string;
  context: string;
  target?: string;
  buildArgs?: Record<string, string>;
  /** Names (or indexes) of the stages BuildKit executes for the target. */
  stages: string[];
  reads: BuildReads;
  /** External images the needed stages use (FROM, COPY --from, mounts, image contexts), ARGs resolved. */
  uses: ImageUse[];
  /** Workspace paths (literal prefixes) the build reads: which projects' files it copies. */
  readPaths: string[];
  /** Ports the target stage EXPOSEs. */
  exposes: string[];
  /** Problems that make Docker refuse the file (or the options), with lines. */
  problems: DockerfileProblem[];
  /**
   * Git-ignored paths the build reads, for inference's warning only. Never stored on a target:
   * it depends on the files a machine happens to have, and target options are part of Nx's
   * task hash, which must be the same on every machine.
   */
  unhashed?: UnhashedRead[];
}

/** A pattern Nx's and Docker's glob engines both accept (balanced brackets and braces). */
function validGlob(glob: string): boolean {
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
    return true;
  } catch {
    return false;
  }
}

function platformsOf(options: PlanOptions): string[] {
  return options.platforms?.length ? options.platforms : [options.defaultPlatform ?? 'linux/amd64'];
}

function mergeReads(all: BuildReads[]): BuildReads {
  const [first, ...rest] = all;
  const named: Record<string, string[]> = { ...first.named };
  for (const r of rest) for (const [k, v] of Object.entries(r.named)) named[k] = [...new Set([...(named[k] ?? []), ...v])];
  const wholeContext = all.some((r) => r.context.wholeContext);
  return {
    context: {
      include: wholeContext ? ['**/*'] : [...new Set(all.flatMap((r) => r.context.include))],
      exclude: first.context.exclude,
      wholeContext,
      reasons: [...new Set(all.flatMap((r) => r.context.reasons))],
    },
    named,
  };
}

/** The instruction line that reads `path` (context-relative), for messages. */
function readingLine(model: DockerfileModel, target: string | undefined, path: string): number {
  for (const stage of neededStages(model, target)) {
    for (const read of stage.reads) {
      if (read.from !== undefined) continue;
      for (const s of read.sources) {
        const src = normalizeSource(s);
        if (src === undefined || path === src || path.startsWith(`${src}/`) || picomatch.isMatch(path, src, { dot: true })) return read.line;
      }
    }
  }
  return 1;
}

/** Unhashed paths the build reads: matched by a read glob (a directory: anything below it) and not left out by the ignore file. */
function unhashedReads(reads: BuildReads, ignore: IgnorePattern[], unhashed: string[], lineOf: (path: string) => number): UnhashedRead[] {
  if (!unhashed.length) return [];
  const ignored = ignoreMatcher(ignore);
  const read = picomatch(reads.context.include, { dot: true });
  const out: UnhashedRead[] = [];
  for (const entry of unhashed) {
    const dir = entry.endsWith('/');
    const path = entry.replace(/\/+$/, '');
    if (ignored(path)) continue;
    // A directory is read when a read glob reaches a file below it.
    if (!(dir ? read(`${path}/x`) || read(path) : read(path))) continue;
    out.push({ line: lineOf(path), path: entry });
  }
  return out;
}

/** The context-relative path of a workspace path, or undefined when it is outside the context. */
function inContext(context: string, path: string): string | undefined {
  if (context === '.' || context === '') return path;
  return path.startsWith(`${context}/`) ? path.slice(context.length + 1) : undefined;
}

/** BuildKit refuses a Dockerfile line longer than this; checking first keeps a pathological file from stalling the parser. */
export const MAX_LINE_BYTES = 64 * 1024;

/** A plan for a Dockerfile that cannot be parsed: it fails its own build, and reads everything meanwhile. */
function refusedPlan(sources: PlanSources, options: PlanOptions, problem: DockerfileProblem): BuildPlan {
  const reads: BuildReads = { context: { include: ['**/*'], exclude: [], wholeContext: true, reasons: [problem.message] }, named: {} };
  return {
    dockerfile: sources.dockerfile,
    context: sources.context,
    ...(options.target ? { target: options.target } : {}),
    stages: [],
    reads,
    uses: [],
    readPaths: readPaths(reads, sources.context, options.buildContexts),
    exposes: [],
    problems: [problem],
    unhashed: [],
  };
}

export function buildPlan(sources: PlanSources, options: PlanOptions = {}): BuildPlan {
  const lines = sources.dockerfileText.split('\n');
  // UTF-16 length never exceeds the UTF-8 byte length, so the cheap test first.
  const long = lines.findIndex((l) => l.length > MAX_LINE_BYTES || (l.length * 3 > MAX_LINE_BYTES && new TextEncoder().encode(l).length > MAX_LINE_BYTES));
  if (long >= 0) {
    return refusedPlan(sources, options, {
      line: long + 1,
      message: `line ${long + 1} is longer than BuildKit's limit of 64 KiB; shorten it (e.g. move data into a file the build copies)`,
    });
  }
  const allIgnore = parseIgnore(sources.ignoreText ?? '');
  const ignore = allIgnore.filter((p) => validGlob(p.pattern));
  const namedContexts = Object.keys(options.buildContexts ?? {});
  const models = platformsOf(options).map((platform) => parseDockerfile(sources.dockerfileText, { buildArgs: options.buildArgs, platform }));
  const model = models[0];
  const reads = mergeReads(models.map((m) => buildReads(m, ignore, { target: options.target, namedContexts })));
  // BuildKit always reads the Dockerfile and the ignore file, whatever the ignore file says
  // (`Dockerfile*` in .dockerignore is common): never negate them out of the inputs.
  const contextIgnore = sources.context === '.' || sources.context === '' ? '.dockerignore' : `${sources.context}/.dockerignore`;
  const always = [sources.dockerfile, `${sources.dockerfile}.dockerignore`, contextIgnore].flatMap((p) => inContext(sources.context, p) ?? []);
  const pattern = (glob: string) => glob.replace(/\/\*\*\/\*$/, ''); // `p` and `p/**/*` come in pairs
  reads.context.exclude = reads.context.exclude.filter((glob) => !always.some((p) => picomatch.isMatch(p, pattern(glob), { dot: true })));

  const problems = [...model.errors];
  // An invalid glob (`[` unclosed) in one project's inputs would fail every Nx command: keep it out, fail this build.
  const badIgnore = allIgnore.filter((p) => !validGlob(p.pattern));
  for (const bad of badIgnore) {
    const line = (sources.ignoreText ?? '').split(/\r?\n/).findIndex((l) => l.trim().replace(/^!/, '').trim().replace(/^\/+/, '') === bad.pattern) + 1;
    problems.push({
      line: 1,
      message: `the ignore file's line ${line || '?'} has an invalid pattern "${bad.pattern}" (Docker refuses it too); fix or remove it`,
    });
  }
  reads.context.exclude = reads.context.exclude.filter(validGlob);
  const badRead = reads.context.include.filter((g) => !validGlob(g));
  if (badRead.length) {
    problems.push({ line: 1, message: `COPY/ADD sources ${badRead.join(', ')} are not valid patterns` });
    Object.assign(reads.context, { include: ['**/*'], wholeContext: true });
  }
  const uses = new Map<string, ImageUse>();
  for (const m of models)
    for (const u of imageUses(m, options.target, options.buildContexts)) if (!uses.has(`${u.kind}:${u.ref}`)) uses.set(`${u.kind}:${u.ref}`, u);
  if (options.target && model.stages.length && !findStage(model, options.target)) {
    const names = model.stages.map((s) => s.name).filter(Boolean);
    problems.push({ line: 1, message: `there is no stage "${options.target}" (stages: ${names.join(', ') || 'none named'}); set "target" to one of them` });
  }
  const stages = [...new Set(models.flatMap((m) => neededStages(m, options.target).map((s) => s.name ?? String(s.index))))];
  return {
    dockerfile: sources.dockerfile,
    context: sources.context,
    ...(options.target ? { target: options.target } : {}),
    ...(options.buildArgs && Object.keys(options.buildArgs).length ? { buildArgs: options.buildArgs } : {}),
    stages,
    reads,
    uses: [...uses.values()],
    readPaths: readPaths(reads, sources.context, options.buildContexts),
    exposes: [...new Set(findStage(model, options.target)?.exposes ?? [])],
    problems,
    unhashed: unhashedReads(reads, ignore, sources.unhashed ?? [], (path) => readingLine(model, options.target, path)),
  };
}

/** The platform BuildKit builds for by default on this machine (`linux/amd64`, `linux/arm64`). */
export function hostPlatform(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return `linux/${map[arch] ?? arch}`;
}
