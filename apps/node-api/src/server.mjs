// A minimal HTTP service with a health endpoint, on Node's http module only.
import { createServer } from 'node:http';

const service = process.env.SERVICE_NAME ?? 'node-api';
const port = Number(process.env.PORT ?? 3000);

const server = createServer((req, res) => {
  const ok = req.url === '/health';
  const body = JSON.stringify(ok ? { status: 'ok', service } : { error: 'not found' });
  res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});

server.listen(port, '0.0.0.0', () => console.log(`${service} listening on :${port}`));
// Exit promptly on `docker stop`.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
