// Targets that exist only on Docker: compose (docker-up, docker-dev) and docker-perf (BuildKit's
// build history and cache). Under Podman they stop at once with one message naming the option,
// before any engine call.
import { selectEngine } from '../core/engine';
import type { EngineChoice } from '../core/engine-kind';

export function dockerOnly(choice: EngineChoice | undefined, what: string, alternative: string): { success: boolean } | undefined {
  if (selectEngine(choice) !== 'podman') return undefined;
  console.error(
    `✖ ${what} needs Docker, and the plugin option "engine" selects Podman${choice === 'podman' ? '' : " (detected: no docker CLI, or only Podman's docker shim)"}. ` +
      `${alternative}, or set "engine" to "docker" in the @org/docker entry of nx.json.`,
  );
  return { success: false };
}
