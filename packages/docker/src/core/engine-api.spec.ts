import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineApiGet, localEngineSocket } from './engine-api';

describe('the Engine API over the local socket', () => {
  let dir: string;
  let server: Server | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'org-docker-api-'))));
  afterEach(async () => {
    if (server) await new Promise((done) => server?.close(done));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('is used only where the CLI would talk to a local unix socket', () => {
    const config = join(dir, 'config');
    expect(localEngineSocket({ DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock', DOCKER_CONFIG: config })).toBe('/run/user/1000/podman/podman.sock');
    expect(localEngineSocket({ DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_CONFIG: config })).toBeUndefined();
    expect(localEngineSocket({ DOCKER_HOST: 'ssh://me@build-host', DOCKER_CONFIG: config })).toBeUndefined();
    expect(localEngineSocket({ DOCKER_CONTEXT: 'remote', DOCKER_CONFIG: config })).toBeUndefined();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    expect(localEngineSocket({ DOCKER_CONFIG: dir })).toBeUndefined();
  });

  it('answers with status and body, and undefined when nothing listens (the caller then asks the CLI)', async () => {
    const socket = join(dir, 'engine.sock');
    server = createServer((req, res) => {
      res.writeHead(req.url === '/images/127.0.0.1:5000/acme/api:nx-1/json' ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(req.url === '/images/127.0.0.1:5000/acme/api:nx-1/json' ? '{"Id":"sha256:1","Size":5}' : '{"message":"No such image"}');
    });
    await new Promise<void>((done) => server?.listen(socket, done));
    const env = { DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: dir };
    expect(await engineApiGet('/images/127.0.0.1:5000/acme/api:nx-1/json', env)).toEqual({ status: 200, body: '{"Id":"sha256:1","Size":5}' });
    expect((await engineApiGet('/images/other/json', env))?.status).toBe(404);
    expect(await engineApiGet('/images/x/json', { DOCKER_HOST: `unix://${join(dir, 'none.sock')}`, DOCKER_CONFIG: dir })).toBeUndefined();
  });
});
