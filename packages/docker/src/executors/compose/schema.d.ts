export interface ComposeExecutorSchema {
  engine?: 'docker' | 'podman' | 'detect';
  /** Compose files, relative to the workspace root, in override order. */
  files: string[];
  service: string;
  /** docker-build target whose exact image the service runs; unset: compose builds it (development). */
  buildTarget?: string;
  /** Variable the compose file's `image:` reads, e.g. `API_IMAGE` for `${API_IMAGE:-api:latest}`. */
  imageEnv?: string;
  /** Literal `image:` of the service, tagged onto the built image when there is no imageEnv. */
  image?: string;
  /** Let compose build the service's image (`up --build`). */
  build?: boolean;
  /** Start in the background and return once the service is healthy (`up --wait`). */
  detach?: boolean;
}
