// The engine probe's answer, kept across Nx's task processes: every task process would otherwise
// pay four CLI calls (0.3-0.8 s) before its build. The key is what identifies the engine without
// asking it: DOCKER_HOST / DOCKER_CONTEXT, the CLI's current context and buildx builder, the CLI
// binary, and the daemon socket (recreated, so changed, whenever the daemon restarts). Any
// failed build forgets the entry, so a stale answer costs at most one failure that is then
// diagnosed afresh.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';

/** A file's identity by stat: for the CLI binary and the daemon socket (recreated when the daemon restarts). */
function statFact(path: string): string {
  try {
    const s = statSync(path);
    return `${path}:${s.ino}:${s.ctimeMs}:${s.mtimeMs}:${s.birthtimeMs}:${s.size}`;
  } catch {
    return `${path}:absent`;
  }
}

/** A file's identity by content: for settings files, which buildx rewrites (same content, new times) on every build. */
function contentFact(path: string): string {
  try {
    return `${path}:${readFileSync(path, 'utf8')}`;
  } catch {
    return `${path}:absent`;
  }
}

/** The first executable of that name in a PATH directory, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find((p) => existsSync(p));
}

/**
 * Whether the `docker` at `path` is Podman's compatibility shim (podman-docker installs a
 * script that execs podman; some setups link docker to podman). Read, never run: the first 4 KB.
 */
export function isPodmanShim(path: string | undefined): boolean {
  if (!path) return false;
  try {
    if (basename(realpathSync(path)) === 'podman') return true;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(4096);
      const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('latin1');
      return text.startsWith('#!') && /\bpodman\b/.test(text);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** What identifies the engine a `docker` (or `podman`) call reaches, read without calling it. */
export function engineIdentity(builder: string | undefined, env: NodeJS.ProcessEnv = process.env, cliName: 'docker' | 'podman' = 'docker'): string {
  const config = env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  const host = env.DOCKER_HOST ?? '';
  const socket = host.startsWith('unix://') ? host.slice('unix://'.length) : host ? '' : '/var/run/docker.sock';
  const cli = findOnPath(cliName, env);
  return createHash('sha256')
    .update(
      JSON.stringify([
        cliName,
        builder ?? '',
        host,
        env.DOCKER_CONTEXT ?? '',
        env.BUILDX_BUILDER ?? '',
        contentFact(join(config, 'config.json')),
        contentFact(join(config, 'buildx', 'current')),
        cli ? statFact(cli) : 'no-cli',
        socket ? statFact(socket) : 'no-socket',
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

export class EngineCache<T> {
  constructor(private readonly directory: string = join(tmpdir(), 'org-docker-engine')) {}

  private file(key: string): string {
    return join(this.directory, `${key}.json`);
  }

  get(key: string): T | undefined {
    try {
      return JSON.parse(readFileSync(this.file(key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: T): void {
    try {
      mkdirSync(this.directory, { recursive: true });
      const tmp = `${this.file(key)}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, this.file(key));
    } catch {
      // an optimisation only
    }
  }

  forget(key: string): void {
    rmSync(this.file(key), { force: true });
  }
}
