/**
 * A client that never reads is cut within seconds, counting what sits in the kernel's buffers
 * (read-probe.ts): in a quiet world, where its backlog in Node never grows, and on a busy link.
 * A reading client on the same server is never cut. (Before read probes: cut only once 512 KiB
 * sat in Node behind the kernel's megabytes, ~45 s on a busy server, never in a quiet world.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { startFixture, joined, type Fixture } from './support/server-fixture.js';
import { hello, openRaw, type RawSocket } from './support/raw-socket.js';
import { assertNormalRate, lightPlayer, poll, walk, watchRate } from './support/limits-helpers.js';
import { CloseCode } from '../src/shared/close-codes.js';
import { SLOW_READER_MS } from '../src/server/net/read-probe.js';
import { CONTROL_LIMIT_BYTES, type ClientLink } from '../src/server/net/client-link.js';
import { CHAT_MAX_CHARS } from '../src/shared/limits.js';

async function nonReader(fx: Fixture, name: string): Promise<{ raw: RawSocket; stoppedAt: number; stop: () => void }> {
  const raw = await openRaw(fx.wsUrl);
  raw.ws.send(hello(name));
  await raw.next((m) => m['t'] === 'welcome');
  (raw.ws as WebSocket & { _socket: Socket })._socket.pause();
  const stoppedAt = performance.now();
  // Alive (it keeps sending), just never reading.
  const alive = setInterval(() => raw.ws.send(JSON.stringify({ t: 'ping', id: 1, ct: 0 })), 500);
  return { raw, stoppedAt, stop: () => clearInterval(alive) };
}

function slowReaderLog(fx: Fixture): Record<string, unknown> | undefined {
  return fx.logs.find((l) => l.event === 'rejected' && l['code'] === CloseCode.SlowReader);
}

test('a client that never reads is cut within seconds in a quiet world, where its backlog in Node stays at zero', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const reader = fx.client('Reader');
  await joined(reader);
  const stopWalk = walk([reader]);
  t.after(stopWalk);
  const sloth = await nonReader(fx, 'Sloth');
  t.after(sloth.stop);
  const cut = await poll(() => slowReaderLog(fx) !== undefined, 15_000, 50);
  const seconds = (performance.now() - sloth.stoppedAt) / 1000;
  assert.ok(cut, 'the non-reader was cut');
  const log = slowReaderLog(fx)!;
  process.stdout.write(`# quiet world: non-reader cut after ${seconds.toFixed(1)} s with ${log['unreadBytes']} bytes unread (${log['bufferedBytes']} in Node)\n`);
  // At most one probe period (2 s) + SLOW_READER_MS + one liveness check (1 s), and slack.
  assert.ok(seconds <= (2000 + SLOW_READER_MS + 1000) / 1000 + 1.5, `cut after ${seconds.toFixed(1)} s`);
  assert.match(String(log['reason']), /slow reader: nothing read for/);
  (sloth.raw.ws as WebSocket & { _socket: Socket })._socket.resume();
  assert.equal((await sloth.raw.closed).code, CloseCode.SlowReader);
  assert.equal(reader.status.kind, 'live', 'the reading client was not touched');
  assert.equal(fx.logs.filter((l) => l.event === 'rejected').length, 1, 'only the non-reader was cut');
});

test('a non-reader on a busy link (chat at full rate) is cut within ~3 s; the server never holds more than the control bound for it; readers keep their rate', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  // Chat is what piles up for a non-reader: raise the rate far past the default bucket.
  fx.server.room.chatRate = { burst: 1000, perSecond: 1000 };
  const reader = fx.client('Reader');
  await joined(reader);
  const stopWalk = walk([reader]);
  t.after(stopWalk);
  const window = watchRate([reader], 20, () => fx.server.room.world.tick);
  const sloth = await nonReader(fx, 'Sloth');
  t.after(sloth.stop);
  const playerOf = (l: ClientLink) => fx.server.room.playerIdOf(l);
  const link = [...fx.server.gateway.links].find((l) => playerOf(l) !== null && fx.server.room.roster().find((p) => p.id === playerOf(l))?.name === 'Sloth')!;
  const chatters = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => lightPlayer(fx.wsUrl, `Chatter${i}`)));
  t.after(() => chatters.forEach((c) => c.close()));
  // About the largest line the rules allow (800 bytes; the cap is CHAT_MAX_BYTES), ~167 per second
  // per chatter: under the flood limit.
  const line = '\u{1F600}'.repeat(CHAT_MAX_CHARS);
  let n = 0;
  const chat = setInterval(() => {
    for (const c of chatters) for (let k = 0; k < 2; k++) c.ws.send(JSON.stringify({ t: 'chat', id: `m${n++}`, text: line }));
  }, 12);
  t.after(() => clearInterval(chat));
  let maxBuffered = 0;
  const sample = setInterval(() => (maxBuffered = Math.max(maxBuffered, link.bufferedAmount)), 5);
  t.after(() => clearInterval(sample));
  const cut = await poll(() => slowReaderLog(fx) !== undefined, 15_000, 20);
  const seconds = (performance.now() - sloth.stoppedAt) / 1000;
  clearInterval(chat);
  clearInterval(sample);
  assert.ok(cut, 'the non-reader was cut');
  const log = slowReaderLog(fx)!;
  process.stdout.write(`# busy link: non-reader cut after ${seconds.toFixed(1)} s with ${log['unreadBytes']} bytes unread (${log['bufferedBytes']} in Node, sampled max ${maxBuffered}; ${link.statesSkipped} state frames skipped); reason: ${log['reason']}\n`);
  assert.ok(seconds <= 4.5, `cut after ${seconds.toFixed(1)} s`);
  assert.equal(log['player'], fx.server.room.playerIdOf(link));
  assert.ok(maxBuffered <= CONTROL_LIMIT_BYTES + 64 * 1024, `server buffered up to ${maxBuffered} bytes for one non-reader`);
  // State frames are skipped, not queued, once Node holds a backlog for it.
  if (maxBuffered > 64 * 1024 + 16 * 1024) assert.ok(link.statesSkipped > 0, 'state frames were skipped');
  (sloth.raw.ws as WebSocket & { _socket: Socket })._socket.resume();
  const closed = await sloth.raw.closed;
  assert.equal(closed.code, CloseCode.SlowReader);
  assert.match(closed.reason, /slow reader/);
  stopWalk();
  assertNormalRate(window.stop(), 0.15, 'the reading client', 0.3);
  assert.equal(fx.logs.filter((l) => l.event === 'rejected').length, 1, 'only the non-reader was cut');
});
