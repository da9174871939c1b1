// `nx release` for images (issue 19, part 4): with the plugin's `releasePublish` option, each
// image project has the `nx-release-publish` target `nx release publish` runs. Releasing a
// version of two services versions them (package.json), writes their changelogs, commits and
// tags as Nx does, and publishes each image under the version: the registry serves the version
// tag with exactly the digest of the content tag Nx built, nothing rebuilt.
import execa from 'execa';
import { pluginsInProcess, requireEngine, Workspace } from './harness';

pluginsInProcess();

const REGISTRY = '127.0.0.1:5000';
const SERVICES = ['svc-a', 'svc-b'] as const;
const GIT_ENV = { GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' };

/** `nx release ...` (which takes no --outputStyle, unlike run commands), with a git identity for its commit and tags. */
async function release(ws: Workspace, args: string[]): Promise<{ exitCode: number; output: string }> {
  const [cmd, argv] = ws.nxCommand(['release', ...args]);
  const r = await execa(cmd, argv, { cwd: ws.root, env: ws.env(GIT_ENV), reject: false, all: true, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? 1, output: r.all ?? '' };
}

async function registryDigest(ref: string): Promise<string | undefined> {
  const r = await execa('docker', ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}'], { reject: false });
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as { digest: string }).digest : undefined;
}

describe('nx release publishes the released images by digest', () => {
  let ws: Workspace;

  beforeAll(async () => {
    await requireEngine();
    ws = await Workspace.create('release', { registry: REGISTRY, releasePublish: true });
    const nxJson = JSON.parse(ws.read('nx.json'));
    nxJson.release = {
      projects: [...SERVICES],
      projectsRelationship: 'independent',
      changelog: { projectChangelogs: { createRelease: false } },
      git: { commit: true, tag: true },
    };
    ws.write('nx.json', JSON.stringify(nxJson, null, 2));
    await ws.commit('release configuration');
  });
  afterAll(() => ws?.dispose());

  it('nx release 1.2.0 (the first release): versions, changelogs and tags, then each image is in the registry under 1.2.0 with its content tag digest', async () => {
    const r = await release(ws, ['1.2.0', '--yes', '--first-release']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    for (const s of SERVICES) {
      expect(JSON.parse(ws.read(`apps/${s}/package.json`)).version).toBe('1.2.0');
      expect(ws.read(`apps/${s}/CHANGELOG.md`)).toContain('1.2.0');
      const record = JSON.parse(ws.read(`dist/docker/apps/${s}/image.json`)) as { contentTag: string };
      const repository = `${REGISTRY}/${ws.prefix}/${s}`;
      expect(record.contentTag.startsWith(`${repository}:nx-`)).toBe(true);
      const content = await registryDigest(record.contentTag);
      expect({ s, content }).toEqual({ s, content: expect.stringMatching(/^sha256:[a-f0-9]{64}$/) });
      expect({ s, version: await registryDigest(`${repository}:1.2.0`) }).toEqual({ s, version: content });
      expect(r.output).toContain(`✔ ${repository}:1.2.0 -> ${content}`);
    }
    expect((await ws.git('tag', '--list')).split('\n').sort()).toEqual(['svc-a@1.2.0', 'svc-b@1.2.0']);
    expect(await ws.git('log', '-1', '--format=%s')).toMatch(/release/i);
  });

  it('nx release publish --dry-run says what it would publish and pushes nothing', async () => {
    const r = await release(ws, ['publish', '--dry-run']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(r.output).toContain('(dry run: nothing pushed)');
  });
});
