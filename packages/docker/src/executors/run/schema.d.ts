export interface RunExecutorSchema {
  /** The docker-build target whose image is run. */
  buildTarget?: string;
  ports?: string[];
  /** Host address published ports bind to (default 127.0.0.1; `0.0.0.0` for every interface). */
  engine?: 'docker' | 'podman' | 'detect';
  host?: string;
  env?: Record<string, string>;
  name?: string;
  detach?: boolean;
  args?: string[];
  dockerArgs?: string[];
}
