// Benchmark: this plugin against @nx/docker's inferred `docker:build` and `docker buildx bake`
// on the reference workspace (apps/), in one run, side by side:
//   (a) a no-op: build every image again, nothing changed;
//   (b) a one-service source change: one line of apps/ingestion-api/src/main.py.
// Each tool gets its own clone of this repository's HEAD (same BuildKit cache, warmed first);
// each scenario runs N times per tool (median), the tools taking turns.
//   npm run bench                # 3 rounds
//   npm run bench -- 5
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import execa from 'execa';

const REPO = resolve(__dirname, '..');
const ROUNDS = Number(process.argv[2] ?? 3);
const CHANGED = 'apps/ingestion-api/src/main.py';

interface Tool {
  name: string;
  root: string;
  /** Working directory of the commands, relative to root. */
  cwd?: string;
  noop: string[];
  change: string[];
}

const nxEnv = (root: string) => ({
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NX_CACHE_DIRECTORY: join(root, '.nx', 'cache'),
  NX_WORKSPACE_DATA_DIRECTORY: join(root, '.nx', 'workspace-data'),
});

async function sh(root: string, argv: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const [cmd, ...args] = argv;
  const r = await execa(cmd === 'nx' ? process.execPath : cmd, cmd === 'nx' ? [join(REPO, 'node_modules/nx/dist/bin/nx.js'), ...args] : args, {
    cwd: root,
    env: nxEnv(root),
    reject: false,
    all: true,
  });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed in ${root}:\n${(r.all ?? '').split('\n').slice(-20).join('\n')}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function clone(name: string, nxJson?: (json: Record<string, unknown>) => Record<string, unknown>): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), `org-docker-bench-${name}-`));
  await execa('git', ['clone', '-q', REPO, root]);
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  // The plugin's own dependencies (e.g. yaml 2, where the root has yaml 1).
  const pluginModules = join(REPO, 'packages', 'docker', 'node_modules');
  if (existsSync(pluginModules)) symlinkSync(pluginModules, join(root, 'packages', 'docker', 'node_modules'), 'dir');
  // The compiled plugin (npm run build), which nx.json's "./packages/docker" loads.
  symlinkSync(join(REPO, 'packages', 'docker', 'dist'), join(root, 'packages', 'docker', 'dist'), 'dir');
  if (nxJson) {
    const file = join(root, 'nx.json');
    writeFileSync(file, JSON.stringify(nxJson(JSON.parse(readFileSync(file, 'utf8'))), null, 2));
  }
  await git(root, 'add', '-A');
  await git(root, 'commit', '-q', '--allow-empty', '-m', 'bench setup');
  return root;
}

async function git(root: string, ...args: string[]): Promise<void> {
  await execa('git', args, { cwd: root, env: { GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@e' } });
}

/** A one-line, never-seen-before change to one service, committed (affected compares HEAD~1..HEAD). */
async function changeOneService(root: string, marker: string): Promise<void> {
  const file = join(root, CHANGED);
  writeFileSync(file, `${readFileSync(file, 'utf8')}# bench ${marker}\n`);
  await git(root, 'commit', '-q', '-am', `bench ${marker}`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const { stdout: version } = await execa('docker', ['version', '--format', '{{.Server.Version}}']);
  console.log(`Docker ${version}; ${ROUNDS} round(s) per scenario; reference workspace: ${REPO}/apps`);
  const tools: Tool[] = [
    {
      name: '@org/docker',
      root: await clone('org'),
      noop: ['nx', 'run-many', '-t', 'docker-build'],
      change: ['nx', 'affected', '-t', 'docker-build', '--base=HEAD~1', '--head=HEAD'],
    },
    {
      name: '@nx/docker',
      root: await clone('nx', (json) => ({ ...json, plugins: ['@nx/docker'], targetDefaults: {} })),
      noop: ['nx', 'run-many', '-t', 'docker:build'],
      change: ['nx', 'affected', '-t', 'docker:build', '--base=HEAD~1', '--head=HEAD'],
    },
    {
      name: 'buildx bake',
      root: await clone('bake'),
      // Bake resolves the compose file's build contexts against the working directory.
      cwd: 'docker/compose',
      noop: ['docker', 'buildx', 'bake', '--file', 'docker-compose.yml', '--load'],
      change: ['docker', 'buildx', 'bake', '--file', 'docker-compose.yml', '--load'],
    },
  ];
  try {
    // Warm-up: every tool builds everything once, so all start from the same BuildKit cache.
    for (const t of tools) console.log(`warm-up ${t.name}: ${(await sh(join(t.root, t.cwd ?? ''), t.noop)).toFixed(1)} s`);
    const times: Record<string, { noop: number[]; change: number[] }> = Object.fromEntries(tools.map((t) => [t.name, { noop: [], change: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...tools].reverse() : tools;
      for (const t of order) {
        const noop = await sh(join(t.root, t.cwd ?? ''), t.noop);
        times[t.name].noop.push(noop);
        await changeOneService(t.root, `${process.pid}-${round}`);
        const change = await sh(join(t.root, t.cwd ?? ''), t.change);
        times[t.name].change.push(change);
        console.log(`round ${round + 1} ${t.name}: no-op ${noop.toFixed(2)} s, one-service change ${change.toFixed(2)} s`);
      }
    }
    const ours = times['@org/docker'];
    const rows = tools.map((t) => {
      const m = times[t.name];
      const noop = median(m.noop);
      const change = median(m.change);
      return `| ${t.name} | ${noop.toFixed(2)} s | ${(noop / median(ours.noop)).toFixed(1)}× | ${change.toFixed(2)} s | ${(change / median(ours.change)).toFixed(1)}× |`;
    });
    console.log('\n| tool | no-op (all images, nothing changed) | vs @org/docker | one-service source change | vs @org/docker |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(r);
    console.log(
      `\nMedians of ${ROUNDS} round(s). @org/docker: run-many (no-op) and affected (change) over Nx's cache; @nx/docker: its inferred docker:build (no Nx cache) the same way; bake: every service of docker/compose/docker-compose.yml each time.`,
    );
  } finally {
    for (const t of tools) rmSync(t.root, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
