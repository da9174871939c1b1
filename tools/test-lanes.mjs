// The Jest half of `npm test`: the unit tests, then the e2e suites in two lanes side by side,
// then the suites that must run alone. One e2e suite at a time left a core idle while Nx starts,
// git runs and the engine waits on I/O; two lanes take the full run from about 55 to about 30
// minutes here (figures in docs/benchmarks.md). What may share the engine is decided here:
//  - `alone` runs after both lanes: registry prunes BuildKit's whole cache (a fresh runner),
//    which would make a concurrent oracle build re-run its steps.
//  - Lane A holds the BuildKit-oracle suites (mutation, adoption): their verdicts compare image
//    digests, so nothing in the other lane may prune. Lane B holds every other suite, including
//    any new one; the two that publish fixed host ports (reference, generators) share it.
// Each lane's output is streamed with its name; the last line Jest-style totals
// ("Tests: N failed, N passed, N total") over every run, which .ci/run reads.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const suites = readdirSync(join(root, 'e2e'))
  .filter((f) => f.endsWith('.e2e.ts'))
  .map((f) => f.replace(/\.e2e\.ts$/, ''));

const ALONE = ['registry'];
const LANE_A = ['mutation', 'adoption', 'compat', 'coexistence', 'lint'];
const LANE_B = suites.filter((s) => !ALONE.includes(s) && !LANE_A.includes(s));
const only = (names) => names.filter((n) => suites.includes(n));

/** Runs Jest with `args`, every output line prefixed with `[name]`; resolves to its summary counts. */
function run(name, args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [jest, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let summary = '';
    const relay = (stream, out) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (/^Tests:/.test(line)) summary = line;
          out.write(`[${name}] ${line}\n`);
        }
      });
      stream.on('end', () => rest && out.write(`[${name}] ${rest}\n`));
    };
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('close', (code) => {
      const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(summary)?.[1] ?? 0);
      done({ name, code: code ?? 1, failed: count('failed') + (code !== 0 && !count('failed') ? 1 : 0), passed: count('passed'), skipped: count('skipped') });
    });
  });
}

const e2e = (names) => ['--selectProjects', 'e2e', '--runInBand', '--testPathPatterns', `e2e/(${names.join('|')})\\.e2e\\.ts$`];
const started = Date.now();
const results = [await run('unit', ['--selectProjects', 'unit'])];
results.push(...(await Promise.all([run('e2e-a', e2e(only(LANE_A))), run('e2e-b', e2e(LANE_B))])));
if (only(ALONE).length) results.push(await run('e2e-alone', e2e(only(ALONE))));

const total = (k) => results.reduce((sum, r) => sum + r[k], 0);
for (const r of results) console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed${r.code ? ` (exit ${r.code})` : ''}`);
console.log(`Jest lanes took ${Math.round((Date.now() - started) / 1000)} s`);
console.log(
  `Tests:       ${total('failed') ? `${total('failed')} failed, ` : ''}${total('passed')} passed, ${total('failed') + total('passed') + total('skipped')} total`,
);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
