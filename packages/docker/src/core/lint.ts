// docker-lint: runs the rules over one Dockerfile, honours `# docker-lint ignore=RULE` pragmas
// and severity overrides, and renders the result as text, JSON or SARIF 2.1.0.
import { parseDockerfile, type DockerfileModel } from './dockerfile';
import type { Finding, Severity } from './analysis';
import type { IgnorePattern } from './dockerignore';
import { RULES, ruleById, type Hit, type LintContext, type LintPolicy, type Rule } from './lint-rules';

export type RuleSetting = Severity | 'off';
export type Threshold = Severity | 'none';

export interface LintOptions {
  /** Rule id -> severity or `off`. */
  rules?: Record<string, RuleSetting>;
  target?: string;
  buildArgs?: Record<string, string>;
  ignore?: IgnorePattern[];
  contextFiles?: string[];
  readContextFile?: (path: string) => string | undefined;
  /** Images built in the workspace (handed over by content tag): their tags are not findings. */
  workspaceImages?: string[];
  /** Organisation policy: allowed registries, required labels. */
  policy?: LintPolicy;
}

export interface LintResult {
  file: string;
  findings: Finding[];
  /** Findings silenced by pragmas (kept for the JSON output). */
  suppressed: number;
}

const PRAGMA = /^\s*#\s*docker-lint\s+ignore=([A-Za-z0-9_,\s-]+)$/;

/** Line -> rule ids a `# docker-lint ignore=...` comment silences on the instruction below it. */
export function pragmas(text: string): Map<number, Set<string>> {
  const lines = text.split(/\r?\n/);
  const out = new Map<number, Set<string>>();
  let pending = new Set<string>();
  let continued = false;
  lines.forEach((raw, i) => {
    const m = PRAGMA.exec(raw);
    if (m) {
      for (const id of m[1].split(/[\s,]+/).filter(Boolean)) pending.add(id);
      return;
    }
    if (!raw.trim() || raw.trim().startsWith('#') || continued) {
      continued = continued && /\\\s*$/.test(raw);
      return;
    }
    // The first line of the next instruction.
    if (pending.size) out.set(i + 1, pending);
    pending = new Set();
    continued = /\\\s*$/.test(raw);
  });
  return out;
}

export function unknownRules(settings: Record<string, RuleSetting> | undefined): string[] {
  return Object.keys(settings ?? {}).filter((id) => !ruleById(id));
}

export function lintText(file: string, text: string, options: LintOptions = {}): LintResult {
  const model = parseDockerfile(text, { buildArgs: options.buildArgs });
  // Duplicate stage names have their own rule (with its fix); the parser reports them too.
  const findings: Finding[] = model.errors
    .filter((e) => !/^duplicate name /.test(e.message))
    .map((e) => ({
      id: 'syntax',
      severity: 'error' as const,
      line: e.line,
      message: e.message,
      fix: 'Fix the instruction: Docker refuses this Dockerfile.',
    }));
  const ctx: LintContext = {
    model,
    ignore: options.ignore,
    contextFiles: options.contextFiles,
    readContextFile: options.readContextFile,
    target: options.target,
    workspaceImages: options.workspaceImages,
    text,
    policy: options.policy,
  };
  const silenced = pragmas(text);
  let suppressed = 0;
  const triggers = onbuildModel(model);
  for (const rule of RULES) {
    const setting = options.rules?.[rule.id] ?? rule.severity;
    if (setting === 'off') continue;
    const hits = [...rule.check(ctx), ...(triggers && !rule.wholeImage ? onbuildHits(rule, triggers, options) : [])];
    for (const hit of hits) {
      if (hit.line !== undefined && silenced.get(hit.line)?.has(rule.id)) {
        suppressed++;
        continue;
      }
      findings.push({ id: rule.id, severity: setting, line: hit.line, message: hit.message, fix: rule.fix });
    }
  }
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.id.localeCompare(b.id));
  return { file, findings, suppressed };
}

interface Triggers {
  model: DockerfileModel;
  /** Line in the trigger Dockerfile -> line of the ONBUILD in the real one. */
  lines: Map<number, number>;
}

