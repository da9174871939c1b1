// docker-lint's rules over the Dockerfile model, one module per category (correctness, security,
// hygiene, build speed), and the shell and package-manager rules that read RUN through a real shell parser. Each rule has an id, a default severity, why it matters, the fix, and
// the hadolint / CIS / BuildKit-check ids it corresponds to. Pure: the context comes in.
import { CORRECTNESS_RULES } from './lint-rules/correctness';
import { HYGIENE_RULES } from './lint-rules/hygiene';
import { INSTRUCTION_RULES } from './lint-rules/instructions';
import { PACKAGE_RULES } from './lint-rules/packages';
import { SHELL_USE_RULES } from './lint-rules/shell-use';
import type { Rule } from './lint-rules/rule';
import { SECURITY_RULES } from './lint-rules/security';
import { SPEED_RULES } from './lint-rules/speed';

export { isSecretName, type Category, type Hit, type LintContext, type LintPolicy, type Rule } from './lint-rules/rule';

export const RULES: Rule[] = [
  ...CORRECTNESS_RULES,
  ...INSTRUCTION_RULES,
  ...SECURITY_RULES,
  ...SHELL_USE_RULES,
  ...PACKAGE_RULES,
  ...HYGIENE_RULES,
  ...SPEED_RULES,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
