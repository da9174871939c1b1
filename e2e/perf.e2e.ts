// docker-perf on the real engine: a generated Python service (install before sources, cache
// mounts, deny-by-default .dockerignore) against a hand-written one that copies its sources
// before the install and ships node_modules in its context. The reports must say which is
// which, with lines and costs; the HTML must render in headless Chromium; nothing temporary
// may be left behind, also after Ctrl-C.
import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';
import { PNG } from 'pngjs';
import { imagesMatching, pluginsInProcess, requireEngine, Workspace } from './harness';

pluginsInProcess();

const BAD_DOCKERFILE = `FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
USER 10001
CMD ["python3", "src/main.py"]
`;

interface Step {
  name: string;
  line?: number;
  cached: boolean;
  seconds: number;
}
interface Scenario {
  median: number;
  min: number;
  max: number;
  changed?: string;
  skipped?: string;
  runs: Array<{ seconds: number; steps?: Step[]; cacheHit?: boolean }>;
}
interface Report {
  project: string;
  scenarios: Record<'cold' | 'warm' | 'code' | 'deps' | 'noop', Scenario>;
  findings: Array<{ id: string; line?: number; message: string; cost?: number }>;
}

// docker-perf's scratch copies and each of its builds' own temp dir.
const perfTemps = () => new Set(readdirSync(tmpdir()).filter((d) => d.startsWith('org-docker-perf-') || d.startsWith('org-docker-build-')));
async function perfImages(): Promise<string[]> {
  return (await imagesMatching(['org-docker-perf/*'])).filter((l) => l.startsWith('org-docker-perf/'));
}
async function perfContainers(): Promise<string[]> {
  const r = await execa('docker', ['ps', '-a', '--format', '{{.Image}}']);
  return r.stdout.split('\n').filter((l) => l.startsWith('org-docker-perf/'));
}

/** Writes `count` files of 1 MB of random bytes under `dir` (random: nothing compresses it away). */
function writeHeavyDir(ws: Workspace, dir: string, count: number): void {
  for (let i = 0; i < count; i++)
    ws.write(
      `${dir}/pkg-${i}/index.bin`,
      randomBytes(1024 * 1024)
        .toString('base64')
        .slice(0, 1024 * 1024),
    );
}

