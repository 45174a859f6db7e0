/**
 * Fuzzing the validation boundary. Every byte a client sends reaches game code only through
 * decodeClientMessage (text frames) and every byte a server sends reaches a client through
 * decodeServerMessage / decodeSnapshot. Property: whatever the input, the decoder returns a result
 * (never throws), returns quickly, and what it returns is plain data — no prototype other than
 * Object/Array, no functions, no getters, and Object.prototype is never touched.
 *
 * Volume (seeded, so a failure reproduces): FRAMES_PER_PROPERTY runs per property; see the
 * summary test at the end for the total. A live-server part sends a few hundred random and
 * mutated frames over real sockets while a bystander keeps receiving state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeClientMessage, decodeServerMessage, encodeMessage, PROTOCOL_VERSION, type ClientMessage } from '../src/shared/protocol.js';
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_DELTA, SNAPSHOT_FULL, type Snapshot } from '../src/shared/snapshot-codec.js';
import { startFixture, joined } from './support/server-fixture.js';
import { openRaw } from './support/raw-socket.js';

const FRAMES_PER_PROPERTY = 3000;
const SEED = 0x7e7e7;
/**
 * A single decode taking longer than this counts as a hang. Typical decodes take microseconds;
 * the bound is generous because a GC pause or a busy shared machine can stall any one call.
 */
const SLOW_DECODE_MS = 1000;
let framesTried = 0;

// ---- what "plain data" means ------------------------------------------------------------------

function assertPlain(value: unknown, path = '$', depth = 0): void {
  assert.ok(depth < 64, `${path}: nested too deep`);
  const t = typeof value;
  if (value === null || t === 'string' || t === 'boolean' || t === 'undefined') return;
  if (t === 'number') return;
  assert.ok(t === 'object', `${path}: a ${t} is not plain data`);
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    assert.equal(proto, Array.prototype, `${path}: odd array prototype`);
    value.forEach((v, i) => assertPlain(v, `${path}[${i}]`, depth + 1));
    return;
  }
  if (value instanceof Uint8Array) return;
  assert.ok(proto === Object.prototype || proto === null, `${path}: prototype is not Object.prototype`);
  for (const key of Reflect.ownKeys(value as object)) {
    assert.equal(typeof key, 'string', `${path}: symbol key`);
    const desc = Object.getOwnPropertyDescriptor(value, key)!;
    assert.ok(!desc.get && !desc.set, `${path}.${String(key)}: accessor property`);
    assertPlain(desc.value, `${path}.${String(key)}`, depth + 1);
  }
}

function assertDecodeResult(result: unknown): void {
  assertPlain(result);
  const r = result as { ok: boolean; value?: unknown; detail?: unknown };
  assert.equal(typeof r.ok, 'boolean');
  if (!r.ok) assert.equal(typeof r.detail, 'string');
}

function timed<T>(fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  const ms = performance.now() - t0;
  assert.ok(ms < SLOW_DECODE_MS, `decode took ${ms.toFixed(1)} ms`);
  framesTried++;
  return out;
}

function decodeClient(text: string): void {
  let result;
  try {
    result = timed(() => decodeClientMessage(text));
  } catch (err) {
    assert.fail(`decodeClientMessage threw on ${JSON.stringify(text).slice(0, 200)}: ${String(err)}`);
  }
  assertDecodeResult(result);
  if (result.ok) {
    // Anything accepted carries a known type and no field the schema does not know.
    assert.ok(['hello', 'input', 'inputs', 'chat', 'ping', 'leave'].includes(result.value.t));
  }
}

function decodeSnap(bytes: Uint8Array): void {
  let result;
  try {
    result = timed(() => decodeSnapshot(bytes));
  } catch (err) {
    assert.fail(`decodeSnapshot threw on ${Buffer.from(bytes).toString('hex').slice(0, 200)}: ${String(err)}`);
  }
  assertDecodeResult(result);
}

// ---- generators -------------------------------------------------------------------------------

