import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeInputFrame } from '../../shared/input-codec.js';
import { DIR_MASK } from '../../shared/movement.js';
import { InputBatcher } from './input-batcher.js';

/** Expands a frame back into [seq, dirs] inputs. */
function inputsOf(frame: Uint8Array): Array<[number, number]> {
  const d = decodeInputFrame(frame);
  assert.ok(d.ok, d.ok ? '' : d.detail);
  const out: Array<[number, number]> = [];
  let seq = d.firstSeq;
  for (let i = 0; i < d.runs.length; i += 2) for (let k = 0; k < d.runs[i + 1]!; k++) out.push([seq++, d.runs[i]!]);
  return out;
}

test('every input reaches the wire once, in order; a change goes at once; held keys wait at most flushTicks - 1 ticks', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.integer({ min: 0, max: DIR_MASK }), { minLength: 1, maxLength: 200 }),
      fc.integer({ min: 1, max: 1000 }),
      (flushTicks, dirsPerTick, firstSeq) => {
        const b = new InputBatcher(flushTicks);
        const sent: Array<[number, number]> = [];
        let prev = -1;
        let oldestWaiting: number | null = null;
        dirsPerTick.forEach((dirs, i) => {
          const seq = firstSeq + i;
          oldestWaiting ??= seq;
          const frame = b.push(seq, dirs);
          if (dirs !== prev) assert.ok(frame, `a change at seq ${seq} is sent at once`);
          prev = dirs;
          if (frame) {
            sent.push(...inputsOf(frame));
            oldestWaiting = null;
          } else {
            assert.ok(seq - oldestWaiting < flushTicks - 1, 'nothing waits flushTicks - 1 ticks');
          }
        });
        const rest = b.flush();
        if (rest) sent.push(...inputsOf(rest));
        assert.deepEqual(sent, dirsPerTick.map((d, i) => [firstSeq + i, d]));
      },
    ),
  );
});

test('walking straight sends one message per flushTicks ticks; flushTicks 1 sends every tick', () => {
  const b = new InputBatcher(4);
  const frames = Array.from({ length: 40 }, (_, i) => b.push(i + 1, 8)).filter((f) => f !== null);
  // The first input is a change (from nothing): at once; then one frame per 4 held ticks:
  // 1 + floor(39 / 4) = 10, with 3 inputs still waiting.
  assert.equal(frames.length, 10);
  assert.equal(b.pending, 3);
  assert.deepEqual([...frames[1]!], [0x11, 0, 0, 0, 2, 8, 4]);
  const every = new InputBatcher(1);
  assert.equal(Array.from({ length: 10 }, (_, i) => every.push(i + 1, 8)).filter((f) => f !== null).length, 10);
});

test('discard forgets waiting inputs, and the next input after it goes at once', () => {
  const b = new InputBatcher(4);
  b.push(1, 8);
  b.push(2, 8);
  assert.equal(b.pending, 1);
  b.discard();
  assert.equal(b.pending, 0);
  assert.equal(b.flush(), null);
  const frame = b.push(3, 8);
  assert.ok(frame, 'the first input after a discard is sent without waiting');
  assert.deepEqual(inputsOf(frame), [[3, 8]]);
});

test('flushTicks outside 1..31 is refused', () => {
  assert.throws(() => new InputBatcher(0), RangeError);
  assert.throws(() => new InputBatcher(32), RangeError);
});
