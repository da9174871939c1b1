// The engine boundary: every call to the engine goes through here: CLI calls as argv arrays (no
// shell), captured (`dockerRunner`) or streamed and interactive (`spawnEngine`), the synchronous
// clean-up an exit handler needs (`spawnEngineSync`), and reads from the Engine API socket where
// the CLI would use a local one (`inspectImage`). Unit tests swap the whole
// boundary for a fake (`useEngine`). Detection turns whatever is missing into one message that
// says what is missing and how to fix it.
import { spawnSync } from 'node:child_process';
import execa from 'execa';
import { engineApiGet, type ApiAnswer } from './engine-api';
import { EngineCache, engineIdentity, findOnPath, isPodmanShim } from './engine-cache';
import { chooseEngine, type EngineChoice, type EngineKind } from './engine-kind';
import { engineEndpoint, isRemoteEngine } from './engine-location';
import { interpretPodmanProbe, PODMAN_PROBE } from './podman-engine';
import { imagetoolsViaSkopeo, tls } from './podman-registry';

export interface CommandResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The CLI itself could not be started (ENOENT). */
  notFound?: boolean;
}

export type Runner = (args: string[]) => Promise<CommandResult>;

/** How the engine is started: the real CLI, or a unit test's fake. */
export interface EngineSpawner {
  spawn(args: string[], options?: execa.Options): execa.ExecaChildProcess;
  spawnSync(args: string[]): void;
  /** A read from the Engine API without a CLI process; undefined: ask the CLI. */
  get?(path: string): Promise<ApiAnswer | undefined>;
  /** The engine's companion tool (Podman's registry operations run `skopeo`). */
  spawnTool?(program: 'skopeo', args: string[], options?: execa.Options): execa.ExecaChildProcess;
}

let kind: EngineKind = 'docker';

/**
 * Selects the engine every later call drives: the plugin option `engine` (docker | podman |
 * detect). The executors call it first; until then, Docker.
 */
export function selectEngine(choice: EngineChoice | undefined, env: NodeJS.ProcessEnv = process.env): EngineKind {
  const docker = choice === 'docker' || choice === 'podman' ? undefined : findOnPath('docker', env);
  kind = chooseEngine(choice, {
    dockerOnPath: Boolean(docker),
    dockerIsPodman: isPodmanShim(docker),
    podmanOnPath: Boolean(findOnPath('podman', env)),
    dockerEndpointSet: Boolean(env.DOCKER_HOST || env.DOCKER_CONTEXT),
  });
  return kind;
}

/** The engine calls go to: `docker` or `podman`. */
export function engineKind(): EngineKind {
  return kind;
}

const cliSpawner: EngineSpawner = {
  spawn: (args, options) => execa(kind, args, { reject: false, ...options }),
  spawnSync: (args) => void spawnSync(kind, args, { stdio: 'ignore' }),
  // Docker's Engine API socket; Podman is asked through its CLI.
  get: (path) => (kind === 'docker' ? engineApiGet(path) : Promise.resolve(undefined)),
  spawnTool: (program, args, options) => execa(program, args, { reject: false, ...options }),
};

let spawner: EngineSpawner = cliSpawner;

/** Replaces the engine (unit tests); returns the function that restores the real one. */
export function useEngine(fake: EngineSpawner): () => void {
  spawner = fake;
  return () => void (spawner = cliSpawner);
}

/** A streamed or interactive engine call (build progress, `docker run`, compose, export). */
export function spawnEngine(args: string[], options: execa.Options = {}): execa.ExecaChildProcess {
  return spawner.spawn(args, options);
}

/** `push ref` / `pull ref` for the selected engine (Podman: TLS off for a loopback registry, as Docker has it). */
export function transferArgv(verb: 'push' | 'pull', ref: string): string[] {
  return [verb, ...(kind === 'podman' ? tls(ref) : []), ref];
}

/** A synchronous call for exit handlers, where no await runs any more. */
export function spawnEngineSync(args: string[]): void {
  spawner.spawnSync(args);
}

/** Runs one captured call of `program`; a CLI that cannot start says so (`notFound`). */
async function capture(program: string, call: () => execa.ExecaChildProcess): Promise<CommandResult> {
  try {
    const r = await call();
    // A CLI that could not start has no exit code (Node reports ENOENT; Deno a closed stream).
    if (r.exitCode === undefined && !r.timedOut && !findOnPath(program))
      return { ok: false, stdout: '', stderr: `${program}: command not found`, notFound: true };
    return { ok: r.exitCode === 0, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, stdout: '', stderr: err.message, notFound: err.code === 'ENOENT' };
  }
}

// Manifests are hashed byte for byte: skopeo's output is kept whole.
const skopeoRunner: Runner = (args) => {
  const tool = spawner.spawnTool;
  if (!tool) return Promise.resolve({ ok: false, stdout: '', stderr: 'skopeo: command not found', notFound: true });
  return capture('skopeo', () => tool('skopeo', args, { timeout: 60_000, stripFinalNewline: false }));
};

