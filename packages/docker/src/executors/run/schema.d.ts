export interface RunExecutorSchema {
  /** The docker-build target whose image is run. */
  buildTarget?: string;
  ports?: string[];
  env?: Record<string, string>;
  name?: string;
  detach?: boolean;
  args?: string[];
  dockerArgs?: string[];
}