const seqArb = fc.integer({ min: 1, max: 0xffffffff });
const validClient: fc.Arbitrary<ClientMessage> = fc.oneof(
  fc.record({ t: fc.constant('hello' as const), v: fc.constant(1), name: fc.string({ maxLength: 20 }), character: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ t: fc.constant('input' as const), seq: seqArb, dirs: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ t: fc.constant('inputs' as const), first: seqArb, dirs: fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ t: fc.constant('chat' as const), id: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), text: fc.string({ maxLength: 200 }) }),
  fc.record({ t: fc.constant('ping' as const), id: fc.integer({ min: 0, max: 0xffffffff }), ct: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
  fc.constant({ t: 'leave' as const }),
);

const EVIL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 't'];
const hugeNumber = fc.constantFrom(1e308, -1e308, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 0xffffffff + 1, -1, -0, 1.5, 5e-324, Number.MAX_SAFE_INTEGER);
const junk: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 3 }),
    hugeNumber,
    fc.string({ maxLength: 50 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...EVIL_KEYS, 'x', 'name', 'seq'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A JSON-level mutation of a valid message: change, retype, delete or add fields. */
const jsonMutated = fc
  .tuple(validClient, fc.array(fc.tuple(fc.nat(), fc.constantFrom('replace', 'delete', 'add_evil', 'wrap', 'retype_t'), junk), { minLength: 1, maxLength: 4 }))
  .map(([msg, edits]) => {
    // Build the frame text by hand so __proto__ stays an own JSON key, exactly as an attacker sends it.
    const entries: Array<[string, unknown]> = Object.entries(msg);
    for (const [n, op, value] of edits) {
      const i = n % Math.max(1, entries.length);
      if (op === 'replace' && entries[i]) entries[i] = [entries[i]![0], value];
      else if (op === 'delete') entries.splice(i, 1);
      else if (op === 'add_evil') entries.push([EVIL_KEYS[n % EVIL_KEYS.length]!, value]);
      else if (op === 'wrap' && entries[i]) entries[i] = [entries[i]![0], [entries[i]![1]]];
      else if (op === 'retype_t') entries.push(['t', typeof value === 'string' ? value : JSON.stringify(value)]);
    }
    return '{' + entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',') + '}';
  });

/** A byte-level mutation of a valid frame: bit flips, truncation, insertion, duplication. */
function byteMutated(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(base, fc.array(fc.tuple(fc.constantFrom('flip', 'truncate', 'insert', 'dup', 'set'), fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 6 })).map(([bytes, ops]) => {
    let b = Uint8Array.from(bytes);
    for (const [op, pos, v] of ops) {
      const i = b.length === 0 ? 0 : pos % b.length;
      if (op === 'flip' && b.length > 0) b[i] = b[i]! ^ (1 << (v % 8));
      else if (op === 'truncate') b = b.slice(0, i);
      else if (op === 'insert') b = Uint8Array.from([...b.slice(0, i), v, ...b.slice(i)]);
      else if (op === 'dup') b = Uint8Array.from([...b, ...b.slice(i)]).slice(0, 8192);
      else if (op === 'set' && b.length > 0) b[i] = v;
    }
    return b;
  });
}

const validClientBytes = validClient.map((m) => new TextEncoder().encode(encodeMessage(m)));
const utf8 = new TextDecoder('utf-8', { fatal: false });

const bodyArb = fc.record({
  id: fc.integer({ min: 0, max: 0xffffffff }),
  x: fc.integer({ min: 0, max: 8000 }).map((v) => v / 8),
  y: fc.integer({ min: 0, max: 8000 }).map((v) => v / 8),
  facing: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>,
  moving: fc.boolean(),
  reconnecting: fc.boolean(),
  dirs: fc.integer({ min: 0, max: 15 }),
});
const snapshotArb: fc.Arbitrary<Snapshot> = fc.record({
  kind: fc.constantFrom(SNAPSHOT_FULL, SNAPSHOT_DELTA) as fc.Arbitrary<0 | 1>,
  tick: fc.integer({ min: 0, max: 0xffffffff }),
  ackSeq: fc.integer({ min: 0, max: 0xffffffff }),
  bodies: fc.array(bodyArb, { maxLength: 30 }),
  removed: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 10 }),
});

const params = { numRuns: FRAMES_PER_PROPERTY, seed: SEED, endOnFailure: true } as const;

// ---- decoder properties -------------------------------------------------------------------------

test('fuzz decodeClientMessage: arbitrary strings and JSON never throw, hang or yield non-data', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (s) => decodeClient(s)), params);
  fc.assert(fc.property(fc.json({ maxDepth: 6 }), (s) => decodeClient(s)), params);
  fc.assert(fc.property(junk, (v) => decodeClient(JSON.stringify(v) ?? 'null')), params);
});

test('fuzz decodeClientMessage: mutated valid messages (fields retyped, huge numbers, nested junk, prototype keys)', () => {
  fc.assert(fc.property(validClient, (m) => {
    const r = timed(() => decodeClientMessage(encodeMessage(m)));
    assert.ok(r.ok, `a valid message was refused: ${encodeMessage(m)} ${r.ok ? '' : r.detail}`);
  }), params);
  fc.assert(fc.property(jsonMutated, (s) => decodeClient(s)), params);
  fc.assert(fc.property(byteMutated(validClientBytes), (b) => decodeClient(utf8.decode(b))), params);
  // Deep nesting right up to the frame limit.
  for (const depth of [10, 100, 1000, 2000]) {
    decodeClient(`{"t":"hello","v":1,"name":${'['.repeat(depth)}${']'.repeat(depth)},"character":0}`);
    decodeClient(`{"t":"chat","id":"a","text":"x","extra":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`);
  }
  // Prototype pollution attempts: the decoded value must not carry them, the global prototype untouched.
  for (const evil of [
    '{"t":"hello","v":1,"name":"A","character":0,"__proto__":{"polluted":1,"t":"leave"}}',
    '{"t":"chat","id":"a","text":"x","constructor":{"prototype":{"polluted":1}}}',
    '{"__proto__":{"t":"leave"}}',
    '{"t":"input","seq":1,"dirs":1,"__proto__":{"dirs":15}}',
  ]) {
    const r = decodeClientMessage(evil);
    assertDecodeResult(r);
    if (r.ok) assert.ok(!Object.hasOwn(r.value, '__proto__') && !Object.hasOwn(r.value, 'constructor'), evil);
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype was polluted');
});

test('fuzz decodeServerMessage: random and mutated frames (the client side of the boundary)', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (s) => {
    assertDecodeResult(timed(() => decodeServerMessage(s)));
  }), params);
  fc.assert(fc.property(jsonMutated, (s) => {
    assertDecodeResult(timed(() => decodeServerMessage(s.replace('"t":"hello"', '"t":"welcome"'))));
  }), params);
});

