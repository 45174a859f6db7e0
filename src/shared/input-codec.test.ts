import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  INPUT_FRAME_BYTES,
  MAX_INPUT_RUNS,
  MAX_TICKS_PER_INPUT_FRAME,
  MSG_INPUT,
  MSG_INPUT_RUNS,
  decodeInputFrame,
  encodeInputFrame,
  encodeInputRuns,
} from './input-codec.js';
import { DIR_MASK } from './movement.js';

test('single input frames round-trip every valid seq and dirs, as a run of one', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 0xffffffff }), fc.integer({ min: 0, max: DIR_MASK }), (seq, dirs) => {
      const bytes = encodeInputFrame(seq, dirs);
      assert.equal(bytes.length, INPUT_FRAME_BYTES);
      assert.equal(bytes[0], MSG_INPUT);
      assert.deepEqual(decodeInputFrame(bytes), { ok: true, firstSeq: seq, runs: [dirs, 1] });
    }),
  );
});

test('input runs round-trip within the limits', () => {
  const run = fc.tuple(fc.integer({ min: 0, max: DIR_MASK }), fc.integer({ min: 1, max: 4 }));
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 0xffff0000 }), fc.array(run, { minLength: 1, maxLength: MAX_INPUT_RUNS }), (firstSeq, pairs) => {
      const runs = pairs.flat();
      const bytes = encodeInputRuns(firstSeq, runs);
      assert.equal(bytes[0], MSG_INPUT_RUNS);
      assert.deepEqual(decodeInputFrame(bytes), { ok: true, firstSeq, runs });
    }),
  );
});

test('input frames decode from a view into a larger buffer', () => {
  const big = new Uint8Array(20);
  big.set(encodeInputFrame(0x01020304, 9), 7);
  assert.deepEqual(decodeInputFrame(big.subarray(7, 13)), { ok: true, firstSeq: 0x01020304, runs: [9, 1] });
  big.set(encodeInputRuns(0x0a0b0c0d, [8, 3, 0, 1]), 3);
  assert.deepEqual(decodeInputFrame(big.subarray(3, 12)), { ok: true, firstSeq: 0x0a0b0c0d, runs: [8, 3, 0, 1] });
});

test('input runs over the limits are refused with the reason', () => {
  const cases: Array<[Uint8Array, RegExp]> = [
    [encodeInputRuns(1, [8, MAX_TICKS_PER_INPUT_FRAME, 4, 1]), /ticks in one frame/],
    [encodeInputRuns(1, [8, 0]), /run of 0/],
    [encodeInputRuns(1, [16, 1]), /dirs 16/],
    [encodeInputRuns(0, [8, 1]), /firstSeq/],
    [encodeInputRuns(0xffffffff, [8, 2]), /2\^32/],
    [encodeInputRuns(1, new Array(2 * (MAX_INPUT_RUNS + 1)).fill(1)), /pairs/],
    [encodeInputRuns(1, []), /pairs/],
    [new Uint8Array([MSG_INPUT_RUNS, 0, 0, 0, 1, 8]), /pairs/],
  ];
  for (const [bytes, reason] of cases) {
    const r = decodeInputFrame(bytes);
    assert.equal(r.ok, false, `${[...bytes].join(',')} should be refused`);
    if (!r.ok) assert.match(r.detail, reason);
  }
});

test('anything else is refused with a reason, never a throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
      const r = decodeInputFrame(bytes);
      if (bytes[0] !== MSG_INPUT && bytes[0] !== MSG_INPUT_RUNS) assert.equal(r.ok, false);
      if (bytes[0] === MSG_INPUT) {
        const valid = bytes.length === INPUT_FRAME_BYTES && (bytes[1]! | bytes[2]! | bytes[3]! | bytes[4]!) !== 0 && bytes[5]! <= DIR_MASK;
        assert.equal(r.ok, valid);
      }
      if (r.ok) {
        let total = 0;
        for (let i = 0; i < r.runs.length; i += 2) {
          assert.ok(r.runs[i]! <= DIR_MASK);
          assert.ok(r.runs[i + 1]! >= 1);
          total += r.runs[i + 1]!;
        }
        assert.ok(total >= 1 && total <= MAX_TICKS_PER_INPUT_FRAME);
      } else {
        assert.match(r.detail, /binary/);
      }
    }),
  );
});
