import { diagnose, median } from './perf';
import { isolateCacheMounts, pickManifest, pickSourceFile, withOneLineChange } from './perf-context';
import { aggregate, improvement, regressions, renderChart, renderMarkdown, type AggregateReport } from './perf-report';
import { parseDockerfile } from './dockerfile';
import type { PerfReport, ScenarioResult } from './perf';

const scenario = (median: number, extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  median,
  min: median,
  max: median,
  runs: [{ seconds: median }],
  ...extra,
});
const report = (project: string, medians: Partial<Record<'cold' | 'warm' | 'code' | 'deps' | 'noop', number>>): PerfReport => ({
  project,
  runId: 'r1',
  finishedAt: '2026-11-24T00:00:00Z',
  dockerfile: `apps/${project}/Dockerfile`,
  context: `apps/${project}`,
  runsPerScenario: 1,
  contextWeight: { sentBytes: 1000, files: 3, heavy: [] },
  scenarios: Object.fromEntries(Object.entries(medians).map(([k, v]) => [k, scenario(v as number)])),
  findings: [],
});

describe('docker-perf logic', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });

  it('picks the source file and the manifest a change scenario edits', () => {
    const read = ['requirements.txt', 'reload.py', 'src/main.py', 'src/util.py', 'README.md'];
    expect(pickSourceFile(read)).toBe('src/main.py');
    expect(pickManifest(read)).toBe('requirements.txt');
    expect(pickManifest(['package-lock.json', 'package.json', 'src/a.js'])).toBe('package.json');
    expect(pickSourceFile(['package.json'])).toBeUndefined();
  });

  it('changes one line the way each language allows', () => {
    expect(withOneLineChange('src/a.py', 'print(1)\n', 'm')).toBe('print(1)\n# m\n');
    expect(withOneLineChange('src/a.ts', 'x()', 'm')).toBe('x()\n// m\n');
    expect(JSON.parse(withOneLineChange('package.json', '{\n  "name": "a"\n}\n', 'm'))).toEqual({ '//docker-perf': 'm', name: 'a' });
  });

  it('gives cache mounts an id of their own for cold builds, keeping other options', () => {
    const text = 'RUN --mount=type=cache,target=/root/.cache/pip,sharing=locked pip install x\nRUN --mount=type=bind,source=a,target=/a cat /a\n';
    expect(isolateCacheMounts(text, 'r1-0')).toBe(
      'RUN --mount=type=cache,target=/root/.cache/pip,sharing=locked,id=org-docker-perf-r1-0-root-cache-pip pip install x\nRUN --mount=type=bind,source=a,target=/a cat /a\n',
    );
  });

  it('ties a re-run install to its cause and cost, and names heavy context directories', () => {
    const model = parseDockerfile('FROM python:3.12-slim\nCOPY . .\nRUN pip install -r requirements.txt\n');
    const code = scenario(9, { runs: [{ seconds: 9, steps: [{ name: '[3/3] RUN pip install -r requirements.txt', line: 3, seconds: 7.25, cached: false }] }] });
    const findings = diagnose(
      model,
      undefined,
      { code },
      { sentBytes: 5.5 * 1024 * 1024, files: 10, heavy: [{ dir: 'node_modules', bytes: 5 * 1024 * 1024 }] },
      'apps/bad',
    );
    expect(findings[0]).toMatchObject({ id: 'install-reran-on-source-change', line: 3, cost: 7.25 });
    expect(findings[0].message).toBe(
      'dependency install re-ran after a source change: `COPY . .` at line 2 comes before `RUN pip install -r requirements.txt` at line 3: every source change re-runs the pip install (cost 7.3 s)',
    );
    expect(findings.find((f) => f.id === 'context-too-large')?.message).toBe('context is 5.5 MB; node_modules/ (5.0 MB) is not in .dockerignore');
    // A small heavy directory (under 1 MB) is not worth a finding.
    const small = diagnose(model, undefined, {}, { sentBytes: 2000, files: 3, heavy: [{ dir: '__pycache__', bytes: 1000 }] }, '.');
    expect(small.map((f) => f.id)).not.toContain('context-too-large');
  });

  it('marks regressions over 20 % and a second against a baseline, and computes the improvement', () => {
    const base: AggregateReport = aggregate([report('api', { cold: 40, warm: 2, code: 5, noop: 1 })], 'r0');
    const now = [report('api', { cold: 41, warm: 2.9, code: 9, noop: 1.2 })];
    expect(regressions(now, base)).toEqual([{ project: 'api', scenario: 'code', baseline: 5, current: 9, percent: 80 }]);
    expect(improvement(now[0])).toBe(78);
    const md = renderMarkdown(aggregate(now, 'r1', { path: 'old/report.json', report: base }));
    expect(md).toContain('| api | 41.0 s | 2.9 s | 9.0 s ⚠ +80% | – | 1.2 s | 78% |');
    expect(md).toContain('## Regressions');
  });

  it('draws one bar per project and scenario', () => {
    const svg = renderChart(aggregate([report('a', { cold: 4, warm: 1, code: 2, deps: 3, noop: 0.5 }), report('b', { cold: 2 })], 'r'));
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(10);
    expect(svg).toContain('<title>a no cache: 4.0 s</title>');
  });
});
