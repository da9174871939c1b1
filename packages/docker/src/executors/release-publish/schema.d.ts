export interface ReleasePublishExecutorSchema {
  buildTarget?: string;
  tags?: string[];
  /** Set by `nx release publish --dry-run`. */
  dryRun?: boolean;
}
