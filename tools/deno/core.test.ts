// The core modules' unit tests (packages/docker/src/core/*.spec.ts), run by Deno:
//   deno test -A --unstable-sloppy-imports tools/deno/core.test.ts      (npm run test:deno)
// The same files Jest runs under Node; the core imports only node: built-ins and npm packages.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { registerSuites } from './jest-shim.ts';

const dir = join(Deno.cwd(), 'packages', 'docker', 'src', 'core');
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.spec.ts'))
  .sort()) {
  await import(`file://${join(dir, file)}`);
  registerSuites(file);
}
