// Image references, in one place: splitting `registry/repo:tag@digest`, telling a registry host
// from a namespace, putting an image in a registry, comparing references across registries, and
// whether a reference is pinned by digest.

/** Splits `registry/repo:tag` into repository and tag (a port is not a tag). */
export function splitReference(ref: string): { repository: string; tag?: string; digest?: string } {
  const [nameTag, digest] = ref.split('@');
  const slash = nameTag.lastIndexOf('/');
  const colon = nameTag.lastIndexOf(':');
  if (colon > slash) return { repository: nameTag.slice(0, colon), tag: nameTag.slice(colon + 1), digest };
  return { repository: nameTag, digest };
}

/** True when the first path component of `image` names a registry host (`host.tld`, `host:port`, `localhost`). */
export function hasRegistryHost(image: string): boolean {
  const first = image.split('/')[0];
  return image.includes('/') && (/[.:]/.test(first) || first === 'localhost');
}

/** The registry host of a reference: its first component when that names a host, else Docker Hub. */
export function registryOf(ref: string): string {
  return hasRegistryHost(ref) ? ref.split('/')[0] : 'docker.io';
}

/** The fully qualified form containerd stores: `api:1` -> `docker.io/library/api:1`, `acme/api` -> `docker.io/acme/api`. */
export function fullyQualified(ref: string): string {
  if (hasRegistryHost(ref)) return ref;
  return ref.includes('/') ? `docker.io/${ref}` : `docker.io/library/${ref}`;
}

/** A reference in a registry on this machine (`127.0.0.1:5000/x`, `localhost:5000/x`): Docker speaks plain HTTP to it. */
export function isLoopbackRegistry(ref: string): boolean {
  const host = registryOf(ref).replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** `registry/image` unless the image already names a registry. */
export function inRegistry(image: string, registry: string | undefined): string {
  const reg = registry?.trim().replace(/\/+$/, '');
  if (!reg || hasRegistryHost(image)) return image;
  return `${reg}/${image}`;
}

/** `docker.io/library/python:3` -> `python`; tags and digests dropped. */
export function normalizeRepository(ref: string): string {
  let { repository } = splitReference(ref.replace(/^docker-image:\/\//, ''));
  repository = repository.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
  return repository.toLowerCase();
}

/** The repository without its registry host: `127.0.0.1:5000/acme/api` -> `acme/api`. */
export function withoutRegistry(repository: string): string {
  return hasRegistryHost(repository) ? repository.slice(repository.indexOf('/') + 1) : repository;
}

/** `name:tag@sha256:...` already pinned? */
export function isPinned(ref: string): boolean {
  return /@sha256:[a-f0-9]{64}$/.test(ref);
}
