export interface PushExecutorSchema {
  engine?: 'docker' | 'podman' | 'detect';
  /** The docker-build target whose pushed image is promoted. */
  buildTarget?: string;
  /** Release tags; templates `{version}`, `{gitSha}`, `{shortSha}`, `{branch}`, `{projectName}`; a tag whose value is unknown is skipped. */
  tags?: string[];
  /** Promote into this repository instead of the built one (e.g. a production registry). */
  repository?: string;
}
