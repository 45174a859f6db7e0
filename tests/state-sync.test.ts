/**
 * The delta/motion-model state stream end to end without sockets: the real World and
 * StateBroadcaster on one side, real TetherClients (fed through a fake transport) on the other.
 * Whatever the inputs do (gaps, bursts, direction changes, walls, reconnecting flags, joins and
 * leaves), every client must see every body exactly where the server has it at every tick it
 * heard about: a client that watches every tick, one that looks only now and then, a late joiner,
 * and one whose frames are skipped now and then (slow reader: it gets a full frame next).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StateBroadcaster, type Recipient } from '../src/server/game/state-broadcaster.js';
import { World } from '../src/server/game/world.js';
import { withAck } from '../src/shared/snapshot-codec.js';
import type { PlayerPort } from '../src/server/game/player-port.js';
import { TetherClient } from '../src/client/core/tether-client.js';
import type { TransportHandlers } from '../src/client/core/transport.js';
import { PROTOCOL_VERSION, SUBPROTOCOL, type PlayerInfo, type ServerMessage } from '../src/shared/protocol.js';
import type { WorldRules } from '../src/shared/world-rules.js';
import type { Facing } from '../src/shared/movement.js';

const RULES: WorldRules = { widthUnits: 160, heightUnits: 120, speedUnitsPerS: 100, tickRateHz: 20 };

class FakeLink {
  frames = 0;
  constructor(
    readonly deliver: (frame: Uint8Array) => void,
    readonly skip: () => boolean,
  ) {}
  sendState(frame: Uint8Array, ackSeq: number): boolean {
    if (this.skip()) return false;
    this.frames++;
    this.deliver(withAck(frame, ackSeq));
    return true;
  }
}

interface Viewer {
  client: TetherClient;
  handlers: TransportHandlers;
  link: FakeLink;
  recipient: Recipient;
  playerId: number;
  watchEvery: number;
}

function fakeClient(name: string): { client: TetherClient; handlers: () => TransportHandlers } {
  let h: TransportHandlers | null = null;
  const clock = { now: () => 0, wallMs: () => 0, setTimeout: () => 0 as never, clearTimeout: () => {} };
  const client = new TetherClient({
    url: 'ws://fake/ws',
    name,
    character: 0,
    clock,
    transport: (_url, _protocols, handlers) => {
      h = handlers;
      return { send() {}, close() {}, bufferedAmount: 0 };
    },
  });
  client.start();
  return { client, handlers: () => h! };
}

function info(world: World, id: number): PlayerInfo {
  const wb = world.bodies.get(id)!;
  return { id, name: `p${id}`, character: 0, x: wb.body.x, y: wb.body.y, facing: wb.body.facing, state: wb.reconnecting ? 'reconnecting' : 'live' };
}

function send(v: Viewer, msg: ServerMessage): void {
  v.handlers.onMessage(JSON.stringify(msg));
}

const plan = fc.record({
  seed: fc.integer(),
  ticks: fc.integer({ min: 40, max: 160 }),
  lateJoinAt: fc.integer({ min: 1, max: 39 }),
  skipP: fc.double({ min: 0, max: 0.3, noNaN: true }),
  gapP: fc.double({ min: 0, max: 0.3, noNaN: true }),
});

test('every client sees every body where the server has it, at every tick it heard of', () => {
  fc.assert(
    fc.property(plan, ({ seed, ticks, lateJoinAt, skipP, gapP }) => {
      let s = seed >>> 0;
      const rnd = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296);
      const world = new World(RULES);
      const broadcaster = new StateBroadcaster();
      const dirsOf = new Map<number, number>();
      const seqOf = new Map<number, number>();
      let nextId = 1;
      const addBody = () => {
        const id = nextId++;
        world.add(id, Math.round(8 + rnd() * 144) / 1 + Math.floor(rnd() * 8) / 8, Math.round(8 + rnd() * 100) + Math.floor(rnd() * 8) / 8, Math.floor(rnd() * 4) as Facing);
        dirsOf.set(id, Math.floor(rnd() * 16));
        seqOf.set(id, 0);
        return id;
      };
      for (let i = 0; i < 4; i++) addBody();
      const viewers: Viewer[] = [];
      const join = (watchEvery: number, skip: () => boolean) => {
        const playerId = addBody();
        const { client, handlers } = fakeClient(`v${playerId}`);
        const h = handlers();
        h.onOpen(SUBPROTOCOL);
        const link = new FakeLink((f) => h.onMessage(f), skip);
        const v: Viewer = { client, handlers: h, link, recipient: { id: playerId, port: link as unknown as PlayerPort, needsFullState: true }, playerId, watchEvery };
        for (const other of viewers) send(other, { t: 'joined', player: info(world, playerId) });
        send(v, {
          t: 'welcome', v: PROTOCOL_VERSION, you: info(world, playerId), resumeToken: 'a'.repeat(22), resumed: false, graceMs: 1000, rules: RULES,
          players: [...world.bodies.keys()].map((id) => info(world, id)), tick: world.tick, serverTimeMs: 0, ackSeq: 0, chatSeq: 0,
        });
        viewers.push(v);
      };
      join(1, () => false);
      join(25, () => false);
      join(1, () => rnd() < skipP);
      for (let t = 1; t <= ticks; t++) {
        if (t === lateJoinAt) join(1, () => false);
        for (const id of world.bodies.keys()) {
          if (rnd() < 0.1) dirsOf.set(id, Math.floor(rnd() * 16));
          const n = rnd() < gapP ? 0 : rnd() < 0.1 ? 2 : 1;
          for (let k = 0; k < n; k++) {
            const seq = seqOf.get(id)! + 1;
            seqOf.set(id, seq);
            world.queueInput(id, seq, dirsOf.get(id)!);
          }
          if (rnd() < 0.02) {
            const wb = world.bodies.get(id)!;
            wb.reconnecting = !wb.reconnecting;
            world.clearInputs(id);
          }
        }
        if (rnd() < 0.03) {
          const id = addBody();
          for (const v of viewers) send(v, { t: 'joined', player: info(world, id) });
        }
        if (rnd() < 0.02 && world.bodies.size > 6) {
          const victim = [...world.bodies.keys()].find((id) => !viewers.some((v) => v.playerId === id))!;
          world.remove(victim);
          for (const v of viewers) send(v, { t: 'left', id: victim, reason: 'closed' });
        }
        world.step();
        broadcaster.broadcast(world, viewers.map((v) => v.recipient));
        for (const v of viewers) {
          if (v.client.lastTick !== world.tick) continue; // this frame was skipped for it
          if (t % v.watchEvery !== 0 && t !== ticks) continue;
          for (const [id, wb] of world.bodies) {
            const seen = v.client.players.get(id)?.info;
            assert.ok(seen, `viewer ${v.playerId} knows body ${id}`);
            assert.deepEqual([seen.x, seen.y, seen.facing], [wb.body.x, wb.body.y, wb.body.facing], `viewer ${v.playerId} (watch every ${v.watchEvery}) sees body ${id} at tick ${t}`);
            assert.equal(seen.state, wb.reconnecting ? 'reconnecting' : 'live');
          }
          // The own player is reconciled every frame against this tick's ack.
          assert.equal(v.client.predictor?.lastAckSeq, world.bodies.get(v.playerId)!.ackSeq);
        }
      }
      // Deltas stayed small: a body is listed only when its motion changed.
      assert.ok(broadcaster.stats.framesSent > 0);
    }),
    { numRuns: 60 },
  );
});

test('the interpolation buffer of a watched remote body holds the server position of every tick', () => {
  const world = new World(RULES);
  const broadcaster = new StateBroadcaster();
  world.add(1, 20, 60, 0);
  world.add(2, 80, 60, 0);
  const { client, handlers } = fakeClient('watcher');
  const h = handlers();
  h.onOpen(SUBPROTOCOL);
  h.onMessage(JSON.stringify({ t: 'welcome', v: PROTOCOL_VERSION, you: info(world, 2), resumeToken: 'a'.repeat(22), resumed: false, graceMs: 1000, rules: RULES, players: [info(world, 1), info(world, 2)], tick: 0, serverTimeMs: 0, ackSeq: 0, chatSeq: 0 }));
  const link = new FakeLink((f) => h.onMessage(f), () => false);
  const recipient: Recipient = { id: 2, port: link as unknown as PlayerPort, needsFullState: true };
  const truth: Array<{ timeMs: number; x: number; y: number }> = [];
  for (let t = 1; t <= 60; t++) {
    world.queueInput(1, t, t < 40 ? 8 | 1 : 0); // right+up into the top wall, then stop
    world.step();
    broadcaster.broadcast(world, [recipient]);
    const b = world.bodies.get(1)!.body;
    truth.push({ timeMs: t * 50, x: b.x, y: b.y });
    const buffer = client.players.get(1)!.buffer; // reading it brings it up to date
    const at = buffer.sample(t * 50)!;
    assert.deepEqual([at.x, at.y], [b.x, b.y], `tick ${t}`);
  }
  // Sampling between ticks interpolates between the true positions.
  const buffer = client.players.get(1)!.buffer;
  const s = buffer.sample(truth[58]!.timeMs);
  assert.deepEqual([s!.x, s!.y], [truth[58]!.x, truth[58]!.y]);
});
