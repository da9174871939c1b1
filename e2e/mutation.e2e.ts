// BuildKit as the oracle for the inputs: change one file at a time (over 60 files of every kind:
// sources, wildcard and stage copies, bind mounts, named contexts, ignore-file exceptions, the
// Dockerfiles and ignore files themselves, git-ignored files, a commit; options set through
// targetDefaults and package.json nx.targets; root and per-project contexts) and compare whether the
// image BuildKit builds directly changes with whether Nx rebuilds it. An image that changes while
// Nx serves a cache hit is a stale image: allowed only for what git ignores, and then inference
// must have said so. Rebuilds for nothing (false positives) are counted and printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pluginsInProcess, requireEngine, Workspace } from './harness';
import { buildAll, imageFingerprints, removeOracleImages, type DirectBuild } from './oracle';

pluginsInProcess();

const PROJECTS = ['alpha', 'beta', 'gamma'] as const;
type Project = (typeof PROJECTS)[number];

/** How the oracle builds each image: exactly the options the Nx targets have, straight through buildx. */
const DIRECT: Record<Project, DirectBuild> = {
  alpha: { dockerfile: 'apps/alpha/Dockerfile', context: 'apps/alpha', target: 'production', args: { FLAVOR: 'b' } },
  beta: { dockerfile: 'apps/beta/Dockerfile', context: '.', contexts: { assets: 'assets/shared' } },
  gamma: { dockerfile: 'apps/gamma/Dockerfile', context: '.' },
};

/** Every file the fixture starts with, besides the Dockerfiles and ignore files it ships. */
const SOURCES: string[] = [
  ...['app.py', 'util.py', 'pkg/__init__.py', 'pkg/a.py', 'pkg/b.py', 'cache.tmp', 'm1.py', 'm2.py', 'm3.py', 'm4.py', 'm5.py', 'm6.py'].map(
    (f) => `apps/alpha/src/${f}`,
  ),
  ...[
    'requirements.txt',
    'requirements-dev.txt',
    'config/app.conf',
    'config/db.conf',
    'config/readme.txt',
    'tools/build.sh',
    'tools/other.sh',
    'unused/thing.txt',
    'scripts/version.txt',
    'scripts/notes.md',
    'tests/keep.txt',
    'tests/test_app.py',
    'tests/data.tmp',
    'docs/guide.md',
    'README.md',
    'data/alpha-data/x.txt',
    'data/alpha-data/y.txt',
    'data/other/z.txt',
    'bin/linux/tool',
    'bin/windows/tool.exe',
    'flavor-b/f.txt',
    'flavor-a/f.txt',
    'debug/d.txt',
  ].map((f) => `apps/alpha/${f}`),
  ...['core.py', 'util.py', 'notes.md', 'README.md', 'sub/deep.py', 'm1.py', 'm2.py', 'm3.py', 'm4.py'].map((f) => `libs/common/${f}`),
  ...['src/main.py', 'src/extra.py', 'src/nested/n.py', 'src/m1.py', 'src/m2.py', 'other.txt'].map((f) => `apps/beta/${f}`),
  'assets/shared/logo.txt',
  'assets/shared/unused.txt',
  'apps/gamma/src/a.txt',
  'apps/gamma/src/b.txt',
  'apps/gamma/README.md',
  'README.md',
  'tools/release.sh',
];

/** Git ignores these: Nx never hashes them, so a change may be served stale, but never silently. */
const GIT_IGNORED = ['apps/alpha/generated/gen.py'];

interface Mutation {
  name: string;
  apply: (ws: Workspace, n: number) => Promise<void>;
  /** Set for what Nx cannot see (git-ignored files, .git): inference must have warned about it. */
  warned?: string;
}

function append(file: string, text = (n: number) => `# mutation ${n}\n`): Mutation {
  return { name: file, apply: async (ws, n) => ws.write(file, `${ws.exists(file) ? ws.read(file) : ''}${text(n)}`) };
}

