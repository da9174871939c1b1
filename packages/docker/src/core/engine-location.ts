// Where the engine a build runs on is: this machine's own daemon, or another engine (a remote
// host, another daemon's socket, a BuildKit builder that is not an engine's image store). An
// image built elsewhere does not land in the engine `docker run` uses here, so such a build
// pushes by content tag and consumers pull it by digest. Pure: the probe supplies the facts.

/** The daemon sockets of this machine's own engine (Linux, rootless, Docker Desktop, Windows). */
function localSocket(endpoint: string, home: string): boolean {
  const path = endpoint.replace(/^unix:\/\//, '');
  if (/^npipe:\/\/\/\/\.\/pipe\/docker_engine$/.test(endpoint)) return true;
  if (!endpoint.startsWith('unix://')) return false;
  return (
    path === '/var/run/docker.sock' ||
    path === '/run/docker.sock' ||
    /^\/run\/user\/\d+\/docker\.sock$/.test(path) ||
    (home !== '' && (path === `${home}/.docker/run/docker.sock` || path === `${home}/.docker/desktop/docker.sock`))
  );
}

/** The engine endpoint in use: DOCKER_HOST wins over the context (as the CLI does). */
export function engineEndpoint(contextHost: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return (env.DOCKER_HOST || contextHost || 'unix:///var/run/docker.sock').trim();
}

/**
 * True when builds do not land in this machine's engine: a builder whose driver keeps images
 * to itself (docker-container, remote, kubernetes), or the docker driver on an engine reached
 * through another endpoint (`tcp://`, `ssh://`, another daemon's socket).
 */
export function isRemoteEngine(endpoint: string, driver: string, home = process.env.HOME ?? ''): boolean {
  if (driver !== 'docker') return true;
  return !localSocket(endpoint, home);
}
