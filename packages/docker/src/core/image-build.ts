// One image build from start to record: validate the Dockerfile (file and line on
// error, before Docker runs), check the engine can do what is asked, run buildx, then
// inspect the result into an ImageRecord. Shared by the build and run executors.
import { relative } from 'node:path';
import { runBuildx, type BuildHooks } from './build';
import { failureCause } from './build-failure';
import type { BuildRequest } from './buildx-args';
import type { BuildPlan } from './build-plan';
import { formatProblems } from './problems';
import { detectEngine, featureProblems, forgetEngine, inspectImage, type EngineInfo } from './engine';
import type { ImageRecord } from './image-record';
import { podmanProblems } from './podman-args';
import { contentTag } from './naming';
import { HASH_LABEL, lookupImage, promote, type RemoteImage } from './registry';
import { signatureProblem, signImage, SIGNING_KEY_ENV, type SigningKeys } from './signature';

export { HASH_LABEL };

/** Attempts at a push the registry failed transiently, the first pause doubling each time. */
const PUSH_ATTEMPTS = 3;
const PUSH_BACKOFF_MS = 2000;

export class BuildFailure extends Error {
  override name = 'BuildFailure';
}

export interface ImageBuildInput extends Omit<BuildRequest, 'tags' | 'metadataFile'> {
  /** `registry/repository`, no tag. */
  repository: string;
  /** Extra tags (already expanded), without repository. */
  extraTags: string[];
  nxHash: string;
  /** Workspace root: paths in the record are relative to it. */
  workspaceRoot: string;
  /** What the build reads and uses, and the Dockerfile's problems (computed once, at inference). */
  plan: BuildPlan;
  /** Pushed images are signed with, and adopted only when signed by, these keys. */
  signing?: SigningKeys;
  /** Stop the build after this many seconds (the executor's `timeout` option). */
  timeoutSeconds?: number;
  /**
   * Set when cacheFrom/cacheTo are the plugin's registry cache: a builder that cannot export
   * one then gets an inline cache (with a warning) instead of failing the build.
   */
  registryCache?: boolean;
}

/** Fails before Docker runs when the plan found problems: `file:line: message`, nothing built. */
export function checkPlan(plan: BuildPlan): void {
  if (plan.problems.length) {
    throw new BuildFailure(`${formatProblems(plan.dockerfile, plan.problems)}\nFix the Dockerfile at the line shown; nothing was built.`);
  }
}

export async function buildImage(input: ImageBuildInput, hooks: BuildHooks = {}): Promise<{ record: ImageRecord; engine: EngineInfo }> {
  checkPlan(input.plan);
  if (input.push && input.signing && !input.signing.privateKey) {
    throw new BuildFailure(
      `Pushed images must be signed with the key ${input.signing.source} names, but ${SIGNING_KEY_ENV} is not set here, so nothing was built or pushed. ` +
        `Set it (a CI secret) on the runner that publishes, or build without pushing.`,
    );
  }
  const engine = await detectEngine(input.builder);
  if (input.registryCache && featureProblems(engine, { cacheTo: input.cacheTo }).length) {
    console.warn(
      `The builder "${engine.builder}" (driver ${engine.driver}, classic image store) cannot export a registry cache; ` +
        `using an inline cache in the pushed image instead. For a full (mode=max) cache use a docker-container builder or the containerd image store.`,
    );
    // The pushed image then also goes by the cache tag, so the next build's cache-from finds it.
    const cacheTags = (input.cacheTo ?? []).flatMap((spec) => /(?:^|,)ref=[^,]*:([^:,/]+)(?:,|$)/.exec(spec)?.[1] ?? []);
    input = { ...input, cacheTo: ['type=inline'], extraTags: [...input.extraTags, ...cacheTags] };
  }
  const podman = engine.driver === 'podman' ? podmanProblems({ ...input, signs: Boolean(input.push && input.signing) }) : [];
  if (podman.length) throw new BuildFailure(`Podman cannot build ${relative(input.workspaceRoot, input.dockerfile)} as configured:\n${podman.join('\n')}`);
  const problems = featureProblems(engine, {
    cacheTo: input.cacheTo,
    cacheFrom: input.cacheFrom,
    platforms: input.platforms,
    load: input.load ?? !input.push,
    push: input.push,
  });
  if (problems.length) throw new BuildFailure(problems.join('\n'));

  const primary = `${input.repository}:${contentTag(input.nxHash)}`;
  const references = [primary, ...input.extraTags.map((t) => `${input.repository}:${t}`)];
  // The docker driver on the classic image store cannot attach attestations: push without them.
  const provenance = engine.driver !== 'docker' || engine.containerdStore;
  if (input.push && !provenance)
    console.log(`The engine at ${engine.endpoint ?? 'this endpoint'} has the classic image store: pushing without SLSA provenance.`);
  const pulls = input.plan.uses.map((u) => u.ref);
  const request = { ...input, provenance, pulls, tags: references, labels: { ...input.labels, [HASH_LABEL]: input.nxHash } };
  let result = await runBuildx(request, hooks);
  // A push the registry dropped (5xx, 429, a reset connection) is tried again: every step is
  // cached by then, so an attempt costs the export and push only.
  for (let attempt = 2; !result.ok && !result.interrupted && attempt <= PUSH_ATTEMPTS; attempt++) {
    const cause = failureCause(result);
    if (!cause.transient) break;
    const pause = PUSH_BACKOFF_MS * 2 ** (attempt - 2);
    console.warn(`⚠ ${cause.message}. Trying again in ${pause / 1000} s (attempt ${attempt} of ${PUSH_ATTEMPTS}).`);
    await new Promise((done) => setTimeout(done, pause));
    result = await runBuildx(request, hooks);
  }
  if (!result.ok) {
    // Whatever the engine was believed to be, ask it again next time: the failure may be its.
    if (!result.interrupted) forgetEngine(input.builder);
    const cause = failureCause(result);
    const why = result.timedOut
      ? `it ran longer than the "timeout" of ${input.timeoutSeconds} s and was stopped; raise "timeout" or find the slow step above`
      : result.interrupted
        ? 'the build was interrupted'
        : cause.push
          ? `${cause.message}${cause.transient ? ` (${PUSH_ATTEMPTS} attempts)` : ''}. The image was built; nothing was recorded, so the next run pushes it again.`
          : cause.message;
    throw new BuildFailure(
      `${engine.driver === 'podman' ? 'podman build' : 'docker buildx build'} failed for ${relative(input.workspaceRoot, input.dockerfile)}: ${why}`,
    );
  }

  // Pushed images are in the engine too with the docker driver (and absent with others).
  const inspected = await inspectImage(primary);
  const digest = typeof result.metadata['containerimage.digest'] === 'string' ? (result.metadata['containerimage.digest'] as string) : undefined;
  const platform = inspected ? [inspected.Os, inspected.Architecture, inspected.Variant].filter(Boolean).join('/') : undefined;
  const record: ImageRecord = {
    references,
    contentTag: primary,
    imageId: inspected?.Id ?? (result.metadata['containerimage.config.digest'] as string | undefined) ?? '',
    digest: input.push ? digest : undefined,
    platforms: input.platforms?.length ? input.platforms : platform ? [platform] : [],
    size: inspected?.Size ?? 0,
    layers: inspected?.RootFS?.Layers?.length ?? 0,
    created: inspected?.Created ?? new Date().toISOString(),
    nxHash: input.nxHash,
    dockerfile: relative(input.workspaceRoot, input.dockerfile),
    context: relative(input.workspaceRoot, input.context) || '.',
    target: input.target,
    buildArgs: Object.keys(input.buildArgs ?? {}),
    builder: `${engine.builder} (${engine.driver})`,
    durationMs: result.durationMs,
    steps: {
      cached: result.stats.cached,
      executed: result.stats.executed,
      total: result.stats.steps.length,
      ran: result.stats.steps.filter((s) => !s.cached).map((s) => s.name),
    },
    pushed: Boolean(input.push),
  };
  if (input.push && input.signing?.privateKey) {
    if (!digest) throw new BuildFailure(`buildx pushed ${primary} but reported no digest, so it cannot be signed; nothing was recorded.`);
    try {
      const tag = await signImage(input.repository, digest, input.nxHash, input.signing.privateKey);
      console.log(`Signed ${input.repository}@${digest} (${tag}).`);
    } catch (e) {
      throw new BuildFailure(`${primary} was pushed, but ${(e as Error).message}; nothing was recorded, so the next run builds and signs it again.`);
    }
  }
  return { record, engine };
}

