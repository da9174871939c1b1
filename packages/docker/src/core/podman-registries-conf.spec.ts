import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { podmanRegistriesEnv, registriesConfPath, withInsecureRegistries } from './podman-registries-conf';

describe('the registries.conf a Podman build runs with', () => {
  it('is read from where Podman reads it: $CONTAINERS_REGISTRIES_CONF, else the user file, else the system file', () => {
    expect(registriesConfPath({ CONTAINERS_REGISTRIES_CONF: '/c/r.conf' }, '/home/u', () => true)).toBe('/c/r.conf');
    expect(registriesConfPath({}, '/home/u', (f) => f === '/home/u/.config/containers/registries.conf')).toBe('/home/u/.config/containers/registries.conf');
    expect(registriesConfPath({}, '/home/u', () => false)).toBe('/etc/containers/registries.conf');
  });

  it("keeps the user's settings and makes only the loopback registries insecure", () => {
    const user = [
      '# mine',
      'unqualified-search-registries = ["registry.example.com"]',
      '[[registry]]',
      'location = "registry.example.com"',
      '[[registry.mirror]]',
      'location = "mirror.example.com"',
    ].join('\n');
    const conf = parse(withInsecureRegistries(user, ['127.0.0.1:5000']));
    expect(conf['unqualified-search-registries']).toEqual(['registry.example.com']);
    expect(conf.registry).toEqual([
      { location: 'registry.example.com', mirror: [{ location: 'mirror.example.com' }] },
      { location: '127.0.0.1:5000', insecure: true },
    ]);
  });

  it("marks the user's own entries for a loopback registry insecure, unless they said insecure = false", () => {
    const user =
      '[[registry]]\nlocation = "localhost:5000"\nblocked = false\n[[registry]]\nprefix = "127.0.0.1:5000/team"\nlocation = "127.0.0.1:5000/team"\ninsecure = false\n';
    const conf = parse(withInsecureRegistries(user, ['localhost:5000', '127.0.0.1:5000']));
    expect(conf.registry).toEqual([
      { location: 'localhost:5000', blocked: false, insecure: true },
      { prefix: '127.0.0.1:5000/team', location: '127.0.0.1:5000/team', insecure: false },
      { location: '127.0.0.1:5000', insecure: true },
    ]);
  });

  it('leaves an entry that sends a loopback prefix to another registry verified: insecure is about the endpoint', () => {
    const user = '[[registry]]\nprefix = "localhost:5000"\nlocation = "registry.example.com/mirror"\n';
    expect(parse(withInsecureRegistries(user, ['localhost:5000'])).registry).toEqual([{ prefix: 'localhost:5000', location: 'registry.example.com/mirror' }]);
  });

  it('extends the insecure list of a version-1 file instead of mixing the formats', () => {
    const v1 = '[registries.search]\nregistries = ["docker.io"]\n[registries.insecure]\nregistries = ["localhost:5000"]\n';
    expect(parse(withInsecureRegistries(v1, ['localhost:5000', '127.0.0.1:5000']))).toEqual({
      registries: { search: { registries: ['docker.io'] }, insecure: { registries: ['localhost:5000', '127.0.0.1:5000'] } },
    });
  });

  it('is written into the build dir and named in the environment only when the build uses a loopback registry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-docker-regconf-'));
    try {
      const source = join(dir, 'user.conf');
      writeFileSync(source, 'unqualified-search-registries = ["docker.io"]\n');
      expect(podmanRegistriesEnv([], dir, { CONTAINERS_REGISTRIES_CONF: source })).toEqual({});
      const env = podmanRegistriesEnv(['127.0.0.1:5000'], dir, { CONTAINERS_REGISTRIES_CONF: source });
      expect(env).toEqual({ CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf') });
      expect(parse(readFileSync(env.CONTAINERS_REGISTRIES_CONF, 'utf8'))).toEqual({
        'unqualified-search-registries': ['docker.io'],
        registry: [{ location: '127.0.0.1:5000', insecure: true }],
      });
      // A file Podman cannot read either is left for Podman to report, naming it.
      writeFileSync(source, '[[registry]\n');
      expect(podmanRegistriesEnv(['127.0.0.1:5000'], dir, { CONTAINERS_REGISTRIES_CONF: source })).toEqual({});
      // No file at all is an empty configuration, as Podman has it.
      expect(podmanRegistriesEnv(['127.0.0.1:5000'], dir, { CONTAINERS_REGISTRIES_CONF: join(dir, 'none.conf') })).toEqual(env);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
