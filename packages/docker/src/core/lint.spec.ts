import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { fails, formatSarif, formatText, lintText, pragmas, rulesMarkdown, unknownRules } from './lint';
import { RULES } from './lint-rules';
import { hadolintMarkdown, hadolintRules } from './lint-hadolint';

// From the repository root (where Jest and Deno run): no __dirname, which Deno's ESM lacks.
const PACKAGE = join(process.cwd(), 'packages', 'docker');
const FIXTURES = join(PACKAGE, 'test-fixtures');
const CORPUS = join(FIXTURES, 'lint-corpus');

describe('docker-lint', () => {
  describe('corpus of real-world-style Dockerfiles', () => {
    const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Record<string, string[]>;
    const files = readdirSync(CORPUS)
      .filter((f) => f.endsWith('.Dockerfile'))
      .sort();

    it('has at least 30 varied files, each with recorded expectations', () => {
      expect(files.length).toBeGreaterThanOrEqual(30);
      expect(Object.keys(expected).sort()).toEqual(files);
      const all = files.map((f) => readFileSync(join(CORPUS, f), 'utf8')).join('\n');
      // The shapes the corpus must exercise.
      for (const shape of [/<<EOF/, /^ONBUILD /m, /^# escape=`/m, /\\\n/, /C:[\\/]/, /^(RUN|COPY) \[/m, /^FROM .* AS /m]) expect(all).toMatch(shape);
    });

    it.each(files)('%s: no crash, and exactly the recorded findings', (file) => {
      const result = lintText(file, readFileSync(join(CORPUS, file), 'utf8'));
      expect(result.findings.map((f) => `${f.id}:${f.line ?? ''}`)).toEqual(expected[file]);
    });
  });

  it('a `# docker-lint ignore=` comment silences those rules on the next instruction only', () => {
    const text =
      'FROM python:3.12-slim\n# docker-lint ignore=pip-no-cache, install-without-cache-mount\nRUN pip install \\\n    flask\nRUN pip install requests\nUSER 10001\n';
    expect([...(pragmas(text).get(3) ?? [])]).toEqual(['pip-no-cache', 'install-without-cache-mount']);
    const r = lintText('Dockerfile', text);
    expect(r.findings.filter((f) => f.id === 'pip-no-cache').map((f) => f.line)).toEqual([5]);
    expect(r.suppressed).toBe(2);
  });

  it('severity overrides change or switch off rules; unknown ids are reported', () => {
    const text = 'FROM python:3.12-slim\nRUN pip install flask==3.0.3\n';
    const r = lintText('Dockerfile', text, {
      rules: { 'runs-as-root': 'off', 'pip-no-cache': 'error', 'base-image-unpinned': 'off', 'install-without-cache-mount': 'off' },
    });
    expect(r.findings.map((f) => [f.id, f.severity])).toEqual([['pip-no-cache', 'error']]);
    expect(unknownRules({ 'runs-as-root': 'off', 'no-such-rule': 'error' })).toEqual(['no-such-rule']);
  });

  it('an image the workspace builds is no tag finding in any stage: the build is handed its exact content tag', () => {
    const text = 'ARG BASE=python-base:latest\nFROM ${BASE} AS app\nUSER 10001\nFROM acme/cuda-base AS gpu\nUSER 10001\nFROM python:3.12-slim\nUSER 10001\n';
    const ids = (workspaceImages?: string[]) =>
      lintText('Dockerfile', text, { workspaceImages })
        .findings.filter((f) => f.id.startsWith('base-image'))
        .map((f) => `${f.id}:${f.line}`);
    expect(ids()).toEqual(['base-image-latest:2', 'base-image-latest:4', 'base-image-unpinned:6']);
    expect(ids(['python-base', 'registry.example.com/acme/cuda-base'])).toEqual(['base-image-unpinned:6']);
  });

  it('fails at or above the threshold', () => {
    const warnOnly = [lintText('Dockerfile', 'FROM python:3.12-slim\nCMD python app.py\nUSER 10001\n', { rules: { 'base-image-unpinned': 'off' } })];
    expect(fails(warnOnly, 'error')).toBe(false);
    expect(fails(warnOnly, 'warning')).toBe(true);
    expect(fails(warnOnly, 'none')).toBe(false);
  });

  it('text output groups by file and names line, severity and rule', () => {
    const text = formatText([lintText('apps/api/Dockerfile', 'FROM node\nCMD node a.js\n')]);
    expect(text.split('\n')[0]).toBe('apps/api/Dockerfile');
    expect(text).toMatch(/^ +1 +error +runs-as-root +the final stage \(line 1\) sets no USER/m);
    expect(text).toMatch(/^ +2 +warning +exec-form +CMD in shell form$/m);
  });

  it('SARIF output validates against the SARIF 2.1.0 schema and carries rule, level, file and line', () => {
    const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif-2.1.0-rtm.5.json'), 'utf8'));
    // The schema's language-tag pattern is not valid as a unicode regular expression.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const results = [
      lintText('apps/api/Dockerfile', 'FROM node\nCOPPY . .\nCMD node a.js\n'),
      lintText('apps/web/Dockerfile', 'FROM nginx:1.27\nUSER nginx\n'),
    ];
    const sarif = formatSarif(results, { version: '9.8.7', informationUri: 'https://example.test/docker#docker-lint' }) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<Record<string, unknown>> }>;
    };
    expect(validate(sarif)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(expect.arrayContaining(RULES.map((r) => r.id)));
    expect(run.results).toContainEqual(
      expect.objectContaining({
        ruleId: 'exec-form',
        level: 'warning',
        locations: [{ physicalLocation: { artifactLocation: { uri: 'apps/api/Dockerfile' }, region: { startLine: 3 } } }],
      }),
    );
    expect(run.results).toContainEqual(expect.objectContaining({ ruleId: 'syntax', level: 'error' }));
    // A broken document fails the schema: the check can fail.
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
  });
});

describe('docs', () => {
  it('the plugin README lists every rule exactly as the code defines it', () => {
    const readme = readFileSync(join(PACKAGE, 'README.md'), 'utf8');
    const table = /<!-- rules:start -->\n([\s\S]*?)\n<!-- rules:end -->/.exec(readme)?.[1];
    expect(table).toBe(rulesMarkdown());
  });

  it('the plugin README maps every hadolint rule: ours, why none is needed, or not yet', () => {
    const readme = readFileSync(join(PACKAGE, 'README.md'), 'utf8');
    expect(/<!-- hadolint:start -->\n([\s\S]*?)\n<!-- hadolint:end -->/.exec(readme)?.[1]).toBe(hadolintMarkdown());
    const rows = hadolintRules();
    // Every hadolint id a rule cites is one hadolint documents, and shows as ours in the table.
    for (const id of RULES.flatMap((r) => r.refs.filter((ref) => /^DL\d{4}$/.test(ref))))
      expect(rows.find((h) => h.id === id)?.ours?.length).toBeGreaterThan(0);
    // The rules docker-lint has no equivalent for are few and named.
    expect(rows.filter((h) => !h.ours).map((h) => h.id)).toEqual([
      'DL1001',
      'DL3010',
      'DL3050',
      'DL3052',
      'DL3053',
      'DL3054',
      'DL3055',
      'DL3056',
      'DL3058',
      'DL3059',
      'DL3061',
    ]);
  });
});