export const dockerRunner: Runner = async (args) => {
  // Podman has no `buildx imagetools`: its registry reads and writes go through skopeo.
  if (kind === 'podman' && args[0] === 'buildx' && args[1] === 'imagetools') {
    const r = await imagetoolsViaSkopeo(args.slice(2), skopeoRunner);
    return r.notFound
      ? { ...r, stderr: 'skopeo: command not found (Podman reads and writes registries with skopeo: install it, e.g. apt-get install skopeo)' }
      : r;
  }
  return capture(kind, () => spawnEngine(args, { timeout: 30_000 }));
};

export interface EngineProbe {
  version: CommandResult;
  info?: CommandResult;
  buildx?: CommandResult;
  inspect?: CommandResult;
  /** `docker context inspect`: the current context's engine endpoint. */
  context?: CommandResult;
}

export interface EngineInfo {
  serverVersion: string;
  buildxVersion: string;
  builder: string;
  driver: string;
  /** The containerd image store: the `docker` driver then supports every cache exporter and multi-platform images. */
  containerdStore: boolean;
  /** The engine endpoint builds go to (DOCKER_HOST, else the current context's). */
  endpoint?: string;
  /** Builds do not land in this machine's engine (core/engine-location): they are pushed instead of loaded. */
  remote?: boolean;
}

export class EngineError extends Error {
  override name = 'EngineError';
}

const INSTALL = 'Install Docker Engine >= 23 with the buildx plugin (https://docs.docker.com/engine/install/)';

/** Turns the probe's answers into engine facts, or one clear error. Pure. */
export function interpretProbe(probe: EngineProbe, builder?: string): EngineInfo {
  if (probe.version.notFound) throw new EngineError(`The docker CLI was not found on PATH. ${INSTALL}.`);
  if (!probe.info?.ok) {
    const why = (probe.info?.stderr || probe.version.stderr || '').trim().split('\n').pop() ?? '';
    throw new EngineError(
      `No Docker engine answers${why ? ` (${why})` : ''}. Start the daemon (e.g. \`sudo systemctl start docker\`, or Docker Desktop), ` +
        `or point DOCKER_HOST / \`docker context use\` at a running engine.`,
    );
  }
  if (!probe.buildx?.ok) {
    throw new EngineError(
      `docker buildx is not available (${(probe.buildx?.stderr ?? '').trim() || 'unknown command'}). ` +
        `Install the buildx plugin (Debian/Ubuntu: \`apt-get install docker-buildx\`, or docker-buildx-plugin from Docker's repository).`,
    );
  }
  if (!probe.inspect?.ok) {
    throw new EngineError(
      `The buildx builder ${builder ? `"${builder}" ` : ''}cannot be used: ${(probe.inspect?.stderr ?? '').trim()}. ` +
        `List builders with \`docker buildx ls\`; create one with \`docker buildx create --use\`.`,
    );
  }
  let info: { ServerVersion?: string; DriverStatus?: Array<[string, string]> } = {};
  try {
    info = JSON.parse(probe.info.stdout) as typeof info;
  } catch {
    // an old CLI without JSON formatting: versions stay unknown
  }
  const field = (name: string): string => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(probe.inspect?.stdout ?? '')?.[1]?.trim() ?? '';
  return {
    serverVersion: info.ServerVersion ?? 'unknown',
    buildxVersion: /v?\d+\.\d+\.\d+\S*/.exec(probe.buildx.stdout)?.[0] ?? probe.buildx.stdout.trim(),
    builder: field('Name') || builder || 'default',
    driver: field('Driver') || 'docker',
    containerdStore: (info.DriverStatus ?? []).some(([k, v]) => k === 'driver-type' && v.includes('containerd.snapshotter')),
    ...location(probe, field('Driver') || 'docker'),
  };
}

function location(probe: EngineProbe, driver: string): { endpoint: string; remote: boolean } {
  const endpoint = engineEndpoint(probe.context?.ok ? probe.context.stdout.trim() : undefined);
  return { endpoint, remote: isRemoteEngine(endpoint, driver) };
}

export interface FeatureNeeds {
  cacheTo?: string[];
  cacheFrom?: string[];
  platforms?: string[];
  load?: boolean;
  push?: boolean;
}

function cacheType(spec: string): string {
  // A spec without type= is a registry reference (buildx's shorthand).
  return /(?:^|,)type=([^,]+)/.exec(spec)?.[1] ?? 'registry';
}

