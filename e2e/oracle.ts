// BuildKit as the oracle for the inputs: build an image straight through buildx with exactly
// the options the Nx target has, and fingerprint what a user would get (layers and config).
// Two fingerprints differ exactly when the image BuildKit builds changed. `buildAll` is the Nx side.
import execa from 'execa';
import { removeImagesMatching, type NxResult, type Workspace } from './harness';

/** The image `docker buildx build <args>` makes in the workspace, as its layer digests and config. */
export async function imageFingerprint(ws: Workspace, name: string, args: string[]): Promise<string> {
  const tag = `${ws.prefix}/oracle-${name}:latest`;
  await execa('docker', ['buildx', 'build', '--load', '--quiet', '-t', tag, ...args], { cwd: ws.root, env: { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' } });
  const r = await execa('docker', ['image', 'inspect', '--format', '{{json .RootFS.Layers}} {{json .Config}}', tag]);
  return r.stdout;
}

/** Removes the oracle's images of a workspace. */
export async function removeOracleImages(ws: Workspace): Promise<void> {
  await removeImagesMatching([`${ws.prefix}/oracle-*`]);
}

/**
 * The Nx side of the comparison: every image through Nx. Tests run it dozens of times, so
 * plugins load in-process (NX_ISOLATE_PLUGINS=false): that saves the plugin workers' start
 * (about 3 s a run on these machines) and changes nothing about what is hashed or built.
 */
export function buildAll(ws: Workspace): Promise<NxResult> {
  return ws.nx(['run-many', '-t', 'docker-build', '--parallel=3'], { NX_ISOLATE_PLUGINS: 'false' });
}
