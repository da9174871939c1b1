// The Engine API over the local unix socket, for reads the CLI would answer by starting a
// process (0.05-0.1 s each): only when `docker` itself would talk to that socket (no
// DOCKER_CONTEXT, no other current CLI context, DOCKER_HOST unset or unix://). Anything else
// (a remote host, an ssh or tcp context, a socket that does not answer) returns undefined,
// and the caller asks the CLI instead.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The socket the docker CLI would use, when it is a local unix socket. */
export function localEngineSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return undefined;
  if (env.DOCKER_HOST) return env.DOCKER_HOST.startsWith('unix://') ? env.DOCKER_HOST.slice('unix://'.length) : undefined;
  try {
    const config = JSON.parse(readFileSync(join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json'), 'utf8')) as { currentContext?: string };
    if (config.currentContext && config.currentContext !== 'default') return undefined;
  } catch {
    // no CLI config: the default context
  }
  return existsSync('/var/run/docker.sock') ? '/var/run/docker.sock' : undefined;
}

export interface ApiAnswer {
  status: number;
  body: string;
}

/** GET `path` from the local engine, or undefined when there is none to ask or it did not answer. */
export function engineApiGet(path: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 10_000): Promise<ApiAnswer | undefined> {
  const socketPath = localEngineSocket(env);
  if (!socketPath) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = request({ socketPath, path, method: 'GET', timeout: timeoutMs, headers: { Host: 'docker' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
