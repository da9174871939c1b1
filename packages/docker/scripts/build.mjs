// Builds the publishable package into dist/: a clean compile (declarations included, so
// `types` resolves), then what the compiled code reads at run time besides itself: executor
// and generator schemas (executors.json / generators.json point into dist/) and the
// generators' template files (generateFiles reads them from next to the compiled generator).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });

for (const kind of ['executors', 'generators']) {
  const dir = join(root, 'src', kind);
  for (const name of readdirSync(dir)) {
    const schema = join(dir, name, 'schema.json');
    if (existsSync(schema)) cpSync(schema, join(dist, 'src', kind, name, 'schema.json'));
    const files = join(dir, name, 'files');
    if (existsSync(files)) cpSync(files, join(dist, 'src', kind, name, 'files'), { recursive: true });
  }
}
