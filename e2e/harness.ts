// E2E harness: temporary Nx workspaces that load @org/docker from this repository, run
// real Nx against the real Docker engine, and read real results (run.json, the engine).
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import execa from 'execa';
import { IMAGE_RECORD, readImageRecord, type ImageRecord } from '../packages/docker/src/core/image-record';
import { imagesMatching, removeImages, removeImagesMatching } from './images';

export { imagesMatching, removeImagesMatching } from './images';

export const REPO = resolve(__dirname, '..');
const NX_BIN = join(REPO, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
/** Deno from the `deno` devDependency: Nx can be launched by either runtime. */
export const DENO_BIN = join(REPO, 'node_modules', '.bin', 'deno');
export type Runtime = 'node' | 'deno';

/** Fails (never skips) when no engine answers: e2e tests are worthless without one. */
export async function requireEngine(): Promise<void> {
  const r = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false });
  if (r.exitCode !== 0) {
    throw new Error(`No Docker engine answers (${r.stderr.trim()}). Start one with ../shared/tools/docker-engine.sh.`);
  }
}

export interface NxResult {
  exitCode: number;
  output: string;
}

export interface TaskRun {
  taskId: string;
  hash: string;
  cacheStatus: 'local-cache-hit' | 'remote-cache-hit' | 'cache-miss';
  status: number;
  startTime: string;
  endTime: string;
}

/** The projects whose tasks a run built (cache misses), sorted. */
export function builtProjects(run: Record<string, TaskRun>): string[] {
  return Object.values(run)
    .filter((t) => t.cacheStatus === 'cache-miss')
    .map((t) => t.taskId.split(':')[0])
    .sort();
}

/** An Nx result as a test compares it: the exit code, and the output's tail only when it failed. */
export function outcome(r: NxResult): { exitCode: number; output: string } {
  return { exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) };
}

let isolatePlugins = true;

/**
 * For the rest of this suite (Jest gives each test file its own modules), Nx loads plugins in
 * its own process (NX_ISOLATE_PLUGINS=false) instead of starting a plugin worker per run: about
 * 1.3 s less per Nx run on these machines. What is inferred, hashed and built is the same: the
 * project graph still reaches each task process serialized. The suites that walk a user's path
 * (foundation, reference, compat, runtimes, coexistence) keep Nx's default, isolated plugins.
 */
export function pluginsInProcess(): void {
  isolatePlugins = false;
}

/** E2E_TIMING=<file>: one tab-separated line per Nx run (suite, test, argv, ms), to see where a run's time goes. */
function logTiming(file: string, args: string[], ms: number): void {
  const { testPath, currentTestName } = expect.getState();
  appendFileSync(file, `${testPath?.split('/').pop()}\t${currentTestName}\t${args.join(' ')}\t${ms}\n`);
}

export class Workspace {
  readonly prefix: string;
  /** Which runtime launches Nx in this workspace. */
  runtime: Runtime = 'node';
  private readonly shimDir: string;
  readonly shimLog: string;
  /** The Nx CLI this workspace runs: this repository's, or the workspace's own install. */
  nxBin = NX_BIN;

