import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseIgnore } from './dockerignore';
import { lintText } from './lint';
import { runScript, shellFor } from './shell';
import { parseDockerfile } from './dockerfile';

// docker-lint over every Dockerfile of three vendored public repositories (lint-real/SOURCES.md):
// no crash, exactly the reviewed findings, and the review's counts kept honest.
const DIR = join(process.cwd(), 'packages', 'docker', 'test-fixtures', 'lint-real');
const files = execFileSync('find', [DIR, '-name', 'Dockerfile*'], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .map((f) => relative(DIR, f))
  .sort();

function lint(file: string) {
  const ignore = join(DIR, dirname(file), '.dockerignore');
  return lintText(file, readFileSync(join(DIR, file), 'utf8'), existsSync(ignore) ? { ignore: parseIgnore(readFileSync(ignore, 'utf8')) } : {});
}

describe('docker-lint on real public Dockerfiles', () => {
  const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, string[]>;

  it('vendors at least three repositories, each with its licence, and every Dockerfile has reviewed findings', () => {
    for (const repo of ['awesome-compose', 'microservices-demo', 'python']) expect(existsSync(join(DIR, repo, 'LICENSE'))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(50);
    expect(Object.keys(expected).sort()).toEqual(files);
  });

  it.each(files)('%s: no crash, exactly the reviewed findings', (file) => {
    expect(lint(file).findings.map((f) => `${f.id}:${f.line ?? ''}`)).toEqual(expected[file]);
  });

  it('every RUN parses without a shell error', () => {
    const errors = files.flatMap((file) => {
      const model = parseDockerfile(readFileSync(join(DIR, file), 'utf8'));
      return model.stages.flatMap((s) =>
        s.instructions.filter((i) => i.keyword === 'RUN').flatMap((i) => runScript(i, shellFor(model, s, i)).errors.map((e) => `${file}:${i.line} ${e}`)),
      );
    });
    expect(errors).toEqual([]);
  });

  it("REVIEW.md's table counts each rule's findings as docker-lint finds them, and the false alarms add up", () => {
    const review = readFileSync(join(DIR, 'REVIEW.md'), 'utf8');
    const rows = [...review.matchAll(/^\| `([a-z-]+)` \| (\d+) \| (\d+) \| (\d+) \|/gm)].map((m) => ({
      rule: m[1],
      findings: +m[2],
      right: +m[3],
      false: +m[4],
    }));
    const counts = new Map<string, number>();
    for (const file of files) for (const f of lint(file).findings) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
    expect(Object.fromEntries(rows.map((r) => [r.rule, r.findings]))).toEqual(Object.fromEntries(counts));
    for (const r of rows) expect(r.right + r.false).toBe(r.findings);
    const falseAlarms = rows.reduce((n, r) => n + r.false, 0);
    expect(review).toContain(`**False alarms: ${falseAlarms} today.**`);
  });
});
