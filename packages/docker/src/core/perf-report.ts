// docker-perf's aggregate report over every project measured in one run: report.json (a
// baseline for later runs), report.md (the reference guide's table, with findings) and a
// self-contained report.html with an inline SVG bar chart (no network, no scripts).
import { SCENARIOS, SCENARIO_TITLES, type PerfReport, type Scenario } from './perf';

export interface Regression {
  project: string;
  scenario: Scenario;
  baseline: number;
  current: number;
  /** Percent slower than the baseline. */
  percent: number;
}

export interface AggregateReport {
  runId: string;
  generatedAt: string;
  projects: PerfReport[];
  baseline?: string;
  regressions: Regression[];
}

/** Slower by more than 20 % and by more than a second (half a second for the Nx no-op): noise stays quiet. */
export function regressions(current: PerfReport[], baseline: AggregateReport | undefined): Regression[] {
  if (!baseline) return [];
  const out: Regression[] = [];
  for (const p of current) {
    const before = baseline.projects.find((b) => b.project === p.project);
    if (!before) continue;
    for (const s of SCENARIOS) {
      const now = p.scenarios[s];
      const then = before.scenarios[s];
      if (!now || !then || now.skipped || then.skipped || then.median <= 0) continue;
      const floor = s === 'noop' ? 0.5 : 1;
      if (now.median > then.median * 1.2 && now.median - then.median > floor) {
        out.push({ project: p.project, scenario: s, baseline: then.median, current: now.median, percent: Math.round((now.median / then.median - 1) * 100) });
      }
    }
  }
  return out;
}

export function aggregate(reports: PerfReport[], runId: string, baseline?: { path: string; report: AggregateReport }): AggregateReport {
  const projects = [...reports].sort((a, b) => a.project.localeCompare(b.project));
  return { runId, generatedAt: new Date().toISOString(), projects, baseline: baseline?.path, regressions: regressions(projects, baseline?.report) };
}

