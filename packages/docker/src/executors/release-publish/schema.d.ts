export interface ReleasePublishExecutorSchema {
  engine?: 'docker' | 'podman' | 'detect';
  buildTarget?: string;
  tags?: string[];
  /** Set by `nx release publish --dry-run`. */
  dryRun?: boolean;
}
