/**
 * Child process for the static server's EMFILE test (run under `prlimit --nofile=N`): serves the
 * folder in argv[2], connects to itself and waits until the server has accepted, then uses up
 * every descriptor left and only then sends the request over the open connection, so the
 * server's open of the file is the first thing to need a descriptor. Counting "free exactly two"
 * raced with descriptors the runtime opens and closes on its own (one run in a few under load
 * found a spare one). Then frees them and asks again. Prints one JSON line: the two statuses and
 * the errors the server reported.
 */
import { openSync, closeSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { StaticFiles } from '../../src/server/net/static-files.js';

const root = process.argv[2];
if (!root) throw new Error('usage: static-emfile-child.ts ROOT');
const errors: string[] = [];
const files = new StaticFiles({ root, onError: (event, detail) => errors.push(`${event} ${JSON.stringify(detail)}`) });
const server = createServer((req, res) => void files.handle(req, res));
let accepted: (() => void) | null = null;
// The server's side of each connection: the warm-up's must be closed before the table is filled,
// or its descriptor comes free afterwards and the open succeeds.
const serverSockets = new Set<Socket>();
let drained: (() => void) | null = null;
server.on('connection', (s: Socket) => {
  serverSockets.add(s);
  s.once('close', () => {
    serverSockets.delete(s);
    if (serverSockets.size === 0) drained?.();
  });
  accepted?.();
});
const settled = (): Promise<void> => (serverSockets.size === 0 ? Promise.resolve() : new Promise((resolve) => (drained = resolve)));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

/** An open connection the server has accepted; `ask` sends one request on it. */
async function open(): Promise<Socket> {
  const serverSide = new Promise<void>((resolve) => (accepted = resolve));
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  await serverSide;
  return sock;
}

function ask(sock: Socket, method = 'GET'): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      sock.off('data', onData);
      const lines = head.slice(0, end).split('\r\n');
      const status = Number(lines[0]?.split(' ')[1] ?? 0);
      const retry = lines.find((l) => l.toLowerCase().startsWith('retry-after:'));
      sock.destroy();
      resolve({ status, retryAfter: retry?.slice('retry-after:'.length).trim() });
    };
    sock.on('data', onData);
    sock.once('error', reject);
    sock.write(`${method} /inner/ok.txt HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
  });
}

// Warm up first, so the manifest and realpath of the root are known and lazily opened
// descriptors (the resolver, libuv's helpers) exist before the table is full. HEAD, because the
// server closes the file before it ends a HEAD answer; after a GET the file's descriptor is
// closed by the stream some time after the client has its answer, and could come free after
// the table is filled.
await ask(await open(), 'HEAD');
await settled();
const sock = await open();
const held: number[] = [];
const fill = (): void => {
  for (;;) {
    try {
      held.push(openSync('/dev/null', 'r'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EMFILE') throw err;
      return;
    }
  }
};
fill();
// Anything the runtime was closing meanwhile (a helper's pipe, a finished stream) is taken too.
await new Promise((resolve) => setImmediate(resolve));
fill();
const exhausted = await ask(sock);
for (const fd of held) closeSync(fd);
const after = await ask(await open());
process.stdout.write(`${JSON.stringify({ exhausted: exhausted.status, retryAfter: exhausted.retryAfter, after: after.status, errors })}\n`);
server.close();