  private constructor(
    readonly root: string,
    prefix?: string,
  ) {
    this.prefix = prefix ?? `e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.shimDir = join(root, '.shim');
    this.shimLog = join(root, '.shim', 'docker-calls.log');
  }

  /**
   * A temp workspace wired to this repo's Nx and plugin: a first commit with the workspace
   * files only (so `affected --base=HEAD~1` sees every project), then the fixture.
   */
  static async create(fixture: string, pluginOptions: Record<string, unknown> = {}): Promise<Workspace> {
    const root = mkdtempSync(join(tmpdir(), `org-docker-${fixture}-`));
    const ws = new Workspace(root);
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    ws.write(
      'nx.json',
      JSON.stringify(
        {
          defaultBase: 'main',
          plugins: [{ plugin: '@org/docker', options: { repository: `${ws.prefix}/{projectName}`, ...pluginOptions } }],
        },
        null,
        2,
      ),
    );
    ws.write('.gitignore', 'node_modules\ndist\n.nx\n.shim\n');
    ws.installDockerShim();
    await ws.git('init', '-q', '-b', 'main');
    await ws.commit('workspace');
    const source = join(REPO, 'e2e', 'fixtures', fixture);
    cpSync(source, root, { recursive: true });
    // Fixtures name this run's images through __PREFIX__, so runs never share image names.
    for (const file of readdirSync(source, { recursive: true, encoding: 'utf8' })) {
      const path = join(root, file);
      if (!statSync(path).isFile()) continue;
      const text = readFileSync(path, 'utf8');
      if (text.includes('__PREFIX__')) writeFileSync(path, text.replaceAll('__PREFIX__', ws.prefix));
    }
    await ws.commit('fixture');
    return ws;
  }

  /**
   * A copy of this repository's reference system (apps/, docker/, libs/, nx.json) wired to the
   * compiled plugin, committed. Its images keep their own names (python-base, ingestion-api...).
   */
  static async reference(): Promise<Workspace> {
    const root = mkdtempSync(join(tmpdir(), 'org-docker-reference-'));
    const ws = new Workspace(root);
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    const nxJson = JSON.parse(readFileSync(join(REPO, 'nx.json'), 'utf8')) as { plugins: Array<{ plugin: string }> };
    for (const p of nxJson.plugins) if (p.plugin === './packages/docker') p.plugin = '@org/docker';
    ws.write('nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
    ws.write('.gitignore', 'node_modules\ndist\n.nx\n.shim\n');
    ws.installDockerShim();
    await ws.git('init', '-q', '-b', 'main');
    await ws.commit('workspace');
    for (const dir of ['apps', 'docker', 'libs']) cpSync(join(REPO, dir), join(root, dir), { recursive: true });
    await ws.commit('reference system');
    return ws;
  }

  /**
   * An empty workspace with its own node_modules, as a user starts one: a package.json, an
   * empty nx.json and git; the caller installs Nx (and the plugin) into it.
   */
  static async standalone(name: string): Promise<Workspace> {
    const root = mkdtempSync(join(tmpdir(), `org-docker-${name}-`));
    const ws = new Workspace(root);
    ws.nxBin = join(root, 'node_modules', '.bin', 'nx'); // whichever file the installed Nx names as its bin
    ws.write('package.json', `${JSON.stringify({ name, version: '0.0.0', private: true }, null, 2)}\n`);
    ws.write('nx.json', '{}\n');
    ws.write('.gitignore', 'node_modules\ndist\n.nx\n.shim\n');
    ws.installDockerShim();
    await ws.git('init', '-q', '-b', 'main');
    return ws;
  }

  /** A fresh clone of this workspace's commit, as a new CI runner sees it: no .nx, no dist, same image names. */
  async clone(): Promise<Workspace> {
    const root = mkdtempSync(join(tmpdir(), 'org-docker-clone-'));
    await execa('git', ['clone', '-q', this.root, root]);
    const ws = new Workspace(root, this.prefix);
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    ws.installDockerShim();
    return ws;
  }

  write(file: string, content: string): void {
    mkdirSync(dirname(join(this.root, file)), { recursive: true });
    writeFileSync(join(this.root, file), content);
  }

  read(file: string): string {
    return readFileSync(join(this.root, file), 'utf8');
  }

  exists(file: string): boolean {
    return existsSync(join(this.root, file));
  }

  remove(file: string): void {
    rmSync(join(this.root, file), { recursive: true, force: true });
  }

  async git(...args: string[]): Promise<string> {
    const r = await execa('git', args, {
      cwd: this.root,
      env: { GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' },
    });
    return r.stdout.trim();
  }

  async commit(message: string): Promise<string> {
    await this.git('add', '-A');
    await this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /** A `docker` first on PATH that records each call's argv, then runs the real CLI. */
  private installDockerShim(): void {
    const real = execa.sync('sh', ['-c', 'command -v docker']).stdout.trim();
    mkdirSync(this.shimDir, { recursive: true });
    const shim = join(this.shimDir, 'docker');
    writeFileSync(shim, `#!/bin/sh\nprintf '%s\\n' "$*" >> "${this.shimLog}"\nexec "${real}" "$@"\n`);
    chmodSync(shim, 0o755);
  }

  dockerCalls(): string[] {
    return existsSync(this.shimLog) ? readFileSync(this.shimLog, 'utf8').split('\n').filter(Boolean) : [];
  }

