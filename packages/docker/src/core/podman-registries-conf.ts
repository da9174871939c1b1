// Which registries a Podman build may reach over plain HTTP. Docker treats a loopback registry
// (127.0.0.1:5000, localhost:5000) as insecure by default; Podman verifies TLS everywhere unless
// told, and `podman build --tls-verify=false` would turn verification off for every registry the
// build talks to, Docker Hub's base-image pulls included. So a build that uses a loopback
// registry runs with a registries.conf of its own (CONTAINERS_REGISTRIES_CONF): the user's file
// as Podman would read it, with `insecure = true` for exactly those registries.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify, type TomlTable } from 'smol-toml';

/** The registries.conf Podman reads now: $CONTAINERS_REGISTRIES_CONF, else the user's, else the system's. */
export function registriesConfPath(env: NodeJS.ProcessEnv = process.env, home = homedir(), exists = existsSync): string {
  if (env.CONTAINERS_REGISTRIES_CONF) return env.CONTAINERS_REGISTRIES_CONF;
  const user = join(home, '.config', 'containers', 'registries.conf');
  return exists(user) ? user : '/etc/containers/registries.conf';
}

const hostOf = (location: unknown): string => (typeof location === 'string' ? location.split('/')[0] : '');

/**
 * `text` (a registries.conf) with each of `hosts` insecure. `insecure` applies to the endpoint an
 * entry's `location` names, so the user's entries located at a host become insecure unless they
 * say `insecure = false`, keeping their mirrors and settings; a host no entry's prefix governs
 * gets its own. A version-1 file's insecure list is extended instead (Podman refuses the two
 * formats mixed). Throws on text that is not TOML.
 */
export function withInsecureRegistries(text: string, hosts: string[]): string {
  const conf = parse(text);
  if (typeof conf.registries === 'object') {
    const insecure = ((conf.registries as TomlTable).insecure ??= {}) as TomlTable;
    const list = Array.isArray(insecure.registries) ? insecure.registries : [];
    insecure.registries = [...list, ...hosts.filter((h) => !list.includes(h))];
    return stringify(conf);
  }
  const entries = (Array.isArray(conf.registry) ? conf.registry : []) as TomlTable[];
  for (const host of hosts) {
    for (const e of entries) if (hostOf(e.location) === host) e.insecure ??= true;
    if (!entries.some((e) => (e.prefix ?? e.location) === host)) entries.push({ location: host, insecure: true });
  }
  conf.registry = entries;
  return stringify(conf);
}

/**
 * The environment a Podman build runs with so that it reaches `hosts` over plain HTTP and verifies
 * every other registry: a registries.conf written into `dir`. Nothing when there are no hosts, or
 * when the user's file does not parse (Podman then reports that file itself).
 */
export function podmanRegistriesEnv(hosts: string[], dir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (hosts.length === 0) return {};
  const source = registriesConfPath(env);
  let text: string;
  try {
    text = withInsecureRegistries(existsSync(source) ? readFileSync(source, 'utf8') : '', hosts);
  } catch {
    return {};
  }
  const file = join(dir, 'registries.conf');
  writeFileSync(file, text);
  return { CONTAINERS_REGISTRIES_CONF: file };
}
