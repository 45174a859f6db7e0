/**
 * A loopback port the kernel just handed out and that is free again: for servers that cannot
 * listen on port 0 (redis-server) or must keep their port across a restart (cluster nodes).
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
