/**
 * Child process for the static server's EMFILE test (run under `prlimit --nofile=N`): serves the
 * folder in argv[2], uses up its descriptors, frees just enough for one connection (the client's
 * socket and the server's accepted one), asks itself for a file, then frees the rest and asks
 * again. Prints one JSON line: the two statuses and the errors the server reported.
 */
import { openSync, closeSync } from 'node:fs';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StaticFiles } from '../../src/server/net/static-files.js';

const root = process.argv[2];
if (!root) throw new Error('usage: static-emfile-child.ts ROOT');
const errors: string[] = [];
const files = new StaticFiles({ root, onError: (event, detail) => errors.push(`${event} ${JSON.stringify(detail)}`) });
const server = createServer((req, res) => void files.handle(req, res));
// Every connection's close, client and server side: a descriptor still closing when the table is
// filled would leave a spare one and the open would succeed.
let openSockets = 0;
let allClosed: (() => void) | null = null;
const track = (sock: { once(ev: 'close', fn: () => void): unknown }): void => {
  openSockets++;
  sock.once('close', () => {
    if (--openSockets === 0) allClosed?.();
  });
};
server.on('connection', track);
const settled = (): Promise<void> => (openSockets === 0 ? Promise.resolve() : new Promise((resolve) => (allClosed = resolve)));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

function ask(): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/inner/ok.txt', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('socket', track);
    req.on('error', reject);
  });
}

// Warm up first, so the manifest and realpath of the root are known and lazily opened
// descriptors (the resolver, libuv's helpers) exist before the table is full.
await ask();
await settled();
const held: number[] = [];
for (;;) {
  try {
    held.push(openSync('/dev/null', 'r'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EMFILE') throw err;
    break;
  }
}
for (let i = 0; i < 2; i++) closeSync(held.pop()!);
const exhausted = await ask();
for (const fd of held) closeSync(fd);
const after = await ask();
process.stdout.write(`${JSON.stringify({ exhausted: exhausted.status, retryAfter: exhausted.retryAfter, after: after.status, errors })}\n`);
server.close();
