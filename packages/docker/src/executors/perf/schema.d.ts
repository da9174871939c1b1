import type { Scenario } from '../../core/perf';

export interface PerfExecutorSchema {
  engine?: 'docker' | 'podman' | 'detect';
  /** The docker-build target whose builds are measured. */
  buildTarget?: string;
  /** Builds per scenario (median reported). */
  runs?: number;
  scenarios?: Scenario[];
  /** Where <project>.json and the aggregate report.{json,md,html} go, relative to the workspace root. */
  outputDir?: string;
  /** A previous report.json: scenarios that got slower are marked as regressions. */
  baseline?: string;
}
