// docker-audit: checks a built image, not its Dockerfile: the config (user, healthcheck,
// environment), the history (build args that look like secrets) and the filesystem (`.git`
// and package-manager caches left behind), read by streaming `docker export` through a tar
// parser, never unpacked to disk.
import { extract } from 'tar-stream';
import type { Finding } from './analysis';
import { dockerRunner, inspectImage, spawnEngine, type Runner } from './engine';
import { hasUrlCredentials } from './credentials';
import { isSecretName } from './lint-rules';

export interface ImageFacts {
  user: string;
  healthcheck?: string[];
  env: string[];
  /** Config labels. */
  labels?: Record<string, string>;
  /** `docker history` CreatedBy lines, newest first. */
  history: string[];
  /** Paths in the filesystem (no leading slash) that should not be there. */
  leftovers: string[];
}

// What no production image needs: VCS data and package-manager caches.
const LEFTOVER = [
  /(^|\/)\.git\/$/,
  /^root\/\.cache\/pip\/./,
  /^root\/\.npm\/_cacache\/./,
  /^usr\/local\/share\/\.cache\/yarn\/./,
  /^root\/\.cache\/deno\/./,
  /^var\/lib\/apt\/lists\/[^/]+_[^/]+$/,
  /^var\/cache\/apt\/archives\/[^/]+\.deb$/,
];

/** Paths of the image's filesystem that match LEFTOVER (at most `limit`). */
export async function findLeftovers(ref: string, limit = 20): Promise<string[]> {
  return (await inContainer(ref, undefined, (id) => scanExport(id, limit))).result;
}

/** Runs `use` on a container created (never started) from `ref`, of `platform` when given, then removes it. */
async function inContainer<T>(ref: string, platform: string | undefined, use: (id: string) => Promise<T>): Promise<{ id: string; result: T }> {
  const created = await spawnEngine(['create', ...(platform ? ['--platform', platform] : []), ref]);
  if (created.exitCode !== 0) throw new Error(`docker create ${ref} failed: ${created.stderr.trim()}`);
  const id = created.stdout.trim();
  try {
    return { id, result: await use(id) };
  } finally {
    await spawnEngine(['rm', '--force', id]);
  }
}

/** Streams the container's filesystem through a tar parser: the LEFTOVER paths, never unpacked. */
async function scanExport(id: string, limit: number): Promise<string[]> {
  const found: string[] = [];
  const exported = spawnEngine(['export', id], { buffer: false });
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    const name = header.name.replace(/^\.?\//, '') + (header.type === 'directory' && !header.name.endsWith('/') ? '/' : '');
    if (found.length < limit && LEFTOVER.some((p) => p.test(name))) found.push(name);
    stream.on('end', next);
    stream.resume();
  });
  const done = new Promise<void>((resolve, reject) => {
    tar.on('finish', resolve);
    tar.on('error', reject);
  });
  exported.stdout?.pipe(tar);
  await Promise.all([done, exported]);
  return found;
}

export async function imageFacts(ref: string, run: Runner = dockerRunner): Promise<ImageFacts> {
  const inspect = (await inspectImage(ref, run)) as
    (Awaited<ReturnType<typeof inspectImage>> & { Config?: { User?: string; Env?: string[]; Healthcheck?: { Test?: string[] } } }) | undefined;
  if (!inspect) throw new Error(`No image ${ref} in the engine.`);
  const history = await run(['history', '--no-trunc', '--format', '{{.CreatedBy}}', ref]);
  return {
    user: inspect.Config?.User ?? '',
    healthcheck: inspect.Config?.Healthcheck?.Test,
    env: inspect.Config?.Env ?? [],
    labels: inspect.Config?.Labels ?? {},
    history: history.ok ? history.stdout.split('\n').filter(Boolean) : [],
    leftovers: await findLeftovers(ref),
  };
}

type ContainerConfig = { User?: string; Env?: string[]; Labels?: Record<string, string> | null; Healthcheck?: { Test?: string[] } };

/**
 * The facts of each platform's image of a pushed multi-platform index, from a container of that
 * platform (created, never started, so no emulation runs): its config as the engine reads it
 * from that platform's image, and its files; the history from the registry.
 */
