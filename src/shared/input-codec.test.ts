import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { INPUT_FRAME_BYTES, MSG_INPUT, decodeInputFrame, encodeInputFrame } from './input-codec.js';
import { DIR_MASK } from './movement.js';

test('input frames round-trip every valid seq and dirs', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 0xffffffff }), fc.integer({ min: 0, max: DIR_MASK }), (seq, dirs) => {
      const bytes = encodeInputFrame(seq, dirs);
      assert.equal(bytes.length, INPUT_FRAME_BYTES);
      assert.equal(bytes[0], MSG_INPUT);
      assert.deepEqual(decodeInputFrame(bytes), { ok: true, seq, dirs });
    }),
  );
});

test('input frames decode from a view into a larger buffer', () => {
  const big = new Uint8Array(20);
  big.set(encodeInputFrame(0x01020304, 9), 7);
  assert.deepEqual(decodeInputFrame(big.subarray(7, 13)), { ok: true, seq: 0x01020304, dirs: 9 });
});

test('anything else is refused with a reason, never a throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 16 }), (bytes) => {
      const r = decodeInputFrame(bytes);
      const valid = bytes.length === INPUT_FRAME_BYTES && bytes[0] === MSG_INPUT && (bytes[1]! | bytes[2]! | bytes[3]! | bytes[4]!) !== 0 && bytes[5]! <= DIR_MASK;
      assert.equal(r.ok, valid);
      if (!r.ok) assert.match(r.detail, /binary/);
    }),
  );
});
