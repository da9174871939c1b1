// Which container engine the plugin drives: Docker (buildx/BuildKit) or Podman (buildah).
// The `engine` plugin option says so, or `detect`: a Docker endpoint set in the environment or a
// real `docker` CLI means Docker; otherwise a `podman` CLI means Podman. A `docker` that is
// Podman's compatibility shim (podman-docker) is Podman. Pure: the caller gathers the facts.

export type EngineKind = 'docker' | 'podman';
export type EngineChoice = EngineKind | 'detect';

export interface EngineFacts {
  /** `docker` resolves on PATH. */
  dockerOnPath: boolean;
  /** `podman` resolves on PATH. */
  podmanOnPath: boolean;
  /** `docker --version` says Podman (the podman-docker shim). */
  dockerIsPodman?: boolean;
  /** DOCKER_HOST or DOCKER_CONTEXT is set: the user points at a Docker engine. */
  dockerEndpointSet?: boolean;
}

export function chooseEngine(choice: EngineChoice | undefined, facts: EngineFacts): EngineKind {
  if (choice === 'docker' || choice === 'podman') return choice;
  if (facts.dockerEndpointSet && facts.dockerOnPath && !facts.dockerIsPodman) return 'docker';
  if (facts.dockerOnPath && !facts.dockerIsPodman) return 'docker';
  if (facts.podmanOnPath || facts.dockerIsPodman) return 'podman';
  // Neither: Docker, whose detection says the CLI is missing and how to install it.
  return 'docker';
}
