// notification-service: an HTTP service with a /health endpoint, on Deno.serve only.
const service = Deno.env.get('SERVICE_NAME') ?? 'notification-service';
const port = Number(Deno.env.get('PORT') ?? '8000');
const greeting = 'Hello from notification-service';

Deno.serve({ hostname: '0.0.0.0', port }, (req) => {
  const { pathname } = new URL(req.url);
  if (pathname === '/health') return Response.json({ status: 'ok', service });
  if (pathname === '/') return Response.json({ message: greeting, service });
  return Response.json({ error: 'not found' }, { status: 404 });
});
