import type { RuleSetting, Threshold } from '../../core/lint';

export interface LintExecutorSchema {
  file: string;
  context: string;
  target?: string;
  buildArgs?: Record<string, string>;
  /** Rule id -> error | warning | info | off. */
  rules?: Record<string, RuleSetting>;
  failOn?: Threshold;
  /** Policy: registries FROM may pull from (registry-not-allowed). */
  allowedRegistries?: string[];
  /** Policy: labels the final stage must set (label-required). */
  requiredLabels?: string[];
  format?: 'text' | 'json' | 'sarif';
  /** Images built in the workspace (default: from the project graph): their tags are not findings. */
  workspaceImages?: string[];
  /** The SARIF file (always written), relative to the workspace root. */
  sarifFile: string;
}
