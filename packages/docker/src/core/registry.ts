// What a registry holds, read and written through `docker buildx imagetools` (argv, no
// shell): whether a tag exists and which digest and Nx hash it carries, promotion of a
// pushed image to more tags by digest (no rebuild, no layer transfer), and the registry
// cache references of an image.
import { dockerRunner, type Runner } from './engine';
import { lastLine, withRetry } from './registry-call';
import { splitReference } from './image-ref';

export const HASH_LABEL = 'dev.nx.task-hash';

export interface RemoteImage {
  /** Manifest (or index) digest. */
  digest: string;
  /** `dev.nx.task-hash` of the image config (the first platform's, for an index). */
  nxHash?: string;
  platforms: string[];
  /** Compressed layer count and bytes of the first platform's manifest. */
  layers: number;
  size: number;
  configDigest?: string;
}

export type RemoteLookup = { found: RemoteImage } | { missing: string } | { unreachable: string };

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}
interface Manifest extends Descriptor {
  manifests?: Descriptor[];
  layers?: Descriptor[];
  config?: Descriptor;
}
interface ImageConfig {
  config?: { Labels?: Record<string, string> | null };
}

/** Reads `ref` (`repo:tag` or `repo@sha256:...`) from its registry. */
export async function lookupImage(ref: string, run: Runner = dockerRunner): Promise<RemoteLookup> {
  const manifest = await withRetry(run, ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}']);
  if (!manifest.ok) {
    const why = lastLine(manifest.stderr);
    return /not found|manifest unknown|name unknown/i.test(why) ? { missing: why } : { unreachable: why || 'imagetools inspect failed' };
  }
  const m = JSON.parse(manifest.stdout) as Manifest;
  // Attestation manifests carry platform unknown/unknown; they are not images.
  const images = (m.manifests ?? []).filter((d) => d.platform && d.platform.os !== 'unknown');
  const platforms = images.map((d) => [d.platform?.os, d.platform?.architecture, d.platform?.variant].filter(Boolean).join('/'));
  let first: Manifest | undefined = m.manifests ? undefined : m;
  if (images.length) {
    const { repository } = splitReference(ref);
    const r = await withRetry(run, ['buildx', 'imagetools', 'inspect', `${repository}@${images[0].digest}`, '--format', '{{json .Manifest}}']);
    if (r.ok) first = JSON.parse(r.stdout) as Manifest;
  }
  const config = await withRetry(run, ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Image}}']);
  let nxHash: string | undefined;
  if (config.ok) {
    const parsed = JSON.parse(config.stdout) as ImageConfig | Record<string, ImageConfig>;
    // A multi-platform index answers with one config per platform.
    const one = 'config' in parsed || 'rootfs' in parsed ? (parsed as ImageConfig) : Object.values(parsed as Record<string, ImageConfig>)[0];
    nxHash = one?.config?.Labels?.[HASH_LABEL];
  }
  return {
    found: {
      digest: m.digest,
      nxHash,
      platforms,
      layers: first?.layers?.length ?? 0,
      size: (first?.layers ?? []).reduce((sum, l) => sum + (l.size ?? 0), 0),
      configDigest: first?.config?.digest,
    },
  };
}

/**
 * Why a recorded image must not be used, or undefined when the registry has `digest` in
 * `repository` and it carries `expectedHash` (a cache entry can be stale or poisoned).
 */
export async function distrustReason(
  repository: string,
  digest: string | undefined,
  expectedHash: string,
  run: Runner = dockerRunner,
): Promise<string | undefined> {
  if (!digest) return 'it records no pushed digest';
  const lookup = await lookupImage(`${repository}@${digest}`, run);
  if ('missing' in lookup) return `the registry has no ${repository}@${digest}`;
  if ('unreachable' in lookup) return `the registry could not be asked about ${repository}@${digest} (${lookup.unreachable})`;
  if (lookup.found.nxHash !== expectedHash) {
    return `${repository}@${digest} carries Nx hash ${lookup.found.nxHash ?? '(none)'}, not the expected ${expectedHash}`;
  }
  return undefined;
}

/** Adds `targets` (full references) to the image `source` (`repo@digest`), registry side. */
export async function promote(source: string, targets: string[], run: Runner = dockerRunner): Promise<void> {
  const argv = ['buildx', 'imagetools', 'create'];
  for (const t of targets) argv.push('--tag', t);
  argv.push(source);
  const r = await withRetry(run, argv);
  if (!r.ok) throw new Error(`docker buildx imagetools create failed for ${source}: ${lastLine(r.stderr)}`);
}

/** A tag-safe form of a branch name (`feature/x` -> `feature-x`). */
export function branchSlug(branch: string): string {
  return (
    branch
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 100) || 'branch'
  );
}

/**
 * Registry cache references for an image: every branch reads its own cache and the default
 * branch's; the default branch writes `<repo>:buildcache`, other branches their own, so a
 * pull request never overwrites the cache main builds from.
 */
export function registryCache(repository: string, branch: string | undefined, defaultBranch: string): { cacheFrom: string[]; cacheTo: string[] } {
  const main = `${repository}:buildcache`;
  const own = branch && branch !== defaultBranch ? `${repository}:buildcache-${branchSlug(branch)}` : main;
  const from = [...new Set([own, main])].map((ref) => `type=registry,ref=${ref}`);
  return { cacheFrom: from, cacheTo: [`type=registry,ref=${own},mode=max`] };
}
