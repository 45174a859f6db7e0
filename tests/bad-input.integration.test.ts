import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, joined, until, type Fixture } from './support/server-fixture.js';
import { hello, openRaw } from './support/raw-socket.js';
import { pollUntil } from './support/poll.js';
import { CloseCode } from '../src/shared/close-codes.js';
import { MAX_FRAME_BYTES } from '../src/shared/limits.js';
import { MAX_TICKS_PER_INPUT_FRAME, MSG_INPUT, MSG_INPUT_RUNS, encodeInputFrame, encodeInputRuns } from '../src/shared/input-codec.js';

test('bad input closes or refuses only the offender; a bystander keeps playing', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const bystander = fx.client('Bystander');
  await joined(bystander);
  const ticksBefore = bystander.lastTick;

  const cases: Array<{ what: string; send: (ws: import('ws').WebSocket) => void; code: number; reason: RegExp }> = [
    { what: 'not JSON', send: (ws) => ws.send('{{{'), code: CloseCode.ProtocolViolation, reason: /not JSON/ },
    { what: 'unknown type', send: (ws) => ws.send('{"t":"teleport","x":1,"y":1}'), code: CloseCode.UnknownMessage, reason: /unknown message type/ },
    { what: 'wrong field type', send: (ws) => ws.send('{"t":"hello","v":1,"name":5,"character":0}'), code: CloseCode.ProtocolViolation, reason: /name/ },
    // The only binary frames a client may send are inputs (input-codec.ts); any other binary
    // frame, or a binary input with a bad field, is still a protocol violation.
    { what: 'binary frame that is not an input', send: (ws) => ws.send(Buffer.from([1, 2, 3])), code: CloseCode.ProtocolViolation, reason: /binary/ },
    { what: 'binary frame of input length but another type', send: (ws) => ws.send(Buffer.from([1, 0, 0, 0, 1, 8])), code: CloseCode.ProtocolViolation, reason: /binary.*unknown type/ },
    { what: 'binary input one byte too long', send: (ws) => ws.send(Buffer.from([MSG_INPUT, 0, 0, 0, 1, 8, 0])), code: CloseCode.ProtocolViolation, reason: /binary frame of 7 bytes/ },
    { what: 'binary input with seq 0', send: (ws) => ws.send(Buffer.from([MSG_INPUT, 0, 0, 0, 0, 8])), code: CloseCode.ProtocolViolation, reason: /binary input: seq/ },
    { what: 'binary input with dirs out of range', send: (ws) => ws.send(Buffer.from([MSG_INPUT, 0, 0, 0, 1, 16])), code: CloseCode.ProtocolViolation, reason: /binary input: dirs/ },
    { what: 'input runs with an odd length', send: (ws) => ws.send(Buffer.from([MSG_INPUT_RUNS, 0, 0, 0, 1, 8])), code: CloseCode.ProtocolViolation, reason: /input runs \(0x11\)/ },
    { what: 'input runs over the per-frame tick limit', send: (ws) => ws.send(encodeInputRuns(1, [8, MAX_TICKS_PER_INPUT_FRAME, 8, 1])), code: CloseCode.ProtocolViolation, reason: /ticks in one frame/ },
    { what: 'oversized frame', send: (ws) => ws.send('x'.repeat(MAX_FRAME_BYTES + 1)), code: 1009, reason: /.*/ },
    { what: 'version mismatch', send: (ws) => ws.send(hello('V', { v: 99 })), code: CloseCode.VersionMismatch, reason: /version mismatch/ },
  ];
  for (const c of cases) {
    const raw = await openRaw(fx.wsUrl);
    c.send(raw.ws);
    const closed = await raw.closed;
    assert.equal(closed.code, c.code, c.what);
    assert.match(closed.reason, c.reason, c.what);
  }

  const names: Array<[string, RegExp]> = [
    ['', /enter a name/],
    ['   ', /enter a name/],
    ['x'.repeat(17), /at most 16/],
    ['bad\u0007bell', /control/],
    ['zero\u200Bwidth', /invisible/],
    ['evil\u202Eright', /direction/],
  ];
  for (const [name, reason] of names) {
    const raw = await openRaw(fx.wsUrl);
    raw.ws.send(hello(name));
    const err = await raw.next((m) => m['t'] === 'error');
    assert.equal(err['code'], 'name_invalid', JSON.stringify(name));
    assert.match(String(err['message']), reason);
    // The connection stays open so the join screen can try again.
    raw.ws.send(hello('Fixed' + names.indexOf([name, reason] as never)));
    raw.ws.close();
  }

  const wrongProtocol = await openRaw(fx.wsUrl, ['tether.99']);
  const closed = await wrongProtocol.closed;
  assert.equal(closed.code, CloseCode.VersionMismatch);

  // The bystander was not disturbed: still live, still receiving state every tick.
  assert.equal(bystander.status.kind, 'live');
  const seen = bystander.lastTick;
  await until(bystander, () => bystander.lastTick >= seen + 5, 'bystander keeps getting state');
  assert.ok(bystander.lastTick > ticksBefore);
  assert.ok(fx.logs.some((l) => l.event === 'rejected' && l['code'] === CloseCode.UnknownMessage), 'rejections are logged');
});

