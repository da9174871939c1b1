// Copies what the compiled plugin reads at run time besides its code: the generators' template
// files (generateFiles reads them from next to the compiled generator).
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generators = join(root, 'src', 'generators');
for (const name of readdirSync(generators)) {
  const files = join(generators, name, 'files');
  if (existsSync(files)) cpSync(files, join(root, 'dist', 'src', 'generators', name, 'files'), { recursive: true });
}
