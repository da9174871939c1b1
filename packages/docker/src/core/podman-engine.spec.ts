import { interpretPodmanProbe } from './podman-engine';

describe('the Podman probe', () => {
  it('engine facts from `podman info` (4.3.1, rootful, overlay, as on these machines)', () => {
    const stdout = JSON.stringify({
      version: { Version: '4.3.1' },
      host: { arch: 'amd64', os: 'linux', security: { rootless: false } },
      store: { graphDriverName: 'overlay' },
    });
    expect(interpretPodmanProbe({ ok: true, stdout, stderr: '' })).toEqual({
      serverVersion: '4.3.1',
      buildxVersion: '',
      builder: 'podman',
      driver: 'podman',
      containerdStore: false,
      endpoint: 'local podman (overlay storage)',
      remote: false,
    });
  });

  it('a missing CLI or a failing podman says what to do, naming the engine option', () => {
    expect(() => interpretPodmanProbe({ ok: false, stdout: '', stderr: '', notFound: true })).toThrow(
      /The podman CLI was not found on PATH\. Install Podman >= 4\.3 .*"engine" to "docker"/,
    );
    expect(() => interpretPodmanProbe({ ok: false, stdout: '', stderr: 'Error: cannot setup namespace\n' })).toThrow(
      'Podman does not answer (Error: cannot setup namespace). Check `podman info`, or set the plugin option "engine" to "docker".',
    );
  });
});