const MUTATIONS: Mutation[] = [
  ...SOURCES.map((f) => append(f)),
  { ...append(GIT_IGNORED[0]), warned: 'apps/alpha/generated' },
  // The Dockerfiles (case 9: alpha's .dockerignore lists Dockerfile*) and the ignore files.
  append('apps/alpha/Dockerfile', (n) => `LABEL mutation="${n}"\n`),
  append('apps/beta/Dockerfile', (n) => `LABEL mutation="${n}"\n`),
  append('apps/alpha/.dockerignore', () => 'src/pkg/b.py\n'),
  append('.dockerignore', () => 'libs/common/util.py\n'),
  append('apps/alpha/.dockerignore', () => '# a comment only\n'),
  append('apps/gamma/Dockerfile.dockerignore', () => 'apps/gamma/README.md\n'),
  // A commit changes .git, which gamma's whole-context bind mount reads (case 13).
  { name: '.git (a commit)', apply: async (ws, n) => void (await ws.git('commit', '-q', '--allow-empty', '-m', `mutation ${n}`)), warned: '.git/' },
];

const fingerprints = (ws: Workspace) => imageFingerprints(ws, DIRECT);

describe('inputs against BuildKit: one file changed at a time', () => {
  let ws: Workspace;

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('mutation');
    // Case 2: an option only targetDefaults sets (by executor); alpha's stage comes from package.json nx.targets.
    const nxJson = JSON.parse(ws.read('nx.json'));
    nxJson.targetDefaults = { '@org/docker:build': { options: { buildArgs: { FLAVOR: 'b' } } } };
    ws.write('nx.json', JSON.stringify(nxJson, null, 2));
    ws.write('apps/alpha/scripts/stamp.sh', 'cat /scripts/version.txt\n');
    for (const f of [...SOURCES, ...GIT_IGNORED]) ws.write(f, `${f}\n`);
    await ws.commit('sources');
  });
  afterAll(async () => {
    if (ws) await removeOracleImages(ws);
    await ws?.dispose();
  });

  it(
    `Nx rebuilds every image BuildKit changes (${MUTATIONS.length} mutations); what it cannot see is warned`,
    async () => {
      expect(new Set(MUTATIONS.map((m) => m.name)).size).toBeGreaterThanOrEqual(60);
      const first = await buildAll(ws);
      expect(first.exitCode).toBe(0);
      let before = await fingerprints(ws);
      // The oracle is stable: building again without a change changes nothing.
      expect(await fingerprints(ws)).toEqual(before);

      const stale: string[] = [];
      const warned: string[] = [];
      const falsePositives: string[] = [];
      let truePositives = 0;
      for (const [i, m] of MUTATIONS.entries()) {
        await m.apply(ws, i);
        // Nx and the oracle look at the same tree independently: side by side.
        const [r, after] = await Promise.all([buildAll(ws), fingerprints(ws)]);
        if (r.exitCode !== 0) throw new Error(`nx failed after mutating ${m.name}:\n${r.output}`);
        const run = ws.lastRun();
        PROJECTS.forEach((p, j) => {
          const changed = after[j] !== before[j];
          const rebuilt = run[`${p}:docker-build`].cacheStatus === 'cache-miss';
          const what = `${m.name} -> ${p}`;
          if (changed && !rebuilt) {
            if (m.warned && r.output.includes(m.warned) && r.output.includes('which git ignores')) warned.push(what);
            else stale.push(what);
          } else if (!changed && rebuilt) falsePositives.push(what);
          else if (changed) truePositives++;
        });
        before = after;
      }
      const report = [
        `mutations: ${MUTATIONS.length} (${PROJECTS.length} images each)`,
        `image changed and Nx rebuilt: ${truePositives}`,
        `image changed, Nx served the cache, inference had warned (git-ignored): ${warned.length}  ${warned.join('; ')}`,
        `Nx rebuilt, image unchanged (false positives): ${falsePositives.length}  ${falsePositives.join('; ')}`,
        `STALE (image changed, cache hit, no warning): ${stale.length}  ${stale.join('; ')}`,
      ].join('\n');
      console.log(report);
      expect(stale).toEqual([]);
      // Both git-ignored kinds were seen and warned: the generated file (alpha) and the commit (gamma).
      expect(warned).toEqual(expect.arrayContaining(['apps/alpha/generated/gen.py -> alpha', '.git (a commit) -> gamma']));
      expect(readFileSync(join(ws.root, 'apps/alpha/Dockerfile'), 'utf8')).toContain('LABEL mutation=');
    },
    25 * 60_000,
  ); // over 60 rounds of Nx plus three direct builds each: minutes, not seconds
});
