/**
 * The reconnecting connection on the manual clock, over a transport the test opens and closes by
 * hand: silence detection, the backoff schedule, online / retry-now, the restarting floor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '../../shared/close-codes.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { ReconnectingConnection, type LinkStatus } from './connection.js';
import type { TransportFactory, TransportHandlers } from './transport.js';

interface FakeSocket {
  readonly openedAtMs: number;
  readonly protocols: string[];
  readonly handlers: TransportHandlers;
  readonly sent: Array<string | Uint8Array>;
  closedWith: { code?: number; reason?: string } | null;
}

const LIVENESS = { pingEveryMs: 1000, deadAfterMs: 2500, connectTimeoutMs: 5000 };

function setup(random: () => number = () => 0.5) {
  const clock = new ManualClock();
  const sockets: FakeSocket[] = [];
  const transport: TransportFactory = (_url, protocols, handlers) => {
    const s: FakeSocket = { openedAtMs: clock.now(), protocols, handlers, sent: [], closedWith: null };
    sockets.push(s);
    return {
      send: (d) => void s.sent.push(d),
      close: (code, reason) => void (s.closedWith = { code, reason }),
      bufferedAmount: 0,
    };
  };
  let attempt = 0;
  const conn = new ReconnectingConnection({ url: 'ws://test/ws', transport, clock, random, protocols: () => [`tether.1`, `try.${attempt++}`], liveness: LIVENESS });
  const statuses: LinkStatus[] = [];
  const drops: Array<{ code: number; silentMs: number | null }> = [];
  let heartbeats = 0;
  conn.on('status', (s) => statuses.push(s));
  conn.on('drop', (code, _reason, silentMs) => drops.push({ code, silentMs }));
  conn.on('heartbeat', () => heartbeats++);
  /** Opens the newest socket and says it is live (what the welcome does). */
  const goLive = () => {
    sockets.at(-1)!.handlers.onOpen('tether.1');
    conn.markLive();
  };
  return { clock, sockets, conn, statuses, drops, goLive, heartbeats: () => heartbeats };
}

test('silence: a live socket that hears nothing for deadAfterMs is abandoned and a new one opened after the backoff', () => {
  const { clock, sockets, conn, drops, goLive } = setup(() => 0.5);
  conn.start();
  goLive();
  // Messages keep it alive however long it runs.
  for (let i = 0; i < 20; i++) {
    clock.advance(1000);
    sockets[0]!.handlers.onMessage('x');
  }
  assert.equal(sockets.length, 1);
  const lastHeard = clock.now();
  clock.advance(2500);
  assert.equal(conn.live, true, 'exactly deadAfterMs of silence is still alive');
  clock.runUntil(() => !conn.live, 'the silent socket abandoned', 1000, 1);
  const detectedAfter = clock.now() - lastHeard;
  assert.ok(detectedAfter > 2500 && detectedAfter <= 2500 + 250, `detected after ${detectedAfter} ms (watchdog every 250 ms)`);
  assert.deepEqual(sockets[0]!.closedWith?.code, CloseCode.ClientReconnecting);
  assert.equal(drops.length, 1);
  assert.ok(drops[0]!.silentMs! > 2500);
  // First retry: random(0, 500) with random() = 0.5 -> 250 ms.
  const abandonedAt = clock.now();
  clock.runUntil(() => sockets.length === 2, 'a new socket', 1000, 1);
  assert.equal(clock.now() - abandonedAt, 250);
  assert.deepEqual(sockets[1]!.protocols, ['tether.1', 'try.1'], 'each attempt asks for its protocols again');
});

test('heartbeat: a ping every pingEveryMs while live, none while connecting', () => {
  const { clock, conn, sockets, goLive, heartbeats } = setup();
  conn.start();
  clock.advance(3000);
  assert.equal(heartbeats(), 0);
  goLive();
  for (let i = 0; i < 10; i++) {
    clock.advance(500);
    sockets[0]!.handlers.onMessage('state');
  }
  assert.ok(heartbeats() >= 4 && heartbeats() <= 5, `${heartbeats()} heartbeats in 5 s`);
});

