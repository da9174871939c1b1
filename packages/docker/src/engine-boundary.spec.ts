// One engine boundary: every call to the engine CLI goes through core/engine.ts (so a fake
// engine can stand in for it in unit tests, and Podman can later stand behind the same seam).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'files' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the engine boundary', () => {
  it('no module but core/engine.ts starts the docker CLI', () => {
    const direct = /\b(execa(?:\.sync)?|spawn|spawnSync|execFile|execFileSync|exec|execSync)\(\s*['"`]docker['"`]/;
    const offenders = sources(__dirname)
      .filter((f) => relative(__dirname, f) !== join('core', 'engine.ts'))
      .filter((f) => direct.test(readFileSync(f, 'utf8')))
      .map((f) => relative(__dirname, f));
    expect(offenders).toEqual([]);
  });
});
