// The tests' own image housekeeping: finding this run's images and removing them.
//
// Why not `docker image rm`: on the containerd image store every deleted image runs
// containerd's garbage collection synchronously, and its cost grows with the store: 1.7 s per
// image on a store holding only the base images, 13-35 s once it holds ~1800 (measured on these
// machines). A full run that leaves its images behind slows every later deletion, and docker-perf
// deletes an image per measured build. So the tests remove their images through containerd
// itself (`ctr images rm`, which leaves the collection to containerd's scheduler) when the engine
// runs the containerd store and its socket is reachable, and through `docker image rm` otherwise.
import { existsSync } from 'node:fs';
import execa from 'execa';
import { fullyQualified } from '../packages/docker/src/core/image-ref';

/**
 * The engine's images whose reference matches one of `patterns` (Docker's `reference` filter:
 * `*` stays within one path segment). Always filtered: an unfiltered `docker image ls` reads
 * every image's size, seconds once the store is large.
 */
export async function imagesMatching(patterns: string[], format = '{{.Repository}}:{{.Tag}}'): Promise<string[]> {
  const r = await execa('docker', ['image', 'ls', '--no-trunc', '--format', format, ...patterns.flatMap((p) => ['--filter', `reference=${p}`])], {
    reject: false,
  });
  return r.stdout.split('\n').filter(Boolean);
}

/** Removes the images matching `patterns`; when it returns, the engine no longer has them. */
export async function removeImagesMatching(patterns: string[]): Promise<void> {
  await removeImages((await imagesMatching(patterns)).filter((ref) => !ref.includes('<none>')));
}

/** Removes these image references (tags) from the engine. */
export async function removeImages(refs: string[]): Promise<void> {
  if (!refs.length) return;
  const socket = await containerdSocket();
  if (socket) {
    const r = await execa('ctr', ['--address', socket, '--namespace', 'moby', 'images', 'rm', ...refs.map(fullyQualified)], { reject: false });
    if (r.exitCode === 0) return;
  }
  await execa('docker', ['image', 'rm', '-f', ...refs], { reject: false });
}

let socketLookup: Promise<string | undefined> | undefined;

/** The socket of the containerd that holds the engine's images, if the engine uses the containerd store and `ctr` is here. */
function containerdSocket(): Promise<string | undefined> {
  socketLookup ??= (async () => {
    const info = await execa('docker', ['info', '--format', '{{json .DriverStatus}}'], { reject: false });
    if (!info.stdout.includes('io.containerd.snapshotter')) return undefined;
    const socket = ['/var/run/docker/containerd/containerd.sock', '/run/containerd/containerd.sock'].find((s) => existsSync(s));
    if (!socket) return undefined;
    const probe = await execa('ctr', ['--address', socket, '--namespace', 'moby', 'images', 'ls', '-q'], { reject: false });
    return probe.exitCode === 0 ? socket : undefined;
  })();
  return socketLookup;
}
