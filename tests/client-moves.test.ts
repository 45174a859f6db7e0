/**
 * The client's side of `moved` (docs/protocol.md, "Worlds and moving"), against real WebSocket
 * servers on loopback: a move to a node the cluster lists is followed at once, with the same
 * resume offer and no backoff; a move anywhere else is not followed, and the client comes back to
 * its home node; a node that cannot be reached sends the client to the next one it knows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { TetherClient } from '../src/client/core/tether-client.js';
import { wsTransport } from '../src/client/node/ws-transport.js';
import type { TransportFactory } from '../src/client/core/transport.js';
import { CloseCode } from '../src/shared/close-codes.js';
import { encodeMessage, PROTOCOL_VERSION } from '../src/shared/protocol.js';
import { systemClock } from '../src/shared/system-clock.js';
import { DEFAULT_RULES } from '../src/shared/world-rules.js';
import { freePort } from './support/cluster-nodes.js';

interface FakeNode {
  readonly url: string;
  /** What each connection offered and sent first. */
  readonly visits: Array<{ protocols: string[]; hello: Record<string, unknown> | null }>;
  close(): Promise<void>;
}

/** A node that answers every hello or resume with `answer` (a move, or a welcome). */
async function fakeNode(answer: (ws: WebSocket, visit: FakeNode['visits'][number]) => void): Promise<FakeNode> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => [...p][0] ?? false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const visits: FakeNode['visits'] = [];
  wss.on('connection', (ws, req) => {
    const visit = { protocols: String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()), hello: null as Record<string, unknown> | null };
    visits.push(visit);
    if (visit.protocols.some((p) => p.startsWith('resume.'))) return answer(ws, visit);
    ws.once('message', (data) => {
      visit.hello = JSON.parse(String(data)) as Record<string, unknown>;
      answer(ws, visit);
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`,
    visits,
    close: () => new Promise((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    }),
  };
}

const you = { id: 7, name: 'Ann', character: 0, x: 100, y: 100, facing: 0, state: 'live' } as const;
function welcome(ws: WebSocket, world: string): void {
  ws.send(encodeMessage({ t: 'welcome', v: PROTOCOL_VERSION, you, resumeToken: 'r'.repeat(32), resumed: false, graceMs: 30_000, rules: DEFAULT_RULES, players: [you], tick: 1, serverTimeMs: 0, ackSeq: 0, chatSeq: 0, world }));
}
function moveTo(ws: WebSocket, world: string, url: string): void {
  ws.send(encodeMessage({ t: 'moved', world, url }));
  ws.close(CloseCode.Moved, 'moved');
}

/** A transport that records where each socket went. */
function recording(urls: string[]): TransportFactory {
  return (url, protocols, handlers) => {
    urls.push(url);
    return wsTransport(url, protocols, handlers);
  };
}

function live(c: TetherClient, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not live in time')), ms);
    const check = () => {
      if (c.status.kind === 'live') {
        clearTimeout(timer);
        resolve();
      }
    };
    c.on('status', check);
    check();
  });
}

test('a move to a listed node is followed at once, with the hello for that world', async (t) => {
  const owner = await fakeNode((ws) => welcome(ws, 'forest'));
  const home = await fakeNode((ws) => moveTo(ws, 'forest', owner.url));
  t.after(() => Promise.all([owner.close(), home.close()]));
  const urls: string[] = [];
  const c = new TetherClient({ url: home.url, transport: recording(urls), clock: systemClock, name: 'Ann', character: 0, mayMoveTo: (u) => u === owner.url });
  t.after(() => c.dispose());
  const t0 = performance.now();
  c.start();
  await live(c);
  assert.deepEqual(urls, [home.url, owner.url]);
  assert.equal(c.moves, 1);
  assert.equal(owner.visits[0]?.hello?.['world'], 'forest', 'the hello names the world it was sent to');
  assert.equal(c.world, 'forest');
  assert.ok(performance.now() - t0 < 1000, 'no backoff before following a move');
});

test('a move to a node the cluster does not list is not followed; the client stays with its home node', async (t) => {
  let visits = 0;
  const home = await fakeNode((ws) => (++visits === 1 ? moveTo(ws, 'forest', 'ws://evil.example:1/ws') : welcome(ws, 'lobby')));
  t.after(() => home.close());
  const urls: string[] = [];
  const c = new TetherClient({ url: home.url, transport: recording(urls), clock: systemClock, name: 'Ann', character: 0, mayMoveTo: () => false, backoff: { baseMs: 50, capMs: 50 } });
  t.after(() => c.dispose());
  c.start();
  await live(c);
  assert.equal(c.movesRefused, 1);
  assert.equal(c.moves, 0);
  assert.ok(urls.every((u) => u === home.url), `only the home node: ${urls.join(', ')}`);
});

test('without a list, only the home node\'s own endpoint is trusted', async (t) => {
  const home = await fakeNode((ws) => moveTo(ws, 'forest', 'ws://127.0.0.1:1/ws'));
  t.after(() => home.close());
  const urls: string[] = [];
  const c = new TetherClient({ url: home.url, transport: recording(urls), clock: systemClock, name: 'Ann', character: 0, backoff: { baseMs: 50, capMs: 50 } });
  t.after(() => c.dispose());
  c.start();
  await new Promise<void>((resolve) => c.on('status', () => c.movesRefused >= 2 && resolve()));
  assert.ok(!urls.includes('ws://127.0.0.1:1/ws'));
});

test('a node that cannot be reached sends the client on to the next node it knows', async (t) => {
  const deadPort = await freePort();
  const dead = `ws://127.0.0.1:${deadPort}/ws`;
  const other = await fakeNode((ws) => welcome(ws, 'lobby'));
  t.after(() => other.close());
  const urls: string[] = [];
  const c = new TetherClient({ url: dead, transport: recording(urls), clock: systemClock, name: 'Ann', character: 0, fallbackUrls: () => [dead, other.url], backoff: { baseMs: 50, capMs: 50 } });
  t.after(() => c.dispose());
  c.start();
  await live(c);
  assert.deepEqual(urls, [dead, other.url]);
});

test('sent again to a node that just refused it, the client asks the sender again instead (its lease has not run out yet)', async (t) => {
  const deadPort = await freePort();
  const dead = `ws://127.0.0.1:${deadPort}/ws`;
  let visits = 0;
  // The sender still believes the dead node runs the world for its first two answers.
  const sender = await fakeNode((ws) => (++visits <= 2 ? moveTo(ws, 'forest', dead) : welcome(ws, 'forest')));
  t.after(() => sender.close());
  const urls: string[] = [];
  const c = new TetherClient({ url: sender.url, transport: recording(urls), clock: systemClock, name: 'Ann', character: 0, mayMoveTo: () => true, fallbackUrls: () => [sender.url, dead] });
  t.after(() => c.dispose());
  const t0 = performance.now();
  c.start();
  await live(c);
  assert.deepEqual(urls, [sender.url, dead, sender.url, sender.url]);
  assert.equal(c.movesDeferred, 1);
  assert.ok(performance.now() - t0 < 2500, 'no growing backoff while bounced');
});
