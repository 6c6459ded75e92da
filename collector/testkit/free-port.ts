// A TCP port on 127.0.0.1 that nothing listens on just now (bound, then released): for a child's metrics endpoint,
// or as an endpoint that refuses connections (a backend that is down).
import { once } from 'node:events';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}
