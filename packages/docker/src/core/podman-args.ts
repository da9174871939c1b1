// The `podman build` argv for a build request, and what Podman cannot do of it. Pure: no I/O,
// no shell. Podman (buildah) reads the same Dockerfiles, cache and secret mounts, named build
// contexts (`docker-image://` too) and env/file secrets as BuildKit; it writes the image to its
// own store (no --load), pushes with `podman push` (no --push, no provenance), reports the image
// id through --iidfile (no --metadata-file) and prints plain `STEP n/m` lines (no rawjson).
import { contextSource, resolveSecret, type BuildRequest } from './buildx-args';
import { isLoopbackRegistry, registryOf, splitReference } from './image-ref';

/** A cache spec's repository (`type=registry,ref=r/x:cache` or the shorthand `r/x:cache`), tag and digest dropped. */
function cacheRepository(spec: string): string | undefined {
  const fields = Object.fromEntries(spec.split(',').map((p) => p.split('=', 2) as [string, string]));
  const type = spec.includes('=') ? (fields.type ?? 'registry') : 'registry';
  if (type !== 'registry') return undefined;
  const ref = spec.includes('=') ? fields.ref : spec;
  return ref ? splitReference(ref).repository : undefined;
}

/** What Podman cannot do of this request, each naming the option to change. Empty: it can build it. */
export function podmanProblems(req: Pick<BuildRequest, 'builder' | 'cacheFrom' | 'cacheTo' | 'platforms'> & { signs?: boolean }): string[] {
  const problems: string[] = [];
  const fix = 'or set the plugin option "engine" to "docker"';
  if (req.signs)
    problems.push(
      `"signingPublicKey": a pushed image is signed by an annotated OCI index that docker buildx imagetools writes, which Podman has no equivalent of: remove "signingPublicKey", build without pushing, ${fix}.`,
    );
  if (req.builder) problems.push(`"builder" (${req.builder}) names a buildx builder, which Podman does not have: remove it, ${fix}.`);
  for (const [option, specs] of [
    ['cacheFrom', req.cacheFrom],
    ['cacheTo', req.cacheTo],
  ] as const)
    for (const spec of specs ?? [])
      if (!cacheRepository(spec))
        problems.push(`"${option}" ${spec}: Podman caches layers in a registry repository only (e.g. "registry.example.com/app/cache"), ${fix}.`);
  if ((req.platforms?.length ?? 0) > 1)
    problems.push(`"platforms" lists ${req.platforms?.join(', ')}: a multi-platform image needs buildx here; build one platform with Podman, ${fix}.`);
  return problems;
}

/**
 * The loopback registries (`127.0.0.1:5000`) a build pushes to, caches in, pulls from or takes a
 * named context from: Docker speaks plain HTTP to them, Podman only when its registries.conf says so
 * (podman-registries-conf.ts), which leaves every other registry verified.
 */
export function loopbackRegistries(req: Pick<BuildRequest, 'tags' | 'cacheFrom' | 'cacheTo' | 'buildContexts' | 'pulls'>): string[] {
  const refs = [...req.tags, ...(req.pulls ?? []), ...[...(req.cacheFrom ?? []), ...(req.cacheTo ?? [])].flatMap((c) => cacheRepository(c) ?? [])];
  for (const source of Object.values(req.buildContexts ?? {})) if (source.startsWith('docker-image://')) refs.push(source.slice('docker-image://'.length));
  return [...new Set(refs.filter(isLoopbackRegistry).map(registryOf))];
}

/** `podman build ...` for a request Podman can build (see podmanProblems); the image id goes to `iidFile`. */
export function podmanBuildArgv(req: BuildRequest, iidFile: string): string[] {
  const argv = ['build', '--file', req.dockerfile, '--iidfile', iidFile, '--layers'];
  if (req.target) argv.push('--target', req.target);
  for (const tag of req.tags) argv.push('--tag', tag);
  for (const [k, v] of Object.entries(req.labels ?? {})) argv.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(req.buildArgs ?? {})) argv.push('--build-arg', `${k}=${v}`);
  for (const s of req.secrets ?? []) argv.push('--secret', resolveSecret(s, req.cwd));
  for (const [name, source] of Object.entries(req.buildContexts ?? {})) argv.push('--build-context', `${name}=${contextSource(source, req.cwd)}`);
  if (req.platforms?.length === 1) argv.push('--platform', req.platforms[0]);
  for (const c of req.cacheFrom ?? []) argv.push('--cache-from', cacheRepository(c) ?? c);
  for (const c of req.cacheTo ?? []) argv.push('--cache-to', cacheRepository(c) ?? c);
  if (req.network) argv.push('--network', req.network);
  if (req.pull) argv.push('--pull');
  if (req.noCache) argv.push('--no-cache');
  argv.push(req.context);
  return argv;
}
