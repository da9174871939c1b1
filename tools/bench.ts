// Benchmark: this plugin against @nx/docker's inferred `docker:build` and `docker buildx bake`,
// with the floors under them, on the reference workspace (apps/) and optionally with N more
// services made by `nx g @org/docker:service`. One run, side by side, the tools taking turns:
//   (a) no-op: build every image again, nothing changed;
//   (b) one-service change: one new line in apps/ingestion-api/src/main.py, committed;
//   (c) base change: a new RUN line in docker/python-base/Dockerfile, committed (the base and
//       every service built on it are rebuilt).
// This plugin runs per task and with --batch (every image of the run in one process).
// Floors: Nx alone (no Docker plugin; a cached `nx:noop` target on the same projects, run the
// same way) and a direct `docker buildx build` of the changed image. Nx tools run with the Nx
// daemon off (as in CI) and on. Each tool has its own clone (one BuildKit cache, warmed first).
//   npm run bench                          # 3 rounds, reference workspace
//   npm run bench -- --rounds=5 --services=24
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import execa from 'execa';

const REPO = resolve(__dirname, '..');
const NX = join(REPO, 'node_modules/nx/dist/bin/nx.js');
const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ROUNDS = arg('rounds', 3);
const SERVICES = arg('services', 0);
const CHANGED = 'apps/ingestion-api/src/main.py';
const BASE = 'docker/python-base/Dockerfile';
/** The reference services built FROM python-base (the base-change scenario rebuilds them). */
const PYTHON_ON_BASE = 3;

type Scenario = 'noop' | 'change' | 'base';
interface Tool {
  name: string;
  root: string;
  /** Working directory of the commands, relative to root. */
  cwd?: string;
  /** Nx daemon for this row (Nx tools only). */
  daemon?: boolean;
  commands: Partial<Record<Scenario, string[]>>;
}

