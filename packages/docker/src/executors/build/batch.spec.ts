// The batch executor's scheduling, with the build of one task replaced: order (an image after
// what it builds on), the limit on concurrent builds, what a failure does to its dependents,
// and each task's own output. Real builds in a batch: e2e/batch.e2e.ts.
import type { ExecutorContext } from '../../utils/devkit';
import buildBatch, { type BatchTaskGraph, type BatchTaskResult } from './batch';
import { buildOne } from './executor';
import type { BuildExecutorSchema } from './schema';

jest.mock('./executor', () => ({ buildOne: jest.fn() }));
const build = buildOne as jest.MockedFunction<typeof buildOne>;

function graph(deps: Record<string, string[]>): BatchTaskGraph {
  const tasks = Object.fromEntries(
    Object.keys(deps).map((id) => [id, { id, target: { project: id.split(':')[0], target: 'docker-build' }, hash: `h-${id.split(':')[0]}` }]),
  );
  return { tasks, dependencies: deps };
}

async function run(g: BatchTaskGraph, options: Partial<BuildExecutorSchema> = {}): Promise<Array<{ task: string; result: BatchTaskResult }>> {
  const inputs = Object.fromEntries(Object.keys(g.tasks).map((id) => [id, { outputPath: `dist/${id}`, ...options } as BuildExecutorSchema]));
  const out = [];
  for await (const r of buildBatch(g, inputs, {}, { root: '/ws' } as ExecutorContext)) out.push(r);
  return out;
}

describe('batch executor', () => {
  let log: string[];
  beforeEach(() => {
    log = [];
    build.mockReset();
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  it('builds each image after the images it builds on, with its own hash and context, and reports each as it completes', async () => {
    build.mockImplementation(async (_o, context, hash) => {
      log.push(`start ${context.projectName} ${hash}`);
      await new Promise((r) => setTimeout(r, context.projectName === 'base' ? 30 : 5));
      log.push(`end ${context.projectName}`);
      process.stdout.write(`built ${context.projectName}\n`);
      return { success: true };
    });
    const results = await run(
      graph({ 'base:docker-build': [], 'a:docker-build': ['base:docker-build'], 'b:docker-build': ['base:docker-build'], 'c:docker-build': [] }),
    );
    expect(log.indexOf('end base')).toBeLessThan(log.indexOf('start a h-a'));
    expect(log.indexOf('end base')).toBeLessThan(log.indexOf('start b h-b'));
    expect(log.indexOf('start c h-c')).toBeLessThan(log.indexOf('end base'));
    expect(results.map((r) => r.task).indexOf('c:docker-build')).toBeLessThan(results.map((r) => r.task).indexOf('a:docker-build'));
    const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
    expect(byTask['a:docker-build']).toMatchObject({ success: true, terminalOutput: 'built a\n' });
    expect(byTask['base:docker-build'].terminalOutput).toBe('built base\n');
  });

  it('a failure fails its task; what builds on it (directly or not) is skipped, not built; the rest is built', async () => {
    build.mockImplementation(async (_o, context) => ({ success: context.projectName !== 'base' }));
    const results = await run(
      graph({ 'base:docker-build': [], 'a:docker-build': ['base:docker-build'], 'a2:docker-build': ['a:docker-build'], 'c:docker-build': [] }),
    );
    const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
    expect(byTask['base:docker-build']).toMatchObject({ success: false });
    expect(byTask['base:docker-build'].status).toBeUndefined();
    expect(byTask['a:docker-build']).toMatchObject({
      success: false,
      status: 'skipped',
      terminalOutput: expect.stringContaining('builds on base:docker-build'),
    });
    expect(byTask['a2:docker-build']).toMatchObject({ success: false, status: 'skipped', terminalOutput: expect.stringContaining('builds on a:docker-build') });
    expect(byTask['c:docker-build']).toMatchObject({ success: true });
    expect(build.mock.calls.map(([, c]) => c.projectName).sort()).toEqual(['base', 'c']);
  });

  it('an unexpected error fails only its own task', async () => {
    build.mockImplementation(async (_o, context) => {
      if (context.projectName === 'a') throw new Error('boom');
      return { success: true };
    });
    const results = Object.fromEntries((await run(graph({ 'a:docker-build': [], 'b:docker-build': [] }))).map((r) => [r.task, r.result]));
    expect(results['a:docker-build']).toMatchObject({ success: false, terminalOutput: expect.stringContaining('boom') });
    expect(results['b:docker-build']).toMatchObject({ success: true });
  });

  it('runs at most maxParallelBuilds builds at once', async () => {
    let running = 0;
    let most = 0;
    build.mockImplementation(async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return { success: true };
    });
    await run(graph(Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((p) => [`${p}:docker-build`, []]))), { maxParallelBuilds: 2 });
    expect(most).toBe(2);
  });
});