export async function platformImageFacts(ref: string, platforms: string[], run: Runner = dockerRunner): Promise<Map<string, ImageFacts>> {
  const answer = await run(['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Image}}']);
  if (!answer.ok) throw new Error(`Could not read ${ref}'s platforms from the registry: ${answer.stderr.trim()}`);
  const images = JSON.parse(answer.stdout) as Record<string, { history?: Array<{ created_by?: string }> }>;
  const out = new Map<string, ImageFacts>();
  for (const platform of platforms) {
    if (!images[platform]) throw new Error(`${ref} has no ${platform} image in the registry (it has ${Object.keys(images).join(', ')}).`);
    const { result } = await inContainer(ref, platform, async (id) => {
      const inspected = await run(['container', 'inspect', '--format', '{{json .Config}}', id]);
      if (!inspected.ok) throw new Error(`docker container inspect failed: ${inspected.stderr.trim()}`);
      return { config: JSON.parse(inspected.stdout) as ContainerConfig, leftovers: await scanExport(id, 20) };
    });
    out.set(platform, {
      user: result.config.User ?? '',
      healthcheck: result.config.Healthcheck?.Test,
      env: result.config.Env ?? [],
      labels: result.config.Labels ?? {},
      history: (images[platform].history ?? []).map((h) => h.created_by ?? '').reverse(),
      leftovers: result.leftovers,
    });
  }
  return out;
}

/** Findings for an image's facts. Pure. */
export function auditFacts(facts: ImageFacts): Finding[] {
  const findings: Finding[] = [];
  const user = facts.user.trim();
  if (!user || /^(root|0)(:.*)?$/.test(user)) {
    findings.push({
      id: 'image-runs-as-root',
      severity: 'error',
      message: user ? `the image runs as ${user}` : 'the image sets no user, so it runs as root',
      fix: 'End the final stage with a numeric non-root USER, e.g. `USER 10001:10001`.',
    });
  }
  if (!facts.healthcheck?.length || facts.healthcheck[0] === 'NONE') {
    findings.push({ id: 'image-no-healthcheck', severity: 'warning', message: 'the image has no HEALTHCHECK', fix: 'Add a HEALTHCHECK to the final stage.' });
  }
  const withCredentials = [
    ...Object.entries(facts.labels ?? {}).map(([k, v]) => ({ where: `label ${k}`, value: v })),
    ...facts.env.map((e) => ({ where: `environment variable ${e.split('=')[0]}`, value: e.slice(e.indexOf('=') + 1) })),
  ].filter((x) => hasUrlCredentials(x.value));
  for (const { where } of withCredentials) {
    findings.push({
      id: 'image-url-credentials',
      severity: 'error',
      message: `${where} holds a URL with credentials (user:password@ or token@), readable by anyone who pulls the image`,
      fix: 'Strip user-info from URLs before they become labels or ENV (the plugin does for its own labels); rotate the credential.',
    });
  }
  for (const name of facts.env.map((e) => e.split('=')[0]).filter(isSecretName)) {
    findings.push({
      id: 'image-secret-env',
      severity: 'error',
      message: `environment variable ${name} looks like a secret, and anyone who pulls the image can read it`,
      fix: 'Inject it at run time (orchestrator secret, env file); for build-time use `RUN --mount=type=secret`.',
    });
  }
  const args = new Set<string>();
  for (const line of facts.history) {
    // `ARG NPM_TOKEN` and RUN steps recorded with their build args: `|2 NPM_TOKEN=... X=y /bin/sh -c ...`.
    for (const m of line.matchAll(/\bARG\s+([A-Za-z_][A-Za-z0-9_]*)/g)) args.add(m[1]);
    const prefix = /^\|\d+\s+(.*?)\s+\/bin\/sh -c/.exec(line)?.[1] ?? '';
    for (const m of prefix.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)) args.add(m[1]);
  }
  for (const name of [...args].filter(isSecretName).sort()) {
    findings.push({
      id: 'image-secret-build-arg',
      severity: 'error',
      message: `build argument ${name} looks like a secret; its value is recorded in the image history`,
      fix: 'Pass it as a build secret: `--secret id=…` and `RUN --mount=type=secret,id=…`.',
    });
  }
  if (facts.leftovers.length) {
    findings.push({
      id: 'image-leftovers',
      severity: 'warning',
      message: `the filesystem keeps what no running service needs: ${facts.leftovers
        .slice(0, 5)
        .map((p) => `/${p}`)
        .join(', ')}${facts.leftovers.length > 5 ? ', …' : ''}`,
      fix: 'Keep .git out with .dockerignore; use cache mounts (or --no-cache-dir / rm -rf /var/lib/apt/lists/*) so package caches never reach a layer.',
    });
  }
  return findings;
}
