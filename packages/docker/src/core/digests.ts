// Pinning base images by digest: `name:tag` -> `name:tag@sha256:...`, resolved from the
// registry (not the local engine: a local image's digest may not exist remotely).
import { dockerRunner, type Runner } from './engine';
import { isPinned } from './image-ref';

export type DigestResult = { ref: string; pinned: string } | { ref: string; error: string };

export async function resolveDigest(ref: string, run: Runner = dockerRunner): Promise<DigestResult> {
  if (isPinned(ref)) return { ref, pinned: ref };
  const r = await run(['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}']);
  const digest = r.ok ? /"digest"\s*:\s*"(sha256:[a-f0-9]{64})"/.exec(r.stdout)?.[1] : undefined;
  if (!digest) {
    const why = (r.stderr || r.stdout || 'imagetools inspect failed').trim().split('\n').pop();
    return { ref, error: why ?? 'no digest in the answer' };
  }
  return { ref, pinned: `${ref}@${digest}` };
}
