/**
 * The state fast path's fence. ClientLink.sendState frames a tick's messages itself and writes
 * them on ws's socket (or hands them to a thread that writes the descriptor), which is right only
 * while ws's sender holds nothing back. These tests queue what ws would hold back — a compressed
 * message, a Blob — and check that the fast path then stays out of the way and the state frame
 * arrives after it, byte for byte; and, as the control, that with nothing queued the fast path
 * is taken (otherwise the other tests would prove nothing).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { encodeMessage, type ServerMessage } from '../../shared/protocol.js';
import { encodeSnapshot, SNAPSHOT_FULL, withAck } from '../../shared/snapshot-codec.js';
import { systemClock } from '../../shared/system-clock.js';
import { ClientLink } from './client-link.js';
import { directStateWriter, type StateWriter } from './state-writer.js';

interface Received {
  readonly binary: boolean;
  readonly hex: string;
}

/** A real ws server and client on loopback, with the server side wrapped in a ClientLink. */
async function linkPair(t: TestContext, perMessageDeflate: boolean) {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(() => {
    wss.close();
    http.close();
  });
  const port = (http.address() as { port: number }).port;
  const accepted = new Promise<WebSocket>((r) => wss.once('connection', r));
  const client = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate });
  t.after(() => client.terminate());
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  client.on('message', (data: Buffer, binary: boolean) => {
    received.push({ binary, hex: data.toString('hex') });
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((r) => client.once('open', () => r()));
  const ws = await accepted;
  assert.equal(ws.extensions !== '', perMessageDeflate, 'the extension was negotiated as asked');
  // The link writes state frames through the writer it is built with: record whether the fast
  // path used it.
  const writer = recordingWriter();
  const link = new ClientLink(1, '127.0.0.1', ws, systemClock, undefined, writer);
  const receive = async (n: number) => {
    while (received.length < n) await new Promise<void>((r) => waiters.push(r));
    return received.slice(0, n);
  };
  return { ws, link, receive, writer };
}

/** Records whether the fast path used it (it is the only caller of writer.write). */
function recordingWriter(): StateWriter & { writes: number; written: Buffer[] } {
  return {
    writes: 0,
    written: [],
    write(socket, bytes) {
      this.writes++;
      this.written.push(Buffer.from(bytes));
      directStateWriter.write(socket, bytes);
    },
    flush() {},
    async close() {},
  };
}

const state = encodeSnapshot({ kind: SNAPSHOT_FULL, tick: 42, ackSeq: 0, bodies: [{ id: 7, x: 100, y: 200.5, facing: 2, moving: true, reconnecting: false, dirs: 8 }], removed: [] });
const stateAt = (ack: number): Received => ({ binary: true, hex: Buffer.from(withAck(state, ack)).toString('hex') });
const textOf = (m: ServerMessage): Received => ({ binary: false, hex: Buffer.from(encodeMessage(m)).toString('hex') });
// Over ws's 1 KiB compression threshold, so a deflate link compresses it (asynchronously).
const bigLine: ServerMessage = { t: 'chat', seq: 1, from: 7, name: 'Ann', text: 'long line '.repeat(300), atMs: 0 };
const smallLine: ServerMessage = { t: 'chat', seq: 2, from: 7, name: 'Ann', text: 'hi', atMs: 0 };

test('control: with nothing queued the fast path frames the waiting messages and the state in one write', async (t) => {
  const { link, receive, writer } = await linkPair(t, false);
  link.sendLater(encodeMessage(smallLine));
  assert.equal(link.sendState(state, 5), true);
  assert.equal(writer.writes, 1, 'the fast path was taken');
  // One socket write holding both frames, exactly as RFC 6455 frames them (unmasked, final).
  const text = Buffer.from(encodeMessage(smallLine));
  assert.equal(writer.written[0]!.toString('hex'), Buffer.concat([Buffer.from([0x81, text.length]), text, Buffer.from([0x82, state.length]), withAck(state, 5)]).toString('hex'));
  assert.deepEqual(await receive(2), [textOf(smallLine), stateAt(5)]);
});

test('permessage-deflate: the fast path never writes, and state arrives after a message ws is still compressing', async (t) => {
  const { ws, link, receive, writer } = await linkPair(t, true);
  link.send(bigLine);
  assert.ok(ws.bufferedAmount > 0, 'ws holds the message while zlib works on it');
  assert.equal(link.sendState(state, 6), true);
  // Nothing queued any more, and still the careful way: a deflate link never frames itself.
  await receive(2);
  link.sendLater(encodeMessage(smallLine));
  assert.equal(link.sendState(state, 7), true);
  assert.equal(writer.writes, 0, 'a deflate link never takes the fast path');
  assert.deepEqual(await receive(4), [textOf(bigLine), stateAt(6), textOf(smallLine), stateAt(7)]);
});

test('a Blob queued on the socket: the fast path waits behind it, state arrives after it byte for byte', async (t) => {
  const { ws, link, receive, writer } = await linkPair(t, false);
  const blob = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
  // ws reads a Blob asynchronously and holds every later frame in its sender meanwhile.
  ws.send(new Blob([blob]));
  assert.ok(ws.bufferedAmount > 0, 'ws holds the Blob while it reads it');
  link.sendLater(encodeMessage(smallLine));
  assert.equal(link.sendState(state, 8), true);
  assert.equal(writer.writes, 0, 'the fast path did not write around the Blob');
  assert.deepEqual(await receive(3), [{ binary: true, hex: Buffer.from(blob).toString('hex') }, textOf(smallLine), stateAt(8)]);
  // Once ws has written it, the fast path is back.
  assert.equal(ws.bufferedAmount, 0);
  assert.equal(link.sendState(state, 9), true);
  assert.equal(writer.writes, 1);
  assert.deepEqual((await receive(4))[3], stateAt(9));
});