const secs = (n: number) => `${n.toFixed(1)} s`;
const bytes = (n: number | undefined) => (n === undefined ? '?' : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`);

/** (no cache − code change) / no cache: the reference guide's "Improvement" for its "Fast Build". */
export function improvement(p: PerfReport): number | undefined {
  const cold = p.scenarios.cold?.median;
  const code = p.scenarios.code;
  if (!cold || !code || code.skipped) return undefined;
  return Math.round(((cold - code.median) / cold) * 100);
}

function cell(report: AggregateReport, p: PerfReport, s: Scenario): string {
  const r = p.scenarios[s];
  if (!r) return '–';
  if (r.skipped) return 'n/a';
  const reg = report.regressions.find((x) => x.project === p.project && x.scenario === s);
  return `${secs(r.median)}${reg ? ` ⚠ +${reg.percent}%` : ''}`;
}

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

export function renderMarkdown(report: AggregateReport): string {
  const lines: string[] = [];
  const runs = report.projects[0]?.runsPerScenario ?? 0;
  lines.push('# docker-perf report', '');
  lines.push(
    `Run ${report.runId}, ${report.generatedAt}; ${runs} build(s) per scenario, median shown.${report.baseline ? ` Baseline: ${report.baseline}.` : ''}`,
    '',
  );
  lines.push(`| service | ${SCENARIOS.map((s) => SCENARIO_TITLES[s]).join(' | ')} | improvement |`);
  lines.push(`|${' --- |'.repeat(SCENARIOS.length + 2)}`);
  for (const p of report.projects) {
    const imp = improvement(p);
    lines.push(`| ${p.project} | ${SCENARIOS.map((s) => cell(report, p, s)).join(' | ')} | ${imp === undefined ? 'n/a' : `${imp}%`} |`);
  }
  lines.push('', 'Improvement: (no cache − code change) / no cache, the reference guide\'s "Fast Build" column.');
  if (report.regressions.length) {
    lines.push('', '## Regressions', '');
    for (const r of report.regressions)
      lines.push(`- **${r.project}** ${SCENARIO_TITLES[r.scenario]}: ${secs(r.current)} vs ${secs(r.baseline)} (+${r.percent}%)`);
  }
  for (const p of report.projects) {
    lines.push('', `## ${p.project}`, '');
    const warm = p.scenarios.warm?.runs[0] ?? p.scenarios.cold?.runs[0];
    lines.push(
      `- ${p.dockerfile}${p.target ? ` (stage ${p.target})` : ''}, context \`${p.context}\`: ${bytes(p.contextWeight.sentBytes)} in ${p.contextWeight.files} files`,
    );
    if (warm) lines.push(`- image: ${bytes(warm.imageBytes)}, ${warm.layers ?? '?'} layers`);
    for (const s of SCENARIOS) {
      const r = p.scenarios[s];
      if (!r || r.skipped) continue;
      lines.push(`- ${SCENARIO_TITLES[s]}: median ${secs(r.median)} (min ${secs(r.min)}, max ${secs(r.max)})${r.changed ? `, edited \`${r.changed}\`` : ''}`);
    }
    const slow = (p.scenarios.cold?.runs[0]?.steps ?? [])
      .filter((st) => !st.cached)
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 3);
    if (slow.length)
      lines.push(`- slowest steps (no cache): ${slow.map((st) => `\`${st.name}\`${st.line ? ` (line ${st.line})` : ''} ${secs(st.seconds)}`).join('; ')}`);
    if (p.findings.length) {
      lines.push('', '| | line | finding | fix |', '| --- | --- | --- | --- |');
      for (const f of p.findings) lines.push(`| ${f.severity} | ${f.line ?? ''} | ${f.message.replace(/\|/g, '\\|')} | ${f.fix.replace(/\|/g, '\\|')} |`);
    } else lines.push('- no findings');
  }
  return `${lines.join('\n')}\n`;
}

const COLORS: Record<Scenario, string> = { cold: '#c0392b', warm: '#2980b9', code: '#27ae60', deps: '#f39c12', noop: '#8e44ad' };

/** Grouped bars: one group per service, one bar per scenario (median seconds). */
export function renderChart(report: AggregateReport, width = 900, height = 360): string {
  const pad = { left: 56, right: 16, top: 20, bottom: 70 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = Math.max(1, ...report.projects.flatMap((p) => SCENARIOS.map((s) => p.scenarios[s]?.median ?? 0)));
  const step = Math.pow(10, Math.floor(Math.log10(max)));
  const top = Math.ceil(max / step) * step;
  const groupW = plotW / Math.max(1, report.projects.length);
  const barW = Math.max(4, (groupW * 0.8) / SCENARIOS.length);
  const y = (v: number) => pad.top + plotH - (v / top) * plotH;
  const parts: string[] = [];
  for (let t = 0; t <= top + 1e-9; t += top / 5) {
    parts.push(`<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${pad.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${t.toFixed(top <= 10 ? 1 : 0)} s</text>`);
  }
  report.projects.forEach((p, gi) => {
    const x0 = pad.left + gi * groupW + groupW * 0.1;
    SCENARIOS.forEach((s, si) => {
      const v = p.scenarios[s]?.median ?? 0;
      const x = x0 + si * barW;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${Math.max(0, pad.top + plotH - y(v)).toFixed(1)}" fill="${COLORS[s]}"><title>${esc(p.project)} ${SCENARIO_TITLES[s]}: ${secs(v)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${(x0 + (barW * SCENARIOS.length) / 2).toFixed(1)}" y="${pad.top + plotH + 16}" text-anchor="middle" font-size="12">${esc(p.project)}</text>`,
    );
  });
  SCENARIOS.forEach((s, i) => {
    const x = pad.left + i * 150;
    parts.push(
      `<rect x="${x}" y="${height - 22}" width="12" height="12" fill="${COLORS[s]}"/><text x="${x + 16}" y="${height - 12}" font-size="12">${SCENARIO_TITLES[s]}</text>`,
    );
  });
  return `<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">${parts.join('')}</svg>`;
}

export function renderHtml(report: AggregateReport): string {
  const rows = report.projects
    .map((p) => {
      const imp = improvement(p);
      return `<tr><td>${esc(p.project)}</td>${SCENARIOS.map((s) => `<td>${esc(cell(report, p, s))}</td>`).join('')}<td>${imp === undefined ? 'n/a' : `${imp}%`}</td></tr>`;
    })
    .join('\n');
  const findings = report.projects
    .map(
      (p) =>
        `<h2>${esc(p.project)}</h2>` +
        (p.findings.length
          ? `<ul>${p.findings.map((f) => `<li class="${f.severity}"><b>${f.severity}</b>${f.line ? ` line ${f.line}` : ''}: ${esc(f.message)}<br><small>${esc(f.fix)}</small></li>`).join('')}</ul>`
          : '<p>No findings.</p>'),
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>docker-perf report</title>
<style>body{font-family:sans-serif;margin:16px;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}li.warning b{color:#c0392b}li.info b{color:#2980b9}</style>
</head><body>
<h1>docker-perf report</h1>
${renderChart(report)}
<p>Run ${esc(report.runId)}, ${esc(report.generatedAt)}; median of ${report.projects[0]?.runsPerScenario ?? 0} build(s) per scenario.${report.baseline ? ` Baseline: ${esc(report.baseline)}.` : ''}</p>
<table><tr><th>service</th>${SCENARIOS.map((s) => `<th>${SCENARIO_TITLES[s]}</th>`).join('')}<th>improvement</th></tr>
${rows}
</table>
${report.regressions.length ? `<h2>Regressions</h2><ul>${report.regressions.map((r) => `<li>${esc(r.project)} ${SCENARIO_TITLES[r.scenario]}: ${secs(r.current)} vs ${secs(r.baseline)} (+${r.percent}%)</li>`).join('')}</ul>` : ''}
${findings}
</body></html>
`;
}
