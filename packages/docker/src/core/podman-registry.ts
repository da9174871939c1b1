// Registry operations under Podman. Docker's side reads and writes registries with
// `docker buildx imagetools`; Podman has no such verb, so the same calls are served by skopeo
// (Podman's registry tool, from the same project): manifests and configs read with
// `skopeo inspect`, tags added by digest with `skopeo copy --preserve-digests` (registry side,
// the digest kept). The answers take imagetools' shape, so registry.ts reads them alike.
// Podman also verifies TLS for every registry unless told otherwise, where Docker treats a
// loopback registry (127.0.0.1:5000, localhost:5000) as insecure by default: the same here.
import { createHash } from 'node:crypto';
import type { CommandResult, Runner } from './engine';
import { isLoopbackRegistry } from './image-ref';

/** Podman's flag that lets it talk plain HTTP to a loopback registry, as Docker does by default. */
export const tls = (ref: string, flag = '--tls-verify'): string[] => (isLoopbackRegistry(ref) ? [`${flag}=false`] : []);

/** What Podman's side does for an `imagetools` call (`args` after `buildx imagetools`). */
export type SkopeoPlan = { read: string[]; shape: 'manifest' | 'as-is' } | { copies: string[][] } | { unsupported: string };

export function imagetoolsOnSkopeo(args: string[]): SkopeoPlan {
  const [verb, ...rest] = args;
  if (verb === 'inspect') {
    const raw = rest.includes('--raw');
    const format = rest[rest.indexOf('--format') + 1];
    const ref = rest.find((a, i) => !a.startsWith('--') && rest[i - 1] !== '--format') ?? '';
    if (raw || format === '{{json .Manifest}}') return { read: ['inspect', ...tls(ref), '--raw', `docker://${ref}`], shape: raw ? 'as-is' : 'manifest' };
    if (format === '{{json .Image}}') return { read: ['inspect', ...tls(ref), '--config', `docker://${ref}`], shape: 'as-is' };
  }
  if (verb === 'create' && !rest.includes('--annotation')) {
    const targets = rest.flatMap((a, i) => (rest[i - 1] === '--tag' ? [a] : []));
    const source = rest[rest.length - 1];
    return {
      copies: targets.map((t) => [
        'copy',
        '--all',
        '--preserve-digests',
        ...tls(source, '--src-tls-verify'),
        ...tls(t, '--dest-tls-verify'),
        `docker://${source}`,
        `docker://${t}`,
      ]),
    };
  }
  if (verb === 'create')
    return {
      unsupported:
        'signatures are written as annotated OCI indexes with docker buildx imagetools, which Podman does not have: unset the signing key, or set the plugin option "engine" to "docker"',
    };
  return { unsupported: `Podman has no equivalent of docker buildx imagetools ${args.join(' ')}` };
}

/** A raw manifest as imagetools' `{{json .Manifest}}` shows it: the descriptor's digest and size added. */
export function manifestAnswer(raw: string): string {
  const manifest = JSON.parse(raw) as Record<string, unknown>;
  const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  return JSON.stringify({ ...manifest, digest, size: Buffer.byteLength(raw) });
}

/** Serves an imagetools call (`args` after `buildx imagetools`) with `skopeo`, which runs skopeo's argv. */
export async function imagetoolsViaSkopeo(args: string[], skopeo: Runner): Promise<CommandResult> {
  const plan = imagetoolsOnSkopeo(args);
  if ('unsupported' in plan) return { ok: false, stdout: '', stderr: plan.unsupported };
  if ('copies' in plan) {
    for (const argv of plan.copies) {
      const r = await skopeo(argv);
      if (!r.ok) return r;
    }
    return { ok: true, stdout: '', stderr: '' };
  }
  const r = await skopeo(plan.read);
  if (!r.ok || plan.shape === 'as-is') return r;
  return { ...r, stdout: manifestAnswer(r.stdout) };
}
