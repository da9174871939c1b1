// The `docker buildx build` argv for a build request. Pure: no I/O, no shell. Every
// value is its own argv element, so project names and paths are never interpreted.
import { isAbsolute, resolve } from 'node:path';

export interface BuildRequest {
  /** Absolute paths: the executor resolves them against the workspace root. */
  dockerfile: string;
  context: string;
  tags: string[];
  target?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** `id=npm,env=NPM_TOKEN` or `id=key,src=path` (src relative to `cwd`). */
  secrets?: string[];
  /** name -> local path (relative to `cwd`) or a `docker-image://`, `https://`, `oci-layout://` source. */
  buildContexts?: Record<string, string>;
  platforms?: string[];
  cacheFrom?: string[];
  cacheTo?: string[];
  network?: string;
  pull?: boolean;
  noCache?: boolean;
  load?: boolean;
  push?: boolean;
  /** SLSA provenance on a pushed image (default true); the classic image store cannot make it. */
  provenance?: boolean;
  builder?: string;
  metadataFile?: string;
  /** The images the Dockerfile names (the plan's uses): Podman reaches loopback registries among them over HTTP, as Docker does. */
  pulls?: string[];
  /** Resolves relative secret and context paths. */
  cwd: string;
}

const REMOTE_CONTEXT = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A named build context's source as the engine takes it: a URL as is, a path made absolute against `cwd`. */
export function contextSource(source: string, cwd: string): string {
  return REMOTE_CONTEXT.test(source) ? source : resolve(cwd, source);
}

/** A `--secret` spec with a relative `src=` made absolute against `cwd` (the engine runs elsewhere). */
export function resolveSecret(spec: string, cwd: string): string {
  return spec
    .split(',')
    .map((part) => {
      const m = /^(src|source)=(.*)$/.exec(part);
      return m && !isAbsolute(m[2]) ? `${m[1]}=${resolve(cwd, m[2])}` : part;
    })
    .join(',');
}

export function buildxArgv(req: BuildRequest): string[] {
  const argv = ['buildx', 'build'];
  if (req.builder) argv.push('--builder', req.builder);
  argv.push('--file', req.dockerfile);
  if (req.target) argv.push('--target', req.target);
  for (const tag of req.tags) argv.push('--tag', tag);
  for (const [k, v] of Object.entries(req.labels ?? {})) argv.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(req.buildArgs ?? {})) argv.push('--build-arg', `${k}=${v}`);
  for (const s of req.secrets ?? []) argv.push('--secret', resolveSecret(s, req.cwd));
  for (const [name, source] of Object.entries(req.buildContexts ?? {})) {
    argv.push('--build-context', `${name}=${contextSource(source, req.cwd)}`);
  }
  if (req.platforms?.length) argv.push('--platform', req.platforms.join(','));
  for (const c of req.cacheFrom ?? []) argv.push('--cache-from', c);
  for (const c of req.cacheTo ?? []) argv.push('--cache-to', c);
  if (req.network) argv.push('--network', req.network);
  if (req.pull) argv.push('--pull');
  if (req.noCache) argv.push('--no-cache');
  if (req.push) {
    argv.push('--push');
    // A pushed image gets SLSA provenance, which also makes it an index: the registry can then
    // give it more tags by digest (imagetools create) without minting a new digest.
    if (req.provenance !== false) argv.push('--provenance', 'mode=min');
  }
  // A multi-platform image cannot be loaded into the classic image store; push carries it.
  if (req.load ?? !req.push) argv.push('--load');
  if (req.metadataFile) argv.push('--metadata-file', req.metadataFile);
  argv.push('--progress', 'rawjson');
  argv.push(req.context);
  return argv;
}