test('a silent connection that never says hello is closed', async (t) => {
  const fx = await startFixture({ helloTimeoutMs: 300 });
  t.after(() => fx.close());
  const raw = await openRaw(fx.wsUrl);
  const closed = await raw.closed;
  assert.equal(closed.code, CloseCode.HelloTimeout);
});

test('inputs cannot move a player faster than the speed limit', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const raw = await openRaw(fx.wsUrl);
  raw.ws.send(hello('Speedy'));
  const welcome = await raw.next((m) => m['t'] === 'welcome');
  const you = welcome['you'] as { id: number; x: number };
  const startTick = fx.server.room.world.tick;
  // 100 inputs at once: the server applies at most one per tick and drops the overflow.
  for (let seq = 1; seq <= 100; seq++) raw.ws.send(JSON.stringify({ t: 'input', seq, dirs: 8 }));
  const body = () => fx.server.room.world.bodies.get(you.id)!.body;
  await untilTick(fx, startTick + 20);
  const ticks = fx.server.room.world.tick - startTick;
  const maxDistance = (ticks + 1) * (fx.config.rules.speedUnitsPerS / fx.config.rules.tickRateHz);
  assert.ok(body().x - you.x <= maxDistance, `moved ${body().x - you.x} in ${ticks} ticks (max ${maxDistance})`);
  assert.ok(body().x > you.x, 'it did move');
  raw.ws.close();
});

test('binary input frames move a player like JSON inputs, under the same speed limit and seq rules', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const raw = await openRaw(fx.wsUrl);
  raw.ws.send(hello('Binary'));
  const welcome = await raw.next((m) => m['t'] === 'welcome');
  const you = welcome['you'] as { id: number; x: number };
  const startTick = fx.server.room.world.tick;
  for (let seq = 1; seq <= 100; seq++) raw.ws.send(encodeInputFrame(seq, 8));
  // A JSON input with an old seq is stale whichever encoding carried the newer one.
  raw.ws.send(JSON.stringify({ t: 'input', seq: 50, dirs: 4 }));
  const wb = () => fx.server.room.world.bodies.get(you.id)!;
  await untilTick(fx, startTick + 20);
  const ticks = fx.server.room.world.tick - startTick;
  const maxDistance = (ticks + 1) * (fx.config.rules.speedUnitsPerS / fx.config.rules.tickRateHz);
  assert.ok(wb().body.x - you.x <= maxDistance, `moved ${wb().body.x - you.x} in ${ticks} ticks (max ${maxDistance})`);
  assert.ok(wb().body.x > you.x, 'it moved right');
  assert.equal(wb().lastQueuedSeq, 100);
  assert.ok(wb().ackSeq > 0, 'inputs were applied and acknowledged');
  assert.equal(raw.ws.readyState, raw.ws.OPEN, 'valid binary inputs do not close the connection');
  raw.ws.close();
});

test('input runs are applied one input per tick, overlaps and replays ignored, under the speed limit', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const raw = await openRaw(fx.wsUrl);
  raw.ws.send(hello('Runs'));
  const welcome = await raw.next((m) => m['t'] === 'welcome');
  const you = welcome['you'] as { id: number; x: number; y: number };
  const startTick = fx.server.room.world.tick;
  // 30 ticks right, then 2 down, in frames of up to 31 ticks; the second frame repeats seqs
  // 25..30 (a replay) before its new inputs, which must be queued once.
  raw.ws.send(encodeInputRuns(1, [8, 30]));
  raw.ws.send(encodeInputRuns(25, [8, 6, 2, 2]));
  const wb = () => fx.server.room.world.bodies.get(you.id)!;
  await pollUntil(() => wb().lastQueuedSeq === 32, 'all 32 inputs queued');
  await untilTick(fx, startTick + 8);
  const ticks = fx.server.room.world.tick - startTick;
  const step = fx.config.rules.speedUnitsPerS / fx.config.rules.tickRateHz;
  assert.ok(wb().body.x - you.x <= (ticks + 1) * step, `moved ${wb().body.x - you.x} in ${ticks} ticks: runs must not beat the speed limit`);
  assert.ok(wb().queue.length > 0, 'a 32-tick burst is still being applied a tick at a time');
  await pollUntil(() => wb().ackSeq === 32, 'the last input applied', 10_000);
  assert.equal(wb().body.x - you.x, 30 * step, 'exactly 30 ticks to the right');
  assert.equal(wb().body.y - you.y, 2 * step, 'then exactly 2 down');
  raw.ws.close();
});

/** Resolves once the server's world has reached `tick` (the room has no tick event to await). */
function untilTick(fx: Fixture, tick: number): Promise<void> {
  return pollUntil(() => fx.server.room.world.tick >= tick, `server tick ${tick}`);
}
