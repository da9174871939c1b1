// Podman behind the engine boundary: what to ask it (one `podman info`) and how its answers
// become the same engine facts Docker's probe gives, or one message that says what is missing.
// Pure: the caller runs the commands (core/engine.ts) and passes the answers.
import type { CommandResult, EngineInfo } from './engine';

/** The argv of the probe (run through the engine boundary with the `podman` binary). */
export const PODMAN_PROBE = ['info', '--format', 'json'];

const INSTALL = 'Install Podman >= 4.3 (Debian/Ubuntu: `apt-get install podman`), or set the plugin option "engine" to "docker"';

interface PodmanInfo {
  version?: { Version?: string };
  host?: { arch?: string; os?: string; remoteSocket?: { path?: string }; security?: { rootless?: boolean } };
  store?: { graphDriverName?: string };
}

/** Engine facts from `podman info`, or an error naming what is missing. */
export function interpretPodmanProbe(info: CommandResult): EngineInfo {
  if (info.notFound) throw new Error(`The podman CLI was not found on PATH. ${INSTALL}.`);
  if (!info.ok) {
    const why = info.stderr.trim().split('\n').pop() ?? '';
    throw new Error(`Podman does not answer${why ? ` (${why})` : ''}. Check \`podman info\`, or set the plugin option "engine" to "docker".`);
  }
  let parsed: PodmanInfo = {};
  try {
    parsed = JSON.parse(info.stdout) as PodmanInfo;
  } catch {
    // an unexpected format: versions stay unknown
  }
  const store = parsed.store?.graphDriverName ?? 'unknown';
  return {
    serverVersion: parsed.version?.Version ?? 'unknown',
    buildxVersion: '',
    builder: `podman${parsed.host?.security?.rootless ? ' (rootless)' : ''}`,
    driver: 'podman',
    // Podman's store keeps OCI images and manifest lists, like Docker's containerd store.
    containerdStore: false,
    endpoint: `local podman (${store} storage)`,
    remote: false,
  };
}