  clearDockerCalls(): void {
    rmSync(this.shimLog, { force: true });
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      ...(isolatePlugins ? {} : { NX_ISOLATE_PLUGINS: 'false' }),
      NX_CACHE_DIRECTORY: join(this.root, '.nx', 'cache'),
      NX_WORKSPACE_DATA_DIRECTORY: join(this.root, '.nx', 'workspace-data'),
      FORCE_COLOR: '0',
      PATH: `${this.shimDir}:${process.env.PATH ?? ''}`,
      ...extra,
    };
  }

  /** The command and argv that launch Nx with this workspace's runtime. */
  nxCommand(args: string[]): [string, string[]] {
    return this.runtime === 'deno' ? [DENO_BIN, ['run', '-A', this.nxBin, ...args]] : [process.execPath, [this.nxBin, ...args]];
  }

  async nx(args: string[], extraEnv: Record<string, string> = {}): Promise<NxResult> {
    const [cmd, argv] = this.nxCommand([...args, '--outputStyle=static']);
    const t0 = Date.now();
    const r = await execa(cmd, argv, {
      cwd: this.root,
      env: this.env(extraEnv),
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    if (process.env.E2E_TIMING) logTiming(process.env.E2E_TIMING, args, Date.now() - t0);
    return { exitCode: r.exitCode ?? 1, output: r.all ?? '' };
  }

  /** The tasks of the last Nx run, by project, from Nx's own run.json. */
  lastRun(): Record<string, TaskRun> {
    const run = JSON.parse(this.read('.nx/cache/run.json')) as { tasks: TaskRun[] };
    return Object.fromEntries(run.tasks.map((t) => [t.taskId, t]));
  }

  imageRecord(projectRoot: string): ImageRecord {
    return JSON.parse(this.read(`dist/docker/${projectRoot}/image.json`)) as ImageRecord;
  }

  /** An image reference of this workspace (its prefix), with or without a registry. */
  owns(ref: string): boolean {
    return ref.startsWith(`${this.prefix}/`) || ref.includes(`/${this.prefix}/`);
  }

  /** This workspace's image references, with or without a registry (see `owns`). */
  private ownPatterns(): string[] {
    return [`${this.prefix}/*`, `*/${this.prefix}/*`];
  }

  /** Removes this workspace's images from the engine (registry copies stay). */
  async removeImages(): Promise<void> {
    await removeImagesMatching(this.ownPatterns());
  }

  /** Image ids of every image this workspace built. */
  async images(): Promise<string[]> {
    return (await imagesMatching(this.ownPatterns(), '{{.Repository}}:{{.Tag}} {{.ID}}')).filter((l) => this.owns(l)).sort();
  }

  /** Every reference the image records under dist/docker name (content tags, pushed tags). */
  private recordedReferences(): string[] {
    const dir = join(this.root, 'dist', 'docker');
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith(IMAGE_RECORD))
      .flatMap((f) => {
        const rec = readImageRecord(dirname(join(dir, f)));
        return rec ? [rec.contentTag, ...rec.references].filter((r) => r && !r.includes('@')) : [];
      });
  }

  async dispose(): Promise<void> {
    await removeImagesMatching(this.ownPatterns());
    // The reference workspace's images keep their own names (python-base...): its records name
    // the content tags it made. Their `latest` tags stay, as a checkout of this repository has them.
    await removeImages([...new Set(this.recordedReferences())].filter((r) => !this.owns(r) && /:nx-[^:/]+$/.test(r)));
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Starts a container from an image with its port published on loopback; returns base URL and a stop function. */
export async function startContainer(image: string, containerPort: number): Promise<{ url: string; name: string; stop: () => Promise<void> }> {
  const name = `e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await execa('docker', ['run', '-d', '--rm', '--name', name, '--publish', `127.0.0.1::${containerPort}`, image]);
  const url = await publishedUrl(name, containerPort);
  return { url, name, stop: async () => void (await execa('docker', ['rm', '-f', name], { reject: false })) };
}

export async function publishedUrl(container: string, containerPort: number): Promise<string> {
  const port = await execa('docker', ['port', container, `${containerPort}/tcp`]);
  const hostPort = port.stdout.split('\n')[0].split(':').pop();
  return `http://127.0.0.1:${hostPort}`;
}

/**
 * `nx <args>` (a docker-run, attached as a user runs it: a continuous target) until its container
 * `container` publishes `containerPort`; the URL, and a stop that ends Nx and the container.
 */
export async function attachedRun(
  ws: Workspace,
  args: string[],
  container: string,
  containerPort: number,
  { cli = 'docker', env = {} }: { cli?: 'docker' | 'podman'; env?: Record<string, string> } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const [cmd, argv] = ws.nxCommand([...args, '--outputStyle=static']);
  const nxRun = execa(cmd, argv, { cwd: ws.root, env: ws.env(env), reject: false, all: true, stdin: 'ignore' });
  const stop = async () => {
    nxRun.kill('SIGTERM');
    await nxRun;
    await execa(cli, ['rm', '--force', container], { reject: false });
  };
  let port: string | undefined;
  for (let i = 0; i < 120 && !port; i++) {
    const r = await execa(cli, ['port', container, `${containerPort}/tcp`], { reject: false });
    port = r.exitCode === 0 ? r.stdout.split('\n')[0].split(':').pop() : undefined;
    if (!port) await new Promise((done) => setTimeout(done, 500));
  }
  if (!port) {
    const output = (await Promise.race([nxRun, Promise.resolve({ all: '(still running)' })])).all;
    await stop();
    throw new Error(`${args.join(' ')} started no ${cli} container ${container}:\n${output}`);
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}

/** Polls a URL until it answers 200 (bounded), returning the JSON body. */
export async function waitForHealth(url: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return (await res.json()) as Record<string, unknown>;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not become healthy in ${timeoutMs} ms (last: ${last})`);
}

/** Removes what a CI-style suite started: its containers, its runners' workspaces (and images), its cache server. */
export async function tearDown(containers: string[], workspaces: Array<Workspace | undefined>, cache?: { stop(): Promise<void> }): Promise<void> {
  if (containers.length) await execa('docker', ['rm', '-f', ...containers], { reject: false });
  for (const ws of workspaces) await ws?.dispose();
  await cache?.stop();
}

/** The fields of an image.json the CI suites compare. */
export interface PushedRecord {
  contentTag: string;
  nxHash: string;
  digest?: string;
  pushed: boolean;
  references: string[];
}
