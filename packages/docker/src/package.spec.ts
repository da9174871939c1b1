// What `npm pack` publishes: exactly what a user's workspace needs to load the plugin (compiled
// code with declarations, schemas, templates, the executor/generator/migration manifests,
// README, LICENSE, CHANGELOG) and nothing else; every path the manifests name is in it; every
// package the compiled code requires is a dependency. Needs `npm run build` first (npm test does).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const PKG = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PKG, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path).sort();
}

/** What the tarball must hold, derived from the sources: one .js and one .d.ts per module, plus assets. */
function expectedFiles(): string[] {
  const src = walk(join(PKG, 'src')).map((f) => relative(PKG, f).split('\\').join('/'));
  const modules = [
    'index.ts',
    ...src.filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts') && !f.includes('/files/')),
  ];
  const compiled = modules.flatMap((m) => [`dist/${m.replace(/\.ts$/, '.js')}`, `dist/${m.replace(/\.ts$/, '.d.ts')}`]);
  const assets = src.filter((f) => f.endsWith('/schema.json') || f.includes('/files/')).map((f) => `dist/${f}`);
  const top = [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'executors.json',
    'generators.json',
    'migrations.json',
    'entry/executors.js',
    'entry/generators.js',
  ];
  return [...top, ...compiled, ...assets].sort();
}

describe('the published package (npm pack)', () => {
  const files = packedFiles();

  it('holds exactly the compiled modules, their declarations, schemas, templates and manifests', () => {
    expect(files).toEqual(expectedFiles());
    // Never sources, tests, fixtures or build configuration.
    expect(files.filter((f) => /\.spec\.|test-fixtures|tsconfig|^src\/|^scripts\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
  });

  it('main, types, exports and every executor, generator and schema path resolve inside the tarball', () => {
    const named = [
      pkg.main,
      pkg.types,
      ...Object.values(pkg.exports as Record<string, string | Record<string, string>>).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e))),
    ];
    for (const manifest of ['executors.json', 'generators.json']) {
      const entries = Object.values(
        JSON.parse(readFileSync(join(PKG, manifest), 'utf8'))[manifest.replace('.json', '')] as Record<string, Record<string, string>>,
      );
      for (const e of entries) named.push((e.implementation ?? e.factory).split('#')[0], e.schema);
    }
    const missing = named.map((p: string) => p.replace(/^\.\//, '')).filter((p: string) => !files.includes(p));
    expect(missing).toEqual([]);
  });

  it('declares what the compiled code requires: nx as the only peer, every other package a dependency', () => {
    expect(pkg.peerDependencies).toEqual({ nx: '>=22 <25' });
    const required = new Set<string>();
    for (const f of files.filter((x) => x.endsWith('.js'))) {
      const text = readFileSync(join(PKG, f), 'utf8');
      for (const m of text.matchAll(/require\(["']([^"'.][^"']*)["']\)/g)) {
        const name = m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0];
        if (!m[1].startsWith('node:')) required.add(name);
      }
    }
    const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    expect([...required].filter((r) => !declared.has(r)).sort()).toEqual([]);
    expect(
      Object.keys(pkg.dependencies)
        .filter((d) => !required.has(d))
        .sort(),
    ).toEqual([]);
  });

  it('has a real homepage and version for the SARIF tool description', () => {
    expect(pkg.homepage).toMatch(/^https:\/\/\S+$/);
    expect(pkg.homepage).not.toContain('github.com/org/docker');
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