describe('docker-perf: measures, explains, reports, cleans up', () => {
  let ws: Workspace;
  let tempsBefore: Set<string>;
  const report = (p: string): Report => JSON.parse(ws.read(`dist/docker-perf/${p}.json`));

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('empty');
    const g = await ws.nx(['g', '@org/docker:service', 'api', '--runtime=python', '--no-interactive']);
    expect(g.exitCode).toBe(0);
    ws.write('apps/bad/project.json', JSON.stringify({ name: 'bad' }));
    ws.write('apps/bad/Dockerfile', BAD_DOCKERFILE);
    ws.write('apps/bad/requirements.txt', '# no third-party packages\n');
    ws.write('apps/bad/src/main.py', 'print("bad")\n');
    await ws.commit('two services');
    // Untracked (git ignores node_modules) but in both contexts; only api's .dockerignore keeps it out.
    writeHeavyDir(ws, 'apps/bad/node_modules', 3);
    writeHeavyDir(ws, 'apps/api/node_modules', 3);
    tempsBefore = perfTemps();
  });
  afterAll(async () => {
    await ws?.dispose();
  });

  it('run-many measures both images in five scenarios and explains them', async () => {
    const r = await ws.nx(['run-many', '-t', 'docker-perf', '--runs=1']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    // Progress: a line per scenario and run.
    expect(r.output).toMatch(/\[api\] no cache 1\/1: \d+\.\d s/);
    expect(r.output).toMatch(/\[bad\] code change 1\/1: \d+\.\d s/);

    const api = report('api');
    for (const s of ['cold', 'warm', 'code', 'deps', 'noop'] as const) {
      expect(api.scenarios[s].skipped).toBeUndefined();
      expect(api.scenarios[s].median).toBeGreaterThan(0);
    }
    expect(api.scenarios.noop.runs.every((run) => run.cacheHit)).toBe(true);
    expect(api.scenarios.code.changed).toBe('src/main.py');
    expect(api.scenarios.deps.changed).toBe('requirements.txt');
    const pip = (s: Scenario) => (s.runs[0].steps ?? []).find((st) => /\[deps .*pip install/.test(st.name));
    // Well-structured: a source change leaves the install cached; a manifest change re-runs it.
    expect(pip(api.scenarios.code)).toMatchObject({ cached: true });
    expect(pip(api.scenarios.deps)).toMatchObject({ cached: false, line: expect.any(Number) });
    expect(api.findings.map((f) => f.id)).not.toContain('install-reran-on-source-change');
    expect(api.findings.map((f) => f.id)).not.toContain('context-too-large');

    const bad = report('bad');
    const badPip = (bad.scenarios.code.runs[0].steps ?? []).find((st) => /pip install/.test(st.name));
    expect(badPip).toMatchObject({ cached: false, line: 4 });
    const reran = bad.findings.find((f) => f.id === 'install-reran-on-source-change');
    expect(reran).toMatchObject({ line: 4, cost: expect.any(Number) });
    expect(reran?.message).toContain('`COPY . .` at line 3 comes before `RUN pip install -r requirements.txt` at line 4');
    expect(reran?.message).toMatch(/\(cost \d+\.\d s\)$/);
    const context = bad.findings.find((f) => f.id === 'context-too-large');
    expect(context?.message).toMatch(/^context is \d+\.\d MB; node_modules\/ \(3\.0 MB\) is not in \.dockerignore$/);
    expect(r.output).toContain('apps/bad/Dockerfile:4: dependency install re-ran after a source change');

    const md = ws.read('dist/docker-perf/report.md');
    expect(md).toContain('| service | no cache | with cache | code change | dependency change | no-op (Nx) | improvement |');
    expect(md).toMatch(/\| api \| \d+\.\d s \|/);
    expect(md).toMatch(/\| bad \| \d+\.\d s \|/);
    expect(ws.exists('dist/docker-perf/report.html')).toBe(true);
    expect(JSON.parse(ws.read('dist/docker-perf/report.json')).projects.map((p: Report) => p.project)).toEqual(['api', 'bad']);
  });

  it('report.html renders in headless Chromium with the bar chart', async () => {
    const png = join(ws.root, 'report.png');
    // Debian's chromium here; GitHub's runners have google-chrome.
    const browser = ['chromium', 'chromium-browser', 'google-chrome'].find(
      (b) => execa.sync('sh', ['-c', 'command -v "$0"', b], { reject: false }).exitCode === 0,
    );
    if (!browser) throw new Error('No headless browser: install chromium (apt-get install chromium); .ci/run does.');
    await execa(
      browser,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        '--window-size=1000,700',
        `--screenshot=${png}`,
        `file://${join(ws.root, 'dist/docker-perf/report.html')}`,
      ],
      {
        timeout: 60_000,
      },
    );
    const image = PNG.sync.read(readFileSync(png));
    // The chart's bars: pixels in the bar colours of "no cache" (#c0392b) and "with cache" (#2980b9).
    const count = (r: number, g: number, b: number) => {
      let n = 0;
      for (let i = 0; i < image.data.length; i += 4) {
        if (Math.abs(image.data[i] - r) < 12 && Math.abs(image.data[i + 1] - g) < 12 && Math.abs(image.data[i + 2] - b) < 12) n++;
      }
      return n;
    };
    expect(count(0xc0, 0x39, 0x2b)).toBeGreaterThan(500);
    expect(count(0x29, 0x80, 0xb9)).toBeGreaterThan(100);
  });

  it('leaves no temporary image, container or directory behind', async () => {
    expect(await perfImages()).toEqual([]);
    expect(await perfContainers()).toEqual([]);
    expect([...perfTemps()].filter((d) => !tempsBefore.has(d))).toEqual([]);
  });

  /** Starts `nx run bad:docker-perf`, sends Ctrl-C once the first build is done, and waits for Nx to exit. */
  async function interruptMidMeasurement(env: Record<string, string>): Promise<void> {
    const reportBefore = ws.exists('dist/docker-perf/bad.json') ? ws.read('dist/docker-perf/bad.json') : undefined;
    const child = execa(
      process.execPath,
      [join(ws.root, 'node_modules/nx/dist/bin/nx.js'), 'run', 'bad:docker-perf', '--runs=3', '--skip-nx-cache', '--outputStyle=stream'],
      { cwd: ws.root, env, detached: true, all: true, reject: false },
    );
    let output = '';
    child.all?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 120_000;
    while (!/no cache 1\/3/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(output).toMatch(/no cache 1\/3/);
    // Mid-measurement: the scratch copy of the context exists now.
    expect([...perfTemps()].filter((d) => !tempsBefore.has(d)).length).toBeGreaterThan(0);
    // The whole process group, as a terminal's Ctrl-C does.
    process.kill(-(child.pid as number), 'SIGINT');
    const result = await child;
    expect(result.exitCode).not.toBe(0);
    // Nx exits once the task's processes are gone; the engine may still be finishing a removal.
    const clean = async () => (await perfImages()).length === 0 && [...perfTemps()].every((d) => tempsBefore.has(d));
    const until = Date.now() + 30_000;
    while (!(await clean()) && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(await perfImages()).toEqual([]);
    expect([...perfTemps()].filter((d) => !tempsBefore.has(d))).toEqual([]);
    expect(await perfContainers()).toEqual([]);
    // An interrupted run writes no report: the previous one (if any) is left as it was.
    expect(ws.exists('dist/docker-perf/bad.json') ? ws.read('dist/docker-perf/bad.json') : undefined).toEqual(reportBefore);
  }

  it('Ctrl-C stops the measurement and still cleans up', async () => {
    await interruptMidMeasurement(ws.env());
  });

  it('Ctrl-C cleans up even when the engine takes longer to stop the build than Nx waits', async () => {
    // A build client that lingers 8 s after it was stopped, as on a busy engine: longer than the
    // 5 s Nx gives a stopped task before it kills the task's whole process tree. Every other
    // engine call goes straight through.
    const slow = join(ws.root, '.shim', 'slow');
    ws.write(
      '.shim/slow/docker',
      `#!/bin/bash\ntrap 'stopped=1' INT TERM\n"${join(ws.root, '.shim', 'docker')}" "$@"\ncode=$?\nif [ "$1" = buildx ] && [ -n "$stopped" ]; then sleep 8; fi\nexit $code\n`,
    );
    chmodSync(join(slow, 'docker'), 0o755);
    const env = ws.env();
    await interruptMidMeasurement({ ...env, PATH: `${slow}:${env.PATH}` });
  });
});
