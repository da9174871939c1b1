// Adoption into repositories laid out like real ones (issue 20): a root-context Dockerfile that
// copies its project's build output from dist/, a pnpm workspace's root lockfile, a project
// configured through package.json "nx.targets", and a project-root Dockerfile beside them, with
// no context option anywhere. The inferred contexts must be the ones the Dockerfiles were written
// for, and one edit at a time must rebuild exactly the images BuildKit changes.
import execa from 'execa';
import { pluginsInProcess, requireEngine, Workspace } from './harness';
import { buildAll, imageFingerprints, removeOracleImages, type DirectBuild } from './oracle';

pluginsInProcess();

const PROJECTS = ['web', 'api', 'worker'] as const;
type Project = (typeof PROJECTS)[number];

/** How the oracle builds each image: the context each Dockerfile was written for, straight through buildx. */
const DIRECT: Record<Project, DirectBuild> = {
  web: { dockerfile: 'packages/web/Dockerfile', context: '.' },
  api: { dockerfile: 'apps/api/Dockerfile', context: '.' },
  worker: { dockerfile: 'apps/worker/Dockerfile', context: 'apps/worker', target: 'production', args: { MODE: 'fast' } },
};

/** One edit each, with the images it must rebuild (BuildKit checks the same). */
const EDITS: Array<[file: string, rebuilds: Project[]]> = [
  ['packages/web/src/main.js', ['web']], // through the web project's `build` target and dist/
  ['packages/web/src/util.js', ['web']],
  ['pnpm-lock.yaml', ['api']],
  ['package.json', ['api']],
  ['apps/api/src/index.js', ['api']],
  ['apps/api/README.md', []],
  ['apps/worker/src/w.py', ['worker']],
  ['apps/worker/tests/t.py', []], // only the test stage copies it; production is built
  ['README.md', []],
];

/** A change that keeps the file valid (Nx itself reads package.json and the lockfile). */
function edited(file: string, text: string, n: number): string {
  if (file.endsWith('.json')) return `${JSON.stringify({ ...JSON.parse(text), edit: n }, null, 2)}\n`;
  return `${text}${file.endsWith('.js') ? '//' : '#'} edit ${n}\n`;
}

describe('adoption: contexts inferred for real layouts, checked against BuildKit', () => {
  let ws: Workspace;

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('adoption');
    // The lockfile is pnpm's, node_modules this repository's (npm): Nx must not analyse it.
    const nxJson = JSON.parse(ws.read('nx.json'));
    ws.write('nx.json', JSON.stringify({ ...nxJson, pluginsConfig: { '@nx/js': { analyzeLockfile: false } } }, null, 2));
    await ws.commit('nx.json: no lockfile analysis');
  });
  afterAll(async () => {
    if (ws) await removeOracleImages(ws);
    await ws?.dispose();
  });

  it('each Dockerfile gets the context it was written for, and says why', async () => {
    const show = async (project: string) => {
      const r = await execa(...ws.nxCommand(['show', 'project', project, '--json']), { cwd: ws.root, env: ws.env() });
      return JSON.parse(r.stdout).targets['docker-build'] as { options: { context: string }; metadata: { description: string } };
    };
    const [web, api, worker] = await Promise.all(PROJECTS.map(show));
    expect(web.options.context).toBe('.');
    expect(web.metadata.description).toContain('which copies dist/packages/web: found under the workspace root and not under packages/web');
    expect(api.options.context).toBe('.');
    expect(worker.options.context).toBe('apps/worker');
  });

  it('several plugin entries, one per layout: include/exclude globs give each its own context option', async () => {
    const nxJson = JSON.parse(ws.read('nx.json'));
    const [entry] = nxJson.plugins;
    ws.write(
      'nx.json',
      JSON.stringify({
        ...nxJson,
        plugins: [
          { ...entry, include: ['packages/**'], options: { ...entry.options, context: '.' } },
          { ...entry, exclude: ['packages/**'] },
        ],
      }),
    );
    try {
      const r = await execa(...ws.nxCommand(['show', 'project', 'web', '--json']), { cwd: ws.root, env: ws.env() });
      expect(JSON.parse(r.stdout).targets['docker-build'].metadata.description).toContain('context . (set in the plugin options in nx.json)');
      const w = await execa(...ws.nxCommand(['show', 'project', 'worker', '--json']), { cwd: ws.root, env: ws.env() });
      expect(JSON.parse(w.stdout).targets['docker-build'].options.context).toBe('apps/worker');
    } finally {
      ws.write('nx.json', JSON.stringify(nxJson, null, 2));
    }
  });

  it(
    'one edit at a time rebuilds exactly the images BuildKit changes; a no-op is all cache hits',
    async () => {
      const first = await buildAll(ws);
      expect(first.exitCode).toBe(0);
      // dist/ is git-ignored but produced by a declared build output: no warning about it.
      expect(first.output).not.toContain('which git ignores');
      expect(first.output).not.toContain('ambiguous');
      const fingerprints = () => imageFingerprints(ws, DIRECT);
      let before = await fingerprints();

      const again = await buildAll(ws);
      expect(again.exitCode).toBe(0);
      expect(PROJECTS.map((p) => ws.lastRun()[`${p}:docker-build`].cacheStatus)).toEqual(PROJECTS.map(() => 'local-cache-hit'));

      const rows: string[] = [];
      for (const [i, [file, expected]] of EDITS.entries()) {
        ws.write(file, edited(file, ws.read(file), i));
        const r = await buildAll(ws);
        if (r.exitCode !== 0) throw new Error(`nx failed after editing ${file}:\n${r.output}`);
        const run = ws.lastRun();
        const rebuilt = PROJECTS.filter((p) => run[`${p}:docker-build`].cacheStatus === 'cache-miss');
        // The oracle builds from the tree Nx just built from (dist/ included).
        const after = await fingerprints();
        const changed = PROJECTS.filter((_, j) => after[j] !== before[j]);
        rows.push(`${file}: BuildKit changed [${changed}], Nx rebuilt [${rebuilt}], expected [${expected}]`);
        before = after;
      }
      console.log(rows.join('\n'));
      expect(rows).toEqual(EDITS.map(([file, expected]) => `${file}: BuildKit changed [${expected}], Nx rebuilt [${expected}], expected [${expected}]`));
    },
    10 * 60_000,
  );
});
