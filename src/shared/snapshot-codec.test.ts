import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SNAPSHOT_DELTA, SNAPSHOT_FULL, decodeSnapshot, encodeSnapshot, encodedSnapshotBytes, withAck, type BodyState, type Snapshot } from './snapshot-codec.js';
import { POSITION_SCALE } from './world-rules.js';

const onGrid = fc.integer({ min: 0, max: 0xffff }).map((q) => q / POSITION_SCALE);
const body: fc.Arbitrary<BodyState> = fc.record({
  id: fc.integer({ min: 0, max: 0xffffffff }),
  x: onGrid,
  y: onGrid,
  facing: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
  moving: fc.boolean(),
  reconnecting: fc.boolean(),
  dirs: fc.integer({ min: 0, max: 15 }),
}).map((b) => ({ ...b }));
const snapshot: fc.Arbitrary<Snapshot> = fc.record({
  kind: fc.constantFrom(SNAPSHOT_FULL, SNAPSHOT_DELTA),
  tick: fc.integer({ min: 0, max: 0xffffffff }),
  ackSeq: fc.integer({ min: 0, max: 0xffffffff }),
  bodies: fc.array(body, { maxLength: 60 }),
  removed: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 }),
}).map((s) => ({ ...s }));

test('every snapshot survives encode -> decode unchanged (positions on the 1/8 grid, dirs included)', () => {
  fc.assert(
    fc.property(snapshot, (s) => {
      const bytes = encodeSnapshot(s);
      assert.equal(bytes.length, encodedSnapshotBytes(s.bodies.length, s.removed.length));
      const d = decodeSnapshot(bytes);
      assert.ok(d.ok);
      assert.deepEqual(d.value, s);
    }),
    { numRuns: 300 },
  );
});

test('withAck changes only the recipient ack and leaves the shared frame alone', () => {
  fc.assert(
    fc.property(snapshot, fc.integer({ min: 0, max: 0xffffffff }), (s, ack) => {
      const shared = encodeSnapshot(s);
      const before = shared.slice();
      const mine = withAck(shared, ack);
      assert.deepEqual(shared, before);
      const d = decodeSnapshot(mine);
      assert.ok(d.ok);
      assert.deepEqual(d.value, { ...s, ackSeq: ack });
    }),
    { numRuns: 100 },
  );
});

test('a body without dirs decodes as standing (dirs 0); a decoder reads a subarray at any offset', () => {
  const s: Snapshot = { kind: SNAPSHOT_DELTA, tick: 9, ackSeq: 3, bodies: [{ id: 4, x: 10.125, y: 20, facing: 1, moving: false, reconnecting: true }], removed: [7] };
  const bytes = encodeSnapshot(s);
  const padded = new Uint8Array(bytes.length + 3);
  padded.set(bytes, 3);
  const d = decodeSnapshot(padded.subarray(3));
  assert.ok(d.ok);
  assert.equal(d.value.bodies[0]!.dirs, 0);
  assert.deepEqual(d.value.removed, [7]);
});

test('truncated, padded or foreign bytes are refused, never thrown', () => {
  fc.assert(
    fc.property(snapshot, fc.nat(), (s, cut) => {
      const bytes = encodeSnapshot(s);
      const shorter = bytes.subarray(0, cut % bytes.length);
      assert.equal(decodeSnapshot(shorter).ok, false);
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      assert.equal(decodeSnapshot(longer).ok, false);
    }),
    { numRuns: 200 },
  );
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => void decodeSnapshot(junk)), { numRuns: 500 });
  assert.equal(decodeSnapshot(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).ok, false);
});
