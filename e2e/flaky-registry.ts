// A registry that fails: a loopback proxy in front of the e2e registry (127.0.0.1:5000) that
// answers 500 to the next manifest uploads it is told to fail, or to every upload. What a
// registry under load or mid-deploy does to a push.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class FlakyRegistry {
  /** Manifest uploads still to fail (Infinity: all of them). */
  failManifests = 0;
  failed = 0;

  private constructor(
    private readonly server: Server,
    readonly host: string,
  ) {}

  static async start(upstream = { host: '127.0.0.1', port: 5000 }): Promise<FlakyRegistry> {
    // eslint-disable-next-line prefer-const -- assigned after the server exists, read by its handler
    let self: FlakyRegistry | undefined;
    const server = createServer((req, res) => {
      if (self && req.method === 'PUT' && /\/manifests\//.test(req.url ?? '') && self.failManifests > 0) {
        self.failManifests--;
        self.failed++;
        req.resume();
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('injected failure');
        return;
      }
      const up = request({ ...upstream, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(up);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new FlakyRegistry(server, `127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