test('fuzz decodeSnapshot: random bytes and mutated valid snapshots', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => decodeSnap(b)), params);
  fc.assert(fc.property(snapshotArb, (s) => {
    const r = timed(() => decodeSnapshot(encodeSnapshot(s)));
    assert.ok(r.ok, 'a valid snapshot was refused');
    assert.equal(r.value.bodies.length, s.bodies.length);
  }), params);
  fc.assert(fc.property(byteMutated(snapshotArb.map((s) => encodeSnapshot(s))), (b) => decodeSnap(b)), params);
  // Headers that claim far more than they carry; offset views into a larger buffer.
  const lying = new Uint8Array(14);
  lying.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  decodeSnap(lying);
  const big = new Uint8Array(64);
  decodeSnap(big.subarray(7, 40));
});

test('fuzz volume', () => {
  // Every property above ran; this records how many frames went through the decoders.
  assert.ok(framesTried >= FRAMES_PER_PROPERTY * 10, `only ${framesTried} frames fuzzed`);
  process.stdout.write(`# fuzz: ${framesTried} frames through the decoders\n`);
});

// ---- live server ------------------------------------------------------------------------------

test('live fuzz: hundreds of random and mutated frames over real sockets; the server stays up and a bystander keeps its state', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const bystander = fx.client('Bystander');
  await joined(bystander);
  let snapshots = 0;
  bystander.on('snapshot', () => snapshots++);
  const started = performance.now();

  const frames = fc.sample(
    fc.oneof(
      fc.string({ maxLength: 200, unit: 'binary' }),
      jsonMutated,
      byteMutated(validClientBytes).map((b) => utf8.decode(b)),
      validClient.map((m) => encodeMessage(m)),
    ),
    { numRuns: 400, seed: SEED },
  );
  // One frame per connection, so every frame is really decoded (after a violation the server
  // ignores whatever else that connection sends). Half the connections join first, so frames also
  // reach the joined-player paths. Connections run 20 at a time.
  let sent = 0;
  const outcomes = new Map<number, number>();
  const one = async (frame: string, i: number): Promise<void> => {
    const raw = await openRaw(fx.wsUrl);
    if (i % 2 === 0) {
      raw.ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, name: `Fz${i}`, character: i % 6 }));
      await raw.next((m) => m['t'] === 'welcome' || m['t'] === 'error', 3000).catch(() => undefined);
    }
    raw.ws.send(i % 10 === 9 ? Buffer.from(frame) : frame);
    sent++;
    // The server handles a connection's frames in order: a ping sent after the frame is answered
    // only if the frame did not close the connection. Either way there is an event to await.
    const probe = 2 ** 31 - 1;
    raw.ws.send(JSON.stringify({ t: 'ping', id: probe, ct: 0 }));
    const answered = raw.next((m) => m['t'] === 'pong' && m['id'] === probe, 5000).then(() => ({ code: -1 }));
    answered.catch(() => {}); // when the close wins, the unanswered probe's timeout is no news
    const closed = await Promise.race([raw.closed, answered]);
    outcomes.set(closed.code, (outcomes.get(closed.code) ?? 0) + 1);
    raw.ws.terminate();
  };
  for (let i = 0; i < frames.length; i += 20) {
    await Promise.all(frames.slice(i, i + 20).map((f, j) => one(f, i + j)));
  }
  const seconds = (performance.now() - started) / 1000;
  assert.ok(sent >= 400, `only ${sent} frames went out`);
  // The server is up and healthy, and every hostile connection ended with a protocol close code.
  const health = await fetch(`http://127.0.0.1:${fx.server.port}/healthz`).then((r) => r.json() as Promise<{ ok: boolean }>);
  assert.equal(health.ok, true);
  for (const code of outcomes.keys()) assert.ok([4000, 4001, 4003, 4012, -1].includes(code), `unexpected close code ${code}`);
  assert.ok(!fx.logs.some((l) => l.event === 'handler_failed' || l.event === 'tick_failed'), 'no handler or tick failed');
  // The bystander kept receiving state every tick (generous margin for a shared machine).
  const expected = seconds * fx.config.rules.tickRateHz;
  assert.ok(snapshots >= expected * 0.85, `bystander got ${snapshots} snapshots in ${seconds.toFixed(1)} s (expected ~${expected.toFixed(0)})`);
  assert.equal(bystander.status.kind, 'live');
  process.stdout.write(`# live fuzz: ${sent} frames over ${[...outcomes.values()].reduce((a, b) => a + b, 0)} connections; closes ${JSON.stringify(Object.fromEntries(outcomes))}\n`);
});
