// Benchmark: docker-lint over N Dockerfiles (the lint corpus, cycled, each a distinct text),
// parse + every rule, in one process. `npm run bench:lint` (200), `npm run bench:lint -- 1000`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lintText } from '../packages/docker/src/core/lint';
import { parseIgnore } from '../packages/docker/src/core/dockerignore';

const count = Number(process.argv[2] ?? 200);
const dir = join(__dirname, '..', 'packages', 'docker', 'test-fixtures', 'lint-corpus');
const corpus = readdirSync(dir)
  .filter((f) => f.endsWith('.Dockerfile'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));
// Distinct texts, so nothing is answered from a cache.
const files = Array.from({ length: count }, (_, i) => `${corpus[i % corpus.length]}\nLABEL bench.index="${i}"\n`);
const ignore = parseIgnore('*\n!src\n!requirements.txt\n');
const contextFiles = ['src/main.py', 'requirements.txt', 'node_modules/…'];

lintText('warmup', corpus[0]); // module initialisation is not the linter's speed
const started = performance.now();
let findings = 0;
for (const [i, text] of files.entries()) findings += lintText(`f${i}/Dockerfile`, text, { ignore, contextFiles }).findings.length;
const ms = performance.now() - started;
console.log(`docker-lint: ${count} Dockerfiles in ${ms.toFixed(0)} ms (${(ms / count).toFixed(2)} ms each), ${findings} findings`);
