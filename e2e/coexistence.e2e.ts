// Beside the other Docker plugins (issue 20): @nx/docker (inferred docker:build / docker:run) and
// @nx-tools/nx-container (an executor target in project.json) registered in the same workspace as
// this plugin. Each keeps its own targets and options, each still builds, and following the
// README's migration table gives an image that behaves like the one the other plugin built.
import execa from 'execa';
import { requireEngine, Workspace } from './harness';

interface ShownTarget {
  executor?: string;
  command?: string;
  options: Record<string, unknown>;
  metadata?: { description?: string };
}

describe('beside @nx/docker and @nx-tools/nx-container', () => {
  let ws: Workspace;
  const show = async (project: string): Promise<Record<string, ShownTarget>> => {
    const r = await execa(...ws.nxCommand(['show', 'project', project, '--json']), { cwd: ws.root, env: ws.env() });
    return JSON.parse(r.stdout).targets;
  };
  const output = async (image: string) => (await execa('docker', ['run', '--rm', image])).stdout;
  const ours = (projectRoot: string) => ws.imageRecord(projectRoot).contentTag;
  const nxJson = (plugins: unknown[]) => ws.write('nx.json', JSON.stringify({ ...JSON.parse(ws.read('nx.json')), plugins }, null, 2));
  const orgDocker = () => ({ plugin: '@org/docker', options: { repository: `${ws.prefix}/{projectName}` } });

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('coexistence');
    nxJson([
      {
        plugin: '@nx/docker',
        options: {
          buildTarget: {
            name: 'docker:build',
            skipDefaultTag: true,
            args: [`--tag ${ws.prefix}/{projectName}-nx-docker:dev`, '--build-arg GREETING=from-nx-docker'],
          },
        },
      },
      orgDocker(),
    ]);
    await ws.commit('both plugins');
  });
  afterAll(async () => ws?.dispose());

  it('each plugin keeps its targets and its options: no clash, nothing merged, no warning', async () => {
    const svc = await show('svc');
    expect(Object.keys(svc)).toEqual(expect.arrayContaining(['container', 'docker:build', 'docker:run', 'docker-build', 'docker-run', 'docker-push']));
    expect(svc['docker-build'].executor).toBe('@org/docker:build');
    for (const foreign of ['cwd', 'args', 'command', 'env', 'build-args']) expect(svc['docker-build'].options).not.toHaveProperty(foreign);
    expect(svc['docker:build'].options).not.toHaveProperty('plan');
    expect(svc['docker:build'].options).not.toHaveProperty('image');
    expect(svc.container.options).not.toHaveProperty('plan');
    // The nx-container target says which context its Dockerfile is built with.
    expect(svc['docker-build'].options.context).toBe('apps/svc');
    expect(svc['docker-build'].metadata?.description).toContain('as the @nx-tools/nx-container target "container" builds it');
    const graph = await ws.nx(['show', 'projects']);
    expect(graph.output).not.toContain('also inferred by');
  });

  it('all three build side by side; migrating by the README table reproduces what each other plugin built', async () => {
    const before = await ws.nx(['run-many', '-t', 'container', 'docker:build', 'docker-build', '--parallel=1']);
    expect(before.exitCode).toBe(0);
    expect(await output(`${ws.prefix}/svc-nx-container:dev`)).toBe('svc says\nfrom-nx-container');
    expect(await output(`${ws.prefix}/web-nx-docker:dev`)).toBe('web says\nfrom-nx-docker');
    // Ours, unconfigured, keeps the Dockerfile's default: no option leaked in from the others.
    expect(await output(ours('apps/svc'))).toBe('svc says\nnone');

    // From nx-container: drop its target; `build-args` become the project's docker-build `buildArgs`.
    ws.write(
      'apps/svc/project.json',
      JSON.stringify({ name: 'svc', targets: { 'docker-build': { options: { buildArgs: { GREETING: 'from-nx-container' } } } } }),
    );
    // From @nx/docker: drop the plugin; its `buildTarget.args` build args become the plugin's `buildArgs`.
    nxJson([{ ...orgDocker(), options: { ...orgDocker().options, buildArgs: { GREETING: 'from-nx-docker' } } }]);
    await ws.commit('migrated');
    const after = await ws.nx(['run-many', '-t', 'docker-build']);
    expect(after.exitCode).toBe(0);
    const [svc, web] = [await show('svc'), await show('web')];
    expect(Object.keys(svc)).not.toContain('docker:build');
    expect(Object.keys(web)).not.toContain('docker:build');
    expect(svc['docker-build'].options.context).toBe('apps/svc');
    expect(await output(ours('apps/svc'))).toBe('svc says\nfrom-nx-container');
    expect(await output(ours('apps/web'))).toBe('web says\nfrom-nx-docker');
  });
});
