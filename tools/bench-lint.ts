// Benchmark: docker-lint over N Dockerfiles (the lint corpus and the vendored real Dockerfiles,
// cycled, each a distinct text), parse + shell parse + every rule, in one process.
// `npm run bench:lint` (200), `npm run bench:lint -- 1000`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lintText } from '../packages/docker/src/core/lint';
import { parseIgnore } from '../packages/docker/src/core/dockerignore';

const count = Number(process.argv[2] ?? 200);
const fixtures = join(__dirname, '..', 'packages', 'docker', 'test-fixtures');
const dir = join(fixtures, 'lint-corpus');
const real = execFileSync('find', [join(fixtures, 'lint-real'), '-name', 'Dockerfile*'], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .sort();
const corpus = [
  ...readdirSync(dir)
    .filter((f) => f.endsWith('.Dockerfile'))
    .map((f) => join(dir, f)),
  ...real,
].map((f) => readFileSync(f, 'utf8'));
// Distinct texts, so nothing is answered from a cache.
const files = Array.from({ length: count }, (_, i) => `${corpus[i % corpus.length]}\nLABEL bench.index="${i}"\n`);
const ignore = parseIgnore('*\n!src\n!requirements.txt\n');
const contextFiles = ['src/main.py', 'requirements.txt', 'node_modules/…'];

lintText('warmup', corpus[0]); // module initialisation is not the linter's speed
const started = performance.now();
let findings = 0;
for (const [i, text] of files.entries()) findings += lintText(`f${i}/Dockerfile`, text, { ignore, contextFiles }).findings.length;
const ms = performance.now() - started;
console.log(
  `docker-lint: ${count} Dockerfiles (${corpus.length} distinct: corpus and real, cycled; ${(files.reduce((n, t) => n + t.length, 0) / count / 1024).toFixed(1)} KiB average) in ${ms.toFixed(0)} ms (${(ms / count).toFixed(2)} ms each), ${findings} findings`,
);
