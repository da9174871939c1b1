// Bad input is contained: 200 mutated Dockerfiles (characters dropped, doubled or replaced with
// the ones parsers trip on, lines swapped, cut short, binary bytes) and the structural cases (an
// ignore pattern `[`, an ignore path that is a directory, a line over BuildKit's 64 KiB, an empty
// file) in one workspace. The project graph always builds with every project in it, and a
// build fails only for a broken project, before Docker runs, naming file and line.
import { pluginsInProcess, requireEngine, Workspace } from './harness';

pluginsInProcess();

const BASE = [
  'ARG BASE=debian:bookworm-slim',
  'FROM ${BASE} AS deps',
  'WORKDIR /app',
  'COPY requirements.txt ./',
  'RUN --mount=type=cache,target=/root/.cache echo deps > /deps.txt',
  'FROM deps AS production',
  'ARG APP="svc"',
  'COPY src/${APP}/ ./src/',
  'COPY --from=deps /deps.txt ./',
  'ENV PORT=8000 MODE="prod"',
  'EXPOSE 8000',
  'USER 10001',
  'CMD ["sh", "-c", "cat /deps.txt"]',
].join('\n');

const NASTY = ['[', ']', '{', '}', '$', '${', '"', "'", '\\', '\n', '\u0000', '\uFFFD', '*', '?', '#', '=', ' ', '--', '@', ':'];

/** A small deterministic generator, so a failure names a case that can be reproduced. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

function mutate(text: string, seed: number): string {
  const r = random(seed);
  let out = text;
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * out.length);
    const kind = Math.floor(r() * 6);
    if (kind === 0) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 8));
    else if (kind === 1) out = out.slice(0, at) + NASTY[Math.floor(r() * NASTY.length)] + out.slice(at);
    else if (kind === 2) out = out.slice(0, at) + NASTY[Math.floor(r() * NASTY.length)] + out.slice(at + 1);
    else if (kind === 3) {
      const lines = out.split('\n');
      const i = Math.floor(r() * lines.length);
      const j = Math.floor(r() * lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      out = lines.join('\n');
    } else if (kind === 4) out = out.slice(0, at);
    else out = out.slice(0, at) + out.slice(at, at + 20).repeat(3) + out.slice(at);
  }
  return out;
}

describe('fuzzed Dockerfiles and broken inputs fail only their own project', () => {
  let ws: Workspace;
  const FUZZED = 200;
  const name = (i: number) => `fz-${String(i).padStart(3, '0')}`;

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('empty');
    for (let i = 0; i < FUZZED; i++) {
      ws.write(`apps/${name(i)}/project.json`, JSON.stringify({ name: name(i) }));
      ws.write(`apps/${name(i)}/Dockerfile`, mutate(BASE, i + 1));
      ws.write(`apps/${name(i)}/requirements.txt`, '\n');
      ws.write(`apps/${name(i)}/src/svc/main.txt`, `${i}\n`);
    }
    const structural: Record<string, Record<string, string>> = {
      'bad-ignore': { Dockerfile: 'FROM debian:bookworm-slim\nCOPY src/ /app/\n', '.dockerignore': '[\nsrc/tmp\n' },
      'long-line': { Dockerfile: `FROM debian:bookworm-slim\nRUN echo ${'x'.repeat(70 * 1024)}\n` },
      'empty-file': { Dockerfile: '' },
      good: { Dockerfile: 'FROM debian:bookworm-slim\nCOPY src/ /app/\nUSER 10001\n', 'src/a.txt': 'a\n' },
    };
    for (const [project, files] of Object.entries(structural)) {
      ws.write(`apps/${project}/project.json`, JSON.stringify({ name: project }));
      for (const [file, text] of Object.entries(files)) ws.write(`apps/${project}/${file}`, text);
    }
    ws.write('apps/dir-ignore/project.json', JSON.stringify({ name: 'dir-ignore' }));
    ws.write('apps/dir-ignore/Dockerfile', 'FROM debian:bookworm-slim\n');
    ws.write('apps/dir-ignore/.dockerignore/placeholder', 'a directory named .dockerignore\n');
    await ws.commit('fuzzed projects');
  });
  afterAll(async () => ws?.dispose());

  type Graph = { graph: { nodes: Record<string, { data: { targets: Record<string, { options?: { plan?: { problems: unknown[] } } }> } }> } };
  let graph: Graph;

  it(`the project graph builds with all ${FUZZED + 5} projects and their Docker targets`, async () => {
    const r = await ws.nx(['graph', '--file=graph.json']);
    if (r.exitCode !== 0) throw new Error(`nx graph failed:\n${r.output}`);
    graph = JSON.parse(ws.read('graph.json')) as Graph;
    const projects = Object.keys(graph.graph.nodes);
    expect(projects).toHaveLength(FUZZED + 5);
    expect(projects.filter((p) => !graph.graph.nodes[p].data.targets['docker-build'])).toEqual([]);
  });

  it('each broken project fails alone, before Docker runs, with file and line; the good one builds', async () => {
    // Fuzzed projects whose plan found a problem (three of them), and the structural cases.
    const planOf = (p: string) => graph.graph.nodes[p].data.targets['docker-build'].options?.plan;
    const fuzzedBroken = Array.from({ length: FUZZED }, (_, i) => name(i)).filter((p) => planOf(p)?.problems.length);
    console.log(`${fuzzedBroken.length} of ${FUZZED} fuzzed Dockerfiles have problems Docker would refuse; the rest plan cleanly`);
    expect(fuzzedBroken.length).toBeGreaterThan(3);
    const broken = fuzzedBroken.slice(0, 3);
    const chosen = [...broken, 'bad-ignore', 'long-line', 'empty-file', 'dir-ignore', 'good'];
    ws.clearDockerCalls();
    const r = await ws.nx(['run-many', '-t', 'docker-build', `--projects=${chosen.join(',')}`, '--parallel=3']);
    expect(r.exitCode).not.toBe(0);
    const run = ws.lastRun();
    expect(run['good:docker-build'].status).toBe(0);
    for (const p of chosen.filter((x) => x !== 'good')) {
      expect({ p, status: run[`${p}:docker-build`].status }).toEqual({ p, status: 1 });
      expect(r.output).toMatch(new RegExp(`apps/${p}/Dockerfile:\\d+: `));
    }
    // Docker was asked to build only the good image.
    const builds = ws.dockerCalls().filter((c) => c.startsWith('buildx build'));
    expect(builds).toHaveLength(1);
    expect(builds[0]).toContain('apps/good/Dockerfile');
  });
});
