// api-gateway: an HTTP service with a /health endpoint, on Node's http module only.
import { createServer } from 'node:http';

const service = process.env.SERVICE_NAME ?? 'api-gateway';
const port = Number(process.env.PORT ?? 3000);
const greeting = 'Hello from api-gateway';

const server = createServer((req, res) => {
  const [status, body] =
    req.url === '/health' ? [200, { status: 'ok', service }]
    : req.url === '/' ? [200, { message: greeting, service }]
    : [404, { error: 'not found' }];
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
});

server.listen(port, '0.0.0.0', () => console.log(`${service} listening on :${port}`));
// Exit promptly on `docker stop`.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
