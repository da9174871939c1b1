// The plugin's own package.json (name, version, homepage), found from the running module:
// `src/...` when run from source, `dist/src/...` when compiled, so walk up to it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface PackageInfo {
  name: string;
  version: string;
  homepage: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as Partial<PackageInfo>;
      if (pkg.name === '@org/docker') return (cached = { name: pkg.name, version: pkg.version ?? '0.0.0', homepage: pkg.homepage ?? '' });
    }
    if (dirname(dir) === dir) throw new Error(`@org/docker: package.json not found above ${__dirname}`);
  }
}
