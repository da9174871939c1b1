import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIgnore } from './dockerignore';
import { lintText, type LintOptions } from './lint';
import { RULES } from './lint-rules';

// The rule cases written from hadolint's and BuildKit's documentation (format: lint-cases/README.md).
const DIR = join(process.cwd(), 'packages', 'docker', 'test-fixtures', 'lint-cases');

interface Case {
  file: string;
  title: string;
  rules: string[];
  options: LintOptions;
  dockerfile: string;
  expect: string[];
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

// `dockerignore` in a case's options is the file's text, read as Docker reads it.
const toOptions = ({ dockerignore, ...rest }: LintOptions & { dockerignore?: string }): LintOptions =>
  dockerignore === undefined ? rest : { ...rest, ignore: parseIgnore(dockerignore) };

export function readCases(): Case[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((file) =>
      readFileSync(join(DIR, file), 'utf8')
        .split(/^### /m)
        .slice(1)
        .map((block) => {
          const lines = block.replace(/\s+$/, '').split('\n');
          const title = lines[0];
          const rules = list(/^rules:(.*)$/.exec(lines[1])?.[1] ?? '');
          const hasOptions = lines[2].startsWith('options:');
          const end = lines.findIndex((l) => l.startsWith('expect:'));
          if (!rules.length || end < 0) throw new Error(`${file}: case "${title}" needs a rules: line and an expect: line`);
          return {
            file,
            title,
            rules,
            options: hasOptions ? toOptions(JSON.parse(lines[2].slice('options:'.length)) as LintOptions & { dockerignore?: string }) : {},
            dockerfile: `${lines.slice(hasOptions ? 3 : 2, end).join('\n')}\n`,
            expect: list(lines[end].slice('expect:'.length)),
          };
        }),
    );
}

describe('docker-lint rule cases from hadolint and BuildKit documentation', () => {
  const cases = readCases();

  it('has at least 150 cases, and every rule both fires and stays quiet in some case', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    // `syntax`: what Docker refuses, reported from the parser.
    const ids = new Set(['syntax', ...RULES.map((r) => r.id)]);
    for (const c of cases) for (const r of c.rules) expect({ case: c.title, rule: r, known: ids.has(r) }).toEqual({ case: c.title, rule: r, known: true });
    for (const rule of RULES) {
      const about = cases.filter((c) => c.rules.includes(rule.id));
      expect({ rule: rule.id, fires: about.some((c) => c.expect.some((e) => e.startsWith(`${rule.id}:`))) }).toEqual({ rule: rule.id, fires: true });
      expect({ rule: rule.id, quiet: about.some((c) => !c.expect.some((e) => e.startsWith(`${rule.id}:`))) }).toEqual({ rule: rule.id, quiet: true });
    }
  });

  it.each(cases.map((c) => [`${c.file}: ${c.title}`, c] as const))('%s', (_name, c) => {
    const found = lintText('Dockerfile', c.dockerfile, c.options)
      .findings.filter((f) => c.rules.includes(f.id))
      .map((f) => `${f.id}:${f.line ?? ''}`);
    expect(found).toEqual(c.expect);
  });
});
