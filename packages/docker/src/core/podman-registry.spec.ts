import { createHash } from 'node:crypto';
import type { CommandResult } from './engine';
import { isLoopbackRegistry } from './image-ref';
import { imagetoolsOnSkopeo, imagetoolsViaSkopeo, manifestAnswer } from './podman-registry';

const ok = (stdout = ''): CommandResult => ({ ok: true, stdout, stderr: '' });

describe('registry operations under Podman (skopeo)', () => {
  it('reads a manifest and an image config as imagetools inspect does, TLS off only for a loopback registry', () => {
    expect(imagetoolsOnSkopeo(['inspect', '127.0.0.1:5000/api:nx-1', '--format', '{{json .Manifest}}'])).toEqual({
      read: ['inspect', '--tls-verify=false', '--raw', 'docker://127.0.0.1:5000/api:nx-1'],
      shape: 'manifest',
    });
    expect(imagetoolsOnSkopeo(['inspect', 'ghcr.io/acme/api@sha256:ab', '--format', '{{json .Image}}'])).toEqual({
      read: ['inspect', '--config', 'docker://ghcr.io/acme/api@sha256:ab'],
      shape: 'as-is',
    });
    expect(imagetoolsOnSkopeo(['inspect', '--raw', 'localhost:5000/api:sig'])).toEqual({
      read: ['inspect', '--tls-verify=false', '--raw', 'docker://localhost:5000/api:sig'],
      shape: 'as-is',
    });
  });

  it('adds tags by digest with one skopeo copy per tag, digests preserved, every platform', () => {
    expect(imagetoolsOnSkopeo(['create', '--tag', 'r.io/api:1.0', '--tag', '127.0.0.1:5000/api:1.0', 'r.io/api@sha256:ab'])).toEqual({
      copies: [
        ['copy', '--all', '--preserve-digests', 'docker://r.io/api@sha256:ab', 'docker://r.io/api:1.0'],
        ['copy', '--all', '--preserve-digests', '--dest-tls-verify=false', 'docker://r.io/api@sha256:ab', 'docker://127.0.0.1:5000/api:1.0'],
      ],
    });
  });

  it('a signature (an annotated index) is Docker-only, and says how to go on', () => {
    const plan = imagetoolsOnSkopeo(['create', '--annotation', 'index:x=y', '--tag', 'r.io/api:sig', 'r.io/api@sha256:ab']);
    expect(plan).toEqual({ unsupported: expect.stringContaining('"engine" to "docker"') });
  });

  it('the manifest digest is the sha256 of the exact bytes the registry served', () => {
    const raw = '{"schemaVersion":2,"layers":[]}\n';
    const answer = JSON.parse(manifestAnswer(raw)) as { digest: string; size: number; layers: unknown[] };
    expect(answer).toEqual({ schemaVersion: 2, layers: [], digest: `sha256:${createHash('sha256').update(raw).digest('hex')}`, size: raw.length });
  });

  it('runs the copies in order and stops at the first that fails, with its error', async () => {
    const calls: string[][] = [];
    const r = await imagetoolsViaSkopeo(['create', '--tag', 'r.io/a:1', '--tag', 'r.io/a:2', 'r.io/a@sha256:ab'], async (argv) => {
      calls.push(argv);
      return { ok: false, stdout: '', stderr: 'denied: requested access to the resource is denied' };
    });
    expect(calls).toHaveLength(1);
    expect(r).toMatchObject({ ok: false, stderr: expect.stringContaining('denied') });
    const read = await imagetoolsViaSkopeo(['inspect', 'r.io/a:1', '--format', '{{json .Manifest}}'], async () => ok('{"schemaVersion":2}'));
    expect(JSON.parse(read.stdout)).toMatchObject({ schemaVersion: 2, digest: expect.stringMatching(/^sha256:/) });
  });

  it('knows loopback registries', () => {
    expect(['127.0.0.1:5000/a', 'localhost:5000/a', 'r.io/a', 'a'].map(isLoopbackRegistry)).toEqual([true, true, false, false]);
  });
});