/**
 * ONBUILD triggers as the Dockerfile they become in a child image (`FROM scratch`, then each
 * trigger), so instruction rules check them like any instruction; undefined when there are none.
 */
function onbuildModel(model: DockerfileModel): Triggers | undefined {
  const triggers = model.stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'ONBUILD' && !/^\s*(ONBUILD|FROM|MAINTAINER)\b/i.test(i.args));
  if (!triggers.length) return undefined;
  const out = ['FROM scratch'];
  const lines = new Map<number, number>();
  for (const t of triggers) {
    lines.set(out.length + 1, t.line);
    out.push(...t.args.trim().split(/\r?\n/));
  }
  return { model: parseDockerfile(out.join('\n')), lines };
}

function onbuildHits(rule: Rule, triggers: Triggers, options: LintOptions): Hit[] {
  return rule
    .check({ model: triggers.model, workspaceImages: options.workspaceImages, policy: options.policy })
    .map((h) => ({ line: h.line === undefined ? undefined : triggers.lines.get(h.line), message: `ONBUILD: ${h.message}` }))
    .filter((h) => h.line !== undefined);
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** True when a finding at or above the threshold exists. */
export function fails(results: LintResult[], threshold: Threshold = 'error'): boolean {
  if (threshold === 'none') return false;
  return results.some((r) => r.findings.some((f) => RANK[f.severity] >= RANK[threshold]));
}

export function formatText(results: LintResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (!r.findings.length) {
      out.push(`${r.file}: no findings${r.suppressed ? ` (${r.suppressed} suppressed)` : ''}`);
      continue;
    }
    out.push(r.file);
    for (const f of r.findings) out.push(`  ${String(f.line ?? '-').padStart(4)}  ${f.severity.padEnd(7)}  ${f.id.padEnd(28)}  ${f.message}`);
    const count = (s: Severity) => r.findings.filter((f) => f.severity === s).length;
    out.push(`  ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info${r.suppressed ? `, ${r.suppressed} suppressed` : ''}`);
  }
  return out.join('\n');
}

export function formatJson(results: LintResult[]): string {
  return JSON.stringify(results, null, 2);
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** SARIF 2.1.0 for GitHub code scanning: one run, every rule described, results with file and line. */
export function formatSarif(results: LintResult[], tool: { version: string; informationUri: string }): Record<string, unknown> {
  const used = [...new Set(results.flatMap((r) => r.findings.map((f) => f.id)))];
  const rules = [...RULES.map((r) => r.id), ...used.filter((id) => !ruleById(id))];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'docker-lint',
            informationUri: tool.informationUri,
            version: tool.version,
            rules: rules.map((id) => {
              const rule = ruleById(id);
              return {
                id,
                name: id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
                shortDescription: { text: rule?.title ?? 'Dockerfile syntax error' },
                fullDescription: { text: rule ? `${rule.why} Fix: ${rule.fix}` : 'Docker refuses this Dockerfile.' },
                defaultConfiguration: { level: SARIF_LEVEL[rule?.severity ?? 'error'] },
                properties: { tags: [rule?.category ?? 'correctness', ...(rule?.refs ?? [])] },
              };
            }),
          },
        },
        results: results.flatMap((r) =>
          r.findings.map((f) => ({
            ruleId: f.id,
            ruleIndex: rules.indexOf(f.id),
            level: SARIF_LEVEL[f.severity],
            message: { text: `${f.message}. ${f.fix}` },
            locations: [{ physicalLocation: { artifactLocation: { uri: r.file }, region: { startLine: f.line ?? 1 } } }],
          })),
        ),
      },
    ],
  };
}

/** The README's rules table (kept identical by a test). */
export function rulesMarkdown(): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  const rows = RULES.map((r) => `| \`${r.id}\` | ${r.severity} | ${r.category} | ${cell(r.title)} | ${cell(r.why)} | ${cell(r.fix)} | ${r.refs.join(', ')} |`);
  return ['| id | default | category | what | why | fix | maps to |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