function env(root: string, daemon = false): Record<string, string> {
  return {
    NX_DAEMON: String(daemon),
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_CACHE_DIRECTORY: join(root, '.nx', 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(root, '.nx', 'workspace-data'),
  };
}

/** Runs argv (`nx …` through this repository's Nx) and returns its wall time in seconds. */
async function timed(tool: Pick<Tool, 'root' | 'cwd' | 'daemon'>, argv: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const [cmd, ...args] = argv;
  const r = await execa(cmd === 'nx' ? process.execPath : cmd, cmd === 'nx' ? [NX, ...args] : args, {
    cwd: join(tool.root, tool.cwd ?? ''),
    env: env(tool.root, tool.daemon),
    reject: false,
    all: true,
  });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed in ${tool.root}:\n${(r.all ?? '').split('\n').slice(-20).join('\n')}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function git(root: string, ...args: string[]): Promise<void> {
  await execa('git', args, { cwd: root, env: { GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@e' } });
}

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

/** A clone of `source` wired to this repository's node_modules and compiled plugin. */
async function clone(source: string, name: string, setup?: (root: string) => void | Promise<void>): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), `org-docker-bench-${name}-`));
  await execa('git', ['clone', '-q', source, root]);
  // Links to this repository's node_modules and compiled plugin (npm run build), which nx.json's
  // "./packages/docker" loads; a clone of a bench clone has them already.
  const links: [string, string][] = [
    ['node_modules', 'node_modules'],
    ['packages/docker/dist', 'packages/docker/dist'],
    ['packages/docker/node_modules', 'packages/docker/node_modules'],
  ];
  for (const [from, to] of links) {
    if (existsSync(join(REPO, from)) && !existsSync(join(root, to))) symlinkSync(join(REPO, from), join(root, to), 'dir');
  }
  if (setup) await setup(root);
  await git(root, 'add', '-A');
  await git(root, 'commit', '-q', '--allow-empty', '-m', `bench setup: ${name}`);
  return root;
}

/** The reference workspace, with `count` more Python services generated the way a user would. */
async function workspace(count: number): Promise<string> {
  return clone(REPO, 'source', async (root) => {
    for (let i = 1; i <= count; i++) {
      await timed({ root }, ['nx', 'g', '@org/docker:service', `svc-${String(i).padStart(2, '0')}`, '--runtime=python', '--no-interactive']);
    }
  });
}

/** Every image project gets a cached no-op target: what Nx itself costs for the same projects. */
function floorTargets(root: string): void {
  editJson(join(root, 'nx.json'), (json) => {
    json.plugins = [];
    json.targetDefaults = {};
  });
  // Every project that builds an image (the services and the base images): as many tasks as docker-build.
  const images = execa.sync('git', ['ls-files', 'apps/*/project.json', 'docker/*/project.json'], { cwd: root }).stdout.split('\n').filter(Boolean);
  for (const file of images) {
    editJson(join(root, file), (json) => {
      json.targets = { floor: { executor: 'nx:noop', cache: true, inputs: ['{projectRoot}/**/*'] } };
    });
  }
}

async function change(root: string, scenario: Exclude<Scenario, 'noop'>, marker: string): Promise<void> {
  const file = join(root, scenario === 'change' ? CHANGED : BASE);
  const line = scenario === 'change' ? `# bench ${marker}` : `RUN echo ${marker} > /tmp/bench-marker`;
  writeFileSync(file, `${readFileSync(file, 'utf8')}${line}\n`);
  await git(root, 'commit', '-q', '-am', `bench ${marker}`);
}

/**
 * @nx/docker as a user would have to set it up for this system: it infers `docker build .` with
 * no image edges, so each Python service gets the stage, the job-model context and its base as
 * an implicit dependency (built first, `^docker:build`), and each base the tag the services use.
 */
function nxDockerSetup(root: string): void {
  editJson(join(root, 'nx.json'), (json) => {
    json.plugins = ['@nx/docker'];
    json.targetDefaults = {};
  });
  for (const base of ['python-base', 'cuda-python-base'])
    editJson(join(root, 'docker', base, 'project.json'), (json) => {
      json.targets = { 'docker:build': { options: { args: [`--tag docker-${base}`, `--tag ${base}:latest`] } } };
    });
  const apps = execa.sync('git', ['ls-files', 'apps/*/project.json'], { cwd: root }).stdout.split('\n').filter(Boolean);
  for (const file of apps) {
    const dir = file.replace(/\/project\.json$/, '');
    const text = readFileSync(join(root, dir, 'Dockerfile'), 'utf8');
    const base = ['cuda-python-base', 'python-base'].find((b) => text.includes(`${b}:latest`));
    if (!base) continue;
    editJson(join(root, file), (json) => {
      const stage = (json.targets as Record<string, { options?: { target?: string } }>)['docker-build']?.options?.target ?? 'production';
      json.implicitDependencies = [base];
      json.targets = {
        'docker:build': {
          dependsOn: ['^docker:build'],
          options: { args: [`--tag ${dir.replace('/', '-')}`, `--target ${stage}`, '--build-context job-models=../../libs/job-models'] },
        },
      };
    });
  }
}

/**
 * bake over the compose file knows nothing of the base images: a bake file adds their targets
 * and hands each service its base through a `target:` context, as a bake user would write it.
 */
function bakeFile(root: string): void {
  const config = JSON.parse(execa.sync('docker', ['compose', '-f', join(root, 'docker/compose/docker-compose.yml'), 'config', '--format', 'json']).stdout) as {
    services: Record<string, { build?: { additional_contexts?: Record<string, string> } }>;
  };
  const services = Object.keys(config.services);
  const bases = ['python-base', 'cuda-python-base'];
  const target: Record<string, unknown> = Object.fromEntries(bases.map((b) => [b, { context: `../${b}`, tags: [`${b}:latest`] }]));
  for (const s of services) {
    const text = readFileSync(join(root, 'apps', s, 'Dockerfile'), 'utf8');
    const contexts = Object.fromEntries(bases.filter((b) => text.includes(`${b}:latest`)).map((b) => [b, `target:${b}`]));
    // The compose file's own contexts (the job model) stay: a target's contexts are replaced as a whole.
    if (Object.keys(contexts).length) target[s] = { contexts: { ...config.services[s].build?.additional_contexts, ...contexts } };
  }
  writeFileSync(
    join(root, 'docker/compose/docker-bake.json'),
    `${JSON.stringify({ group: { default: { targets: [...bases, ...services] } }, target }, null, 2)}\n`,
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (s: number | undefined) => (s === undefined ? '—' : `${s.toFixed(2)} s`);

async function main(): Promise<void> {
  const { stdout: version } = await execa('docker', ['version', '--format', '{{.Server.Version}}']);
  const source = await workspace(SERVICES);
  const images = 8 + SERVICES;
  console.log(`Docker ${version}; ${ROUNDS} round(s); ${images} images (reference workspace + ${SERVICES} generated services)`);
  const affected = ['affected', '--base=HEAD~1', '--head=HEAD'];
  const roots = {
    org: await clone(source, 'org'),
    nx: await clone(source, 'nx', nxDockerSetup),
    floor: await clone(source, 'floor', floorTargets),
    bake: await clone(source, 'bake', bakeFile),
    direct: await clone(source, 'direct'),
  };
  const tools: Tool[] = [];
  const nxTools = (daemon: boolean): Tool[] => {
    const d = daemon ? 'daemon on' : 'daemon off';
    const org = (batch: string[]) => ({
      noop: ['nx', 'run-many', '-t', 'docker-build', ...batch],
      change: ['nx', ...affected, '-t', 'docker-build', ...batch],
      base: ['nx', ...affected, '-t', 'docker-build', ...batch],
    });
    return [
      { name: `@org/docker (${d})`, root: roots.org, daemon, commands: org([]) },
      { name: `@org/docker --batch (${d})`, root: roots.org, daemon, commands: org(['--batch']) },
      {
        name: `@nx/docker (${d})`,
        root: roots.nx,
        daemon,
        commands: {
          noop: ['nx', 'run-many', '-t', 'docker:build'],
          change: ['nx', ...affected, '-t', 'docker:build'],
          base: ['nx', ...affected, '-t', 'docker:build'],
        },
      },
      {
        name: `floor: Nx alone (${d})`,
        root: roots.floor,
        daemon,
        commands: { noop: ['nx', 'run-many', '-t', 'floor'], change: ['nx', ...affected, '-t', 'floor'] },
      },
    ];
  };
  const bake = ['docker', 'buildx', 'bake', '--file', 'docker-compose.yml', '--file', 'docker-bake.json', '--load'];
  const others: Tool[] = [
    { name: 'buildx bake', root: roots.bake, cwd: 'docker/compose', commands: { noop: bake, change: bake, base: bake } },
    {
      name: 'floor: direct buildx build of the changed image',
      root: roots.direct,
      commands: {
        change: [
          'docker',
          'buildx',
          'build',
          '--load',
          '--target',
          'production',
          '--build-context',
          'job-models=libs/job-models',
          '-t',
          'bench-direct/ingestion-api',
          'apps/ingestion-api',
        ],
      },
    },
  ];
  const times = new Map<Tool, Record<Scenario, number[]>>();
  const stopDaemons = async () => {
    for (const root of [roots.org, roots.nx, roots.floor])
      await execa(process.execPath, [NX, 'daemon', '--stop'], { cwd: root, env: env(root, true), reject: false });
  };
  const show: Record<'org' | 'floor', number[]> = { org: [], floor: [] };
  try {
    // Two phases, so that no daemon runs (and re-hashes files on every commit) while the
    // daemon-off rows are timed: first the daemon off with bake and buildx, then the daemon on.
    for (const phase of [[...nxTools(false), ...others], nxTools(true)]) {
      tools.push(...phase);
      for (const t of phase) times.set(t, { noop: [], change: [], base: [] });
      // Warm-up: everything built once (one BuildKit cache), every Nx cache filled, daemons started.
      for (const t of phase) console.log(`warm-up ${t.name}: ${(await timed(t, t.commands.noop ?? t.commands.change ?? [])).toFixed(1)} s`);
      for (let round = 0; round < ROUNDS; round++) {
        for (const t of round % 2 ? [...phase].reverse() : phase) {
          const m = times.get(t) as Record<Scenario, number[]>;
          if (t.commands.noop) m.noop.push(await timed(t, t.commands.noop));
          // Each clone gets a change of its own before each timed change.
          for (const scenario of ['change', 'base'] as const) {
            const command = t.commands[scenario];
            if (!command) continue;
            await change(t.root, scenario, `${process.pid}-${round}-${tools.indexOf(t)}-${scenario}`);
            m[scenario].push(await timed(t, command));
          }
          console.log(
            `round ${round + 1} ${t.name}: no-op ${fmt(m.noop.at(-1))}, one-service change ${fmt(m.change.at(-1))}, base change ${fmt(m.base.at(-1))}`,
          );
        }
      }
      // Inference: the project graph with the plugin registered (its cache warm) against none at all.
      if (!phase[0].daemon) {
        for (let i = 0; i < ROUNDS; i++) {
          for (const k of ['org', 'floor'] as const) show[k].push(await timed({ root: roots[k] }, ['nx', 'show', 'projects']));
        }
      }
    }
    const med = (name: string, s: Scenario) => {
      const t = tools.find((x) => x.name === name);
      const xs = t ? times.get(t)?.[s] : undefined;
      return xs?.length ? median(xs) : undefined;
    };
    console.log(`\n| tool | no-op (${images} images, nothing changed) | one-service source change | base image change (base + ${PYTHON_ON_BASE} services) |`);
    console.log('| --- | ---: | ---: | ---: |');
    for (const t of tools) console.log(`| ${t.name} | ${fmt(med(t.name, 'noop'))} | ${fmt(med(t.name, 'change'))} | ${fmt(med(t.name, 'base'))} |`);
    const direct = med('floor: direct buildx build of the changed image', 'change') ?? 0;
    console.log('\n| ratio | daemon off | daemon on | target |');
    console.log('| --- | ---: | ---: | ---: |');
    const ratio = (f: (d: string) => number | undefined) => ['daemon off', 'daemon on'].map((d) => (f(d) ?? NaN).toFixed(2));
    const rows: [string, (d: string) => number | undefined, string][] = [
      ['no-op: @org/docker / Nx alone', (d) => (med(`@org/docker (${d})`, 'noop') ?? NaN) / (med(`floor: Nx alone (${d})`, 'noop') ?? NaN), '≤ 1.10'],
      [
        'change: @org/docker / (Nx alone + direct buildx)',
        (d) => (med(`@org/docker (${d})`, 'change') ?? NaN) / ((med(`floor: Nx alone (${d})`, 'change') ?? NaN) + direct),
        '≤ 1.30',
      ],
      ['change: @org/docker / @nx/docker', (d) => (med(`@org/docker (${d})`, 'change') ?? NaN) / (med(`@nx/docker (${d})`, 'change') ?? NaN), '< 1'],
      ['change: @org/docker / buildx bake', (d) => (med(`@org/docker (${d})`, 'change') ?? NaN) / (med('buildx bake', 'change') ?? NaN), '< 1'],
      [
        'no-op: @org/docker --batch / Nx alone',
        (d) => (med(`@org/docker --batch (${d})`, 'noop') ?? NaN) / (med(`floor: Nx alone (${d})`, 'noop') ?? NaN),
        '≤ 1.10',
      ],
      [
        'change: @org/docker --batch / (Nx alone + direct buildx)',
        (d) => (med(`@org/docker --batch (${d})`, 'change') ?? NaN) / ((med(`floor: Nx alone (${d})`, 'change') ?? NaN) + direct),
        '≤ 1.30',
      ],
      ['base: @org/docker / buildx bake', (d) => (med(`@org/docker (${d})`, 'base') ?? NaN) / (med('buildx bake', 'base') ?? NaN), '≤ 1'],
      ['base: @org/docker --batch / buildx bake', (d) => (med(`@org/docker --batch (${d})`, 'base') ?? NaN) / (med('buildx bake', 'base') ?? NaN), '≤ 1'],
      ['base: @org/docker --batch / per task', (d) => (med(`@org/docker --batch (${d})`, 'base') ?? NaN) / (med(`@org/docker (${d})`, 'base') ?? NaN), ''],
    ];
    for (const [label, f, target] of rows) console.log(`| ${label} | ${ratio(f).join(' | ')} | ${target} |`);
    const [withPlugin, without] = [median(show.org), median(show.floor)];
    console.log(
      `| nx show projects (daemon off): with the plugin / without | ${fmt(withPlugin)} / ${fmt(without)} = ${(withPlugin / without).toFixed(2)} | | ≤ 1.15 |`,
    );
    console.log(`\nMedians of ${ROUNDS} round(s); the tools take turns, in reverse order every other round.`);
  } finally {
    await stopDaemons();
    for (const root of [source, ...Object.values(roots)]) rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
