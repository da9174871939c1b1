// Podman verifies TLS for every registry unless told otherwise; Docker treats a loopback
// registry (127.0.0.1:5000, localhost:5000) as insecure by default. The same here.
import { registryOf } from './image-ref';

export function isLoopbackRegistry(ref: string): boolean {
  const host = registryOf(ref).replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
