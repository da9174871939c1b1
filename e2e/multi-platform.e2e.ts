// Multi-platform images (issue 19, part 2): `platforms: ["linux/amd64", "linux/arm64"]` builds
// one pushed image index, the arm64 half under QEMU emulation (binfmt handlers registered by
// .ci/run). image.json lists the platforms and the index digest; docker-run runs this machine's
// platform; docker-audit audits every platform's image. Kept tiny: a static busybox per platform.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';
import { pluginsInProcess, publishedUrl, requireEngine, tearDown, waitForHealth, Workspace } from './harness';

pluginsInProcess();

const REGISTRY = '127.0.0.1:5000';
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const QEMU = '/proc/sys/fs/binfmt_misc/qemu-aarch64';

/** Debian's static busybox for each architecture, as `busybox-<arch>` in `dir`. */
async function busyboxes(dir: string): Promise<void> {
  const debs = mkdtempSync(join(tmpdir(), 'e2e-busybox-'));
  const got = await execa('apt-get', ['download', 'busybox-static:amd64', 'busybox-static:arm64'], { cwd: debs, reject: false, all: true });
  if (got.exitCode !== 0) {
    throw new Error(
      `apt-get download busybox-static:{amd64,arm64} failed (.ci/run adds the arm64 architecture; run it, or \`dpkg --add-architecture arm64 && apt-get update\`):\n${got.all}`,
    );
  }
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
    const arch = /_(amd64|arm64)\.deb$/.exec(deb)?.[1];
    await execa('dpkg-deb', ['-x', join(debs, deb), join(debs, `x-${arch}`)]);
    await execa('cp', [join(debs, `x-${arch}`, 'bin', 'busybox'), join(dir, `busybox-${arch}`)]);
  }
}

describe('a multi-platform image: one pushed index, emulated arm64, this platform run, every platform audited', () => {
  let ws: Workspace;
  const containers: string[] = [];
  const record = () => JSON.parse(ws.read('dist/docker/apps/tiny/image.json')) as { platforms: string[]; digest: string; contentTag: string; pushed: boolean };

  beforeAll(async () => {
    await requireEngine();
    if (!existsSync(QEMU) || !readFileSync(QEMU, 'utf8').startsWith('enabled')) {
      throw new Error(`No QEMU handler for arm64 (${QEMU}): .ci/run installs qemu-user-static and binfmt-support and registers it.`);
    }
    ws = await Workspace.create('multi-platform', { registry: REGISTRY });
    ws.write('apps/tiny/bin/.keep', '');
    await busyboxes(join(ws.root, 'apps/tiny/bin'));
    await ws.commit('busybox');
  }, 300_000);
  afterAll(() => tearDown(containers, [ws]));

  it('builds and pushes one index for both platforms; image.json lists them with the index digest', async () => {
    const r = await ws.nx(['run', 'tiny:docker-build']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(r.output).toContain(`linux/amd64, linux/arm64 is a multi-platform image: pushing to ${REGISTRY} by content tag`);
    const rec = record();
    expect(rec).toMatchObject({ pushed: true, platforms: PLATFORMS });
    const inspected = JSON.parse((await execa('docker', ['buildx', 'imagetools', 'inspect', rec.contentTag, '--format', '{{json .Manifest}}'])).stdout) as {
      digest: string;
      mediaType: string;
      manifests: Array<{ platform?: { architecture: string } }>;
    };
    expect(inspected.digest).toBe(rec.digest);
    expect(inspected.mediaType).toMatch(/image\.index|manifest\.list/);
    expect(
      inspected.manifests
        .map((m) => m.platform?.architecture)
        .filter((a) => a === 'amd64' || a === 'arm64')
        .sort(),
    ).toEqual(['amd64', 'arm64']);
    // The arm64 image's RUN step ran on an (emulated) aarch64 machine.
    const arm = await execa('docker', [
      'run',
      '--rm',
      '--platform',
      'linux/arm64',
      `${rec.contentTag.replace(/:nx-[^:]+$/, '')}@${rec.digest}`,
      '/bin/busybox',
      'cat',
      '/www/health',
    ]);
    expect(JSON.parse(arm.stdout)).toEqual({ status: 'ok', built: 'aarch64' });
  });

  it("docker-run runs this machine's platform", async () => {
    const name = `${ws.prefix}-tiny`;
    containers.push(name);
    const r = await ws.nx(['run', 'tiny:docker-run', '--detach', `--name=${name}`, '--ports=127.0.0.1::8000']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    expect(await waitForHealth(`${await publishedUrl(name, 8000)}/health`)).toEqual({ status: 'ok', built: 'x86_64' });
  });

  it("docker-audit audits each platform's image", async () => {
    const r = await ws.nx(['run', 'tiny:docker-audit']);
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.output.slice(-4000) }).toEqual({ exitCode: 0, output: '' });
    for (const p of PLATFORMS) expect(r.output).toMatch(new RegExp(`${record().contentTag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${p}\\)\\n  no findings`));
  });
});