/** Problems with what the builder's driver can do for this request. Pure. */
export function featureProblems(engine: EngineInfo, needs: FeatureNeeds): string[] {
  const problems: string[] = [];
  const classic = engine.driver === 'docker' && !engine.containerdStore;
  const fix =
    'Use a docker-container builder (`docker buildx create --use --driver docker-container`) or enable the containerd image store ' +
    '(`"features": {"containerd-snapshotter": true}` in /etc/docker/daemon.json).';
  if (classic) {
    for (const c of needs.cacheTo ?? []) {
      const t = cacheType(c);
      if (t !== 'inline') problems.push(`The builder "${engine.builder}" (driver docker, classic image store) cannot export a cache of type=${t}. ${fix}`);
    }
    if ((needs.platforms?.length ?? 0) > 1)
      problems.push(
        `The builder "${engine.builder}" (driver docker, classic image store) cannot build multi-platform images (${needs.platforms?.join(', ')}). ${fix}`,
      );
  }
  if (needs.load && (needs.platforms?.length ?? 0) > 1 && engine.driver !== 'docker') {
    problems.push(
      `A multi-platform image (${needs.platforms?.join(', ')}) cannot be loaded into the local image store by driver ${engine.driver}; set push: true (or load: false).`,
    );
  }
  return problems;
}

const detected = new Map<string, Promise<EngineInfo>>();
const probeCache = new EngineCache<EngineInfo>();

async function probe(builder: string | undefined, run: Runner): Promise<EngineInfo> {
  if (kind === 'podman') {
    try {
      return interpretPodmanProbe(await run(PODMAN_PROBE));
    } catch (e) {
      throw new EngineError((e as Error).message);
    }
  }
  // All at once (each CLI start costs 0.1-0.3 s); the answers are read in order.
  const [version, info, buildx, inspect, context] = await Promise.all([
    run(['version', '--format', '{{.Client.Version}}']),
    run(['info', '--format', '{{json .}}']),
    run(['buildx', 'version']),
    run(['buildx', 'inspect', ...(builder ? [builder] : [])]),
    run(['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}']),
  ]);
  const answers: EngineProbe = { version, context };
  if (!version.notFound) answers.info = info;
  if (answers.info?.ok) answers.buildx = buildx;
  if (answers.buildx?.ok) answers.inspect = inspect;
  return interpretProbe(answers, builder);
}

export interface DetectOptions {
  /** The cross-process cache (tests pass their own, or none). */
  cache?: EngineCache<EngineInfo> | false;
}

/**
 * The engine's facts: once per process, and from the cross-process cache when the engine's
 * identity is unchanged. Only a successful probe is kept; a failed one says what is missing.
 */
export function detectEngine(builder?: string, run: Runner = dockerRunner, options: DetectOptions = {}): Promise<EngineInfo> {
  const real = run === dockerRunner && options.cache === undefined;
  const cache = options.cache ?? (real ? probeCache : false);
  const detect = async () => {
    const identity = cache ? engineIdentity(builder, process.env, kind) : '';
    const known = cache ? cache.get(identity) : undefined;
    if (known) return known;
    const info = await probe(builder, run);
    if (cache) cache.set(identity, info);
    return info;
  };
  if (!real) return detect();
  const key = `${kind}:${builder ?? ''}`;
  let pending = detected.get(key);
  if (!pending) {
    pending = detect();
    detected.set(key, pending);
    pending.catch(() => detected.delete(key));
  }
  return pending;
}

/** Drops what is known about the engine (after a failed build): the next detection asks it again. */
export function forgetEngine(builder?: string): void {
  detected.delete(`${kind}:${builder ?? ''}`);
  probeCache.forget(engineIdentity(builder, process.env, kind));
}

export interface ImageInspect {
  Id: string;
  RepoTags?: string[];
  RepoDigests?: string[];
  Created: string;
  Size: number;
  Architecture?: string;
  Os?: string;
  Variant?: string;
  RootFS?: { Layers?: string[] };
  Config?: { Labels?: Record<string, string> | null; ExposedPorts?: Record<string, unknown> | null };
}

export async function inspectImage(ref: string, run: Runner = dockerRunner): Promise<ImageInspect | undefined> {
  // The same answer as `docker image inspect`, from the socket when the CLI would use a local one.
  const api = run === dockerRunner ? await spawner.get?.(`/images/${encodeURI(ref)}/json`) : undefined;
  if (api?.status === 200) return JSON.parse(api.body) as ImageInspect;
  if (api?.status === 404) return undefined;
  const r = await run(['image', 'inspect', ref]);
  if (!r.ok) return undefined;
  const [image] = JSON.parse(r.stdout) as ImageInspect[];
  // Podman shows the bare hex; Docker, its API and our records, `sha256:<hex>`.
  return image && !image.Id.includes(':') ? { ...image, Id: `sha256:${image.Id}` } : image;
}

export async function tagImage(source: string, target: string, run: Runner = dockerRunner): Promise<void> {
  const r = await run(['tag', source, target]);
  if (!r.ok) throw new EngineError(`docker tag ${source} ${target} failed: ${r.stderr.trim()}`);
}