/**
 * The registry may hold this exact build already (the Nx cache entry evicted, another
 * runner faster): then its record, without building. A tag whose image carries another
 * Nx hash is not reused.
 */
export async function findInRegistry(input: ImageBuildInput): Promise<ImageRecord | undefined> {
  const ref = `${input.repository}:${contentTag(input.nxHash)}`;
  const lookup = await lookupImage(ref);
  if ('unreachable' in lookup) {
    console.warn(`Could not ask the registry about ${ref} (${lookup.unreachable}); building.`);
    return undefined;
  }
  if ('missing' in lookup) return undefined;
  if (lookup.found.nxHash !== input.nxHash) {
    console.warn(`${ref} in the registry carries Nx hash ${lookup.found.nxHash ?? '(none)'}, not ${input.nxHash}; rebuilding it.`);
    return undefined;
  }
  if (input.signing) {
    const unsigned = await signatureProblem(input.repository, lookup.found.digest, input.nxHash, input.signing.publicKey);
    if (unsigned) {
      console.warn(`${ref} in the registry cannot be trusted: ${unsigned}. Building it again.`);
      return undefined;
    }
  }
  const record = recordFromRegistry(input, lookup.found);
  // The configured tags move to this image as a fresh push would move them: registry side, by digest.
  const extra = input.extraTags.map((t) => `${input.repository}:${t}`);
  if (extra.length) {
    await promote(`${input.repository}@${lookup.found.digest}`, extra);
    record.references.push(...extra);
  }
  return record;
}

/** The record of an image the registry already holds under its content tag: nothing was built. */
export function recordFromRegistry(input: ImageBuildInput, remote: RemoteImage): ImageRecord {
  const primary = `${input.repository}:${contentTag(input.nxHash)}`;
  return {
    references: [primary],
    contentTag: primary,
    imageId: remote.configDigest ?? '',
    digest: remote.digest,
    platforms: remote.platforms,
    size: remote.size,
    layers: remote.layers,
    created: new Date().toISOString(),
    nxHash: input.nxHash,
    dockerfile: relative(input.workspaceRoot, input.dockerfile),
    context: relative(input.workspaceRoot, input.context) || '.',
    target: input.target,
    buildArgs: Object.keys(input.buildArgs ?? {}),
    builder: 'none (found in the registry)',
    durationMs: 0,
    steps: { cached: 0, executed: 0, total: 0, ran: [] },
    pushed: true,
  };
}

export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e3).toFixed(1)} kB`;
}

export function summaryLine(record: ImageRecord): string {
  return (
    `✔ ${record.contentTag} · ${formatSize(record.size)} · ${(record.durationMs / 1000).toFixed(1)}s · ` +
    `steps ${record.steps.cached}/${record.steps.total} cached${record.digest ? ` · ${record.digest}` : ''}`
  );
}
