// A remote cache server for the e2e tests that speaks Nx's self-hosted remote cache
// protocol (NX_SELF_HOSTED_REMOTE_CACHE_SERVER): GET/PUT /v1/cache/{hash}, bearer token,
// 404 on a miss, 409 when an entry exists. Loopback only; entries live in memory so a test
// can empty the cache or tamper with an entry.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';

export interface CacheRequest {
  method: string;
  hash: string;
  status: number;
}

export class CacheServer {
  readonly entries = new Map<string, Buffer>();
  readonly requests: CacheRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(token = `e2e-${Math.random().toString(36).slice(2)}`): Promise<CacheServer> {
    // eslint-disable-next-line prefer-const -- assigned after the server exists, read by its handler
    let self: CacheServer | undefined;
    const server = createServer((req, res) => {
      void self?.handle(req).then(({ status, body }) => {
        res.writeHead(status, body ? { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length } : {});
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new CacheServer(server, `http://127.0.0.1:${port}`, token);
    return self;
  }

  /** The environment that points Nx at this server. */
  env(): Record<string, string> {
    return { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: this.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: this.token };
  }

  /**
   * Rewrites the image.json in the entry Nx stored for `hash` (a gzipped tar of the task's
   * outputs), as anyone who can write the cache could; returns the path of the file in it.
   */
  async editRecord(hash: string, edit: (record: Record<string, unknown>) => void): Promise<string> {
    const entry = this.entries.get(hash);
    if (!entry) throw new Error(`The cache has no entry ${hash}`);
    const dir = mkdtempSync(join(tmpdir(), 'org-docker-entry-'));
    try {
      await execa('tar', ['-xzf', '-', '-C', dir], { input: entry });
      const file = readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('image.json'));
      if (!file) throw new Error(`The entry ${hash} holds no image.json`);
      const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
      edit(record);
      writeFileSync(join(dir, file), JSON.stringify(record, null, 2));
      const packed = await execa('tar', ['-czf', '-', '-C', dir, ...readdirSync(dir)], { encoding: null });
      this.entries.set(hash, packed.stdout as unknown as Buffer);
      return file;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: Buffer }> {
    const match = /^\/v1\/cache\/([A-Za-z0-9]+)$/.exec(req.url ?? '');
    const body = await readBody(req);
    const answer = (status: number, payload?: Buffer) => {
      this.requests.push({ method: req.method ?? '', hash: match?.[1] ?? '', status });
      return { status, body: payload };
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) return answer(401);
    if (!match) return answer(404);
    const hash = match[1];
    if (req.method === 'GET') {
      const entry = this.entries.get(hash);
      return entry ? answer(200, entry) : answer(404);
    }
    if (req.method === 'PUT') {
      if (this.entries.has(hash)) return answer(409);
      this.entries.set(hash, body);
      return answer(200);
    }
    return answer(405);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