test('backoff: full jitter under min(10 s, 0.5 s x 2^attempt), reset once a socket goes live', () => {
  const { clock, sockets, conn, statuses, goLive } = setup(() => 0.999);
  conn.start();
  const gaps: number[] = [];
  for (let i = 0; i < 7; i++) {
    const s = sockets.at(-1)!;
    s.handlers.onClose(1006, '');
    const closedAt = clock.now();
    const before = sockets.length;
    clock.runUntil(() => sockets.length > before, `retry ${i}`, 20_000, 1);
    gaps.push(clock.now() - closedAt);
  }
  assert.deepEqual(gaps, [499, 999, 1998, 3996, 7992, 9990, 9990]);
  const waiting = statuses.filter((s): s is Extract<LinkStatus, { kind: 'reconnecting' }> => s.kind === 'reconnecting' && s.nextRetryAtMs !== null);
  assert.equal(waiting.length, 7, 'each wait is announced with its retry time');
  goLive();
  sockets.at(-1)!.handlers.onClose(1006, '');
  const closedAt = clock.now();
  const before = sockets.length;
  clock.runUntil(() => sockets.length > before, 'retry after live', 1000, 1);
  assert.equal(clock.now() - closedAt, 499, 'back to the first step after a live socket');
});

test('a socket that does not open within connectTimeoutMs is abandoned', () => {
  const { clock, sockets, conn } = setup(() => 0);
  conn.start();
  clock.advance(5000);
  assert.equal(sockets.length, 1);
  clock.runUntil(() => sockets.length === 2, 'the next attempt', 1000, 1);
  assert.ok(sockets[0]!.closedWith, 'the slow socket was closed');
  assert.ok(clock.now() <= 5250 + 1);
});

test('online / retry now: skips the wait at once; does nothing while live or connecting', () => {
  const { clock, sockets, conn, goLive } = setup(() => 0.999);
  conn.start();
  conn.retryNow();
  assert.equal(sockets.length, 1, 'connecting: nothing to skip');
  goLive();
  conn.retryNow();
  assert.equal(sockets.length, 1, 'live: nothing to skip');
  sockets[0]!.handlers.onClose(1006, '');
  clock.advance(100);
  assert.equal(sockets.length, 1, 'waiting for the backoff');
  conn.retryNow();
  assert.equal(sockets.length, 2, 'retried at once');
  clock.advance(4000); // under the connect timeout
  assert.equal(sockets.length, 2, 'the cancelled backoff timer does not open another socket');
});

test('restarting: the server asks for a pause; the retry waits at least that long, spread over as much again', () => {
  for (const [r, expected] of [[0, 3000], [0.5, 4500], [0.999, 5997]] as const) {
    const { clock, sockets, conn, goLive } = setup(() => r);
    conn.start();
    goLive();
    conn.delayNextRetry(3000);
    sockets[0]!.handlers.onClose(CloseCode.ServerRestarting, 'server restarting');
    const closedAt = clock.now();
    clock.runUntil(() => sockets.length === 2, 'the retry', 10_000, 1);
    assert.equal(clock.now() - closedAt, expected, `random ${r}`);
    // The floor is for one retry only.
    sockets[1]!.handlers.onClose(1006, '');
    const again = clock.now();
    clock.runUntil(() => sockets.length === 3, 'the next retry', 10_000, 1);
    assert.ok(clock.now() - again < 1000, 'then the usual backoff');
  }
});

test('a fatal close stops for good; stop() closes the socket and leaves no timer', () => {
  const a = setup();
  a.conn.start();
  a.goLive();
  a.sockets[0]!.handlers.onClose(CloseCode.TakenOver, 'taken over');
  assert.deepEqual(a.conn.status, { kind: 'stopped', code: CloseCode.TakenOver, reason: 'taken over' });
  a.clock.advance(60_000);
  assert.equal(a.sockets.length, 1);
  assert.equal(a.clock.pending, 0);

  const b = setup();
  b.conn.start();
  b.goLive();
  b.conn.stop(CloseCode.Left, 'left', 1000);
  assert.deepEqual(b.sockets[0]!.closedWith, { code: 1000, reason: 'left' });
  assert.equal(b.clock.pending, 0);
  b.conn.start();
  assert.equal(b.sockets.length, 1, 'a stopped connection does not start again');
});

test('events of a socket that was replaced are ignored', () => {
  const { clock, sockets, conn, goLive } = setup(() => 0);
  conn.start();
  goLive();
  clock.advance(3000); // silence: abandoned, a new socket opens (retry after 0 ms)
  clock.advance(1);
  assert.equal(sockets.length, 2);
  const messages: unknown[] = [];
  conn.on('message', (m) => messages.push(m));
  sockets[0]!.handlers.onMessage('late');
  sockets[0]!.handlers.onClose(1006, '');
  assert.deepEqual(messages, []);
  assert.equal(sockets.length, 2);
  assert.equal(conn.openSockets, 1);
});
