import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInputFrame } from '../../shared/input-codec.js';
import { InputTicker } from './input-ticker.js';

const TICK = 50;

function recorder() {
  const applied: Array<[number, number]> = [];
  const frames: Array<Array<[number, number]>> = [];
  return {
    applied,
    frames,
    sink: {
      apply: (seq: number, dirs: number) => applied.push([seq, dirs]),
      send: (frame: Uint8Array) => {
        const d = decodeInputFrame(frame);
        assert.ok(d.ok);
        const inputs: Array<[number, number]> = [];
        let seq = d.firstSeq;
        for (let i = 0; i < d.runs.length; i += 2) for (let k = 0; k < d.runs[i + 1]!; k++) inputs.push([seq++, d.runs[i]!]);
        frames.push(inputs);
      },
    },
  };
}

test('one input per elapsed tick while a key is held, one more when it is let go, none while standing', () => {
  const ticker = new InputTicker(1);
  const r = recorder();
  ticker.advance(0, TICK, r.sink);
  ticker.advance(1000, TICK, r.sink);
  assert.equal(r.applied.length, 0, 'standing still makes no inputs');
  ticker.heldDirs = 8;
  ticker.advance(1000 + 3 * TICK, TICK, r.sink);
  assert.deepEqual(r.applied, [[1, 8], [2, 8], [3, 8]]);
  ticker.heldDirs = 0;
  ticker.advance(1000 + 6 * TICK, TICK, r.sink);
  assert.deepEqual(r.applied.slice(3), [[4, 0]], 'the release is sent once');
  assert.deepEqual(r.frames.flat(), r.applied, 'every applied input reaches the wire, in order');
});

test('time is carried between frames: partial ticks add up, and the fraction says how far the tick is', () => {
  const ticker = new InputTicker(1);
  const r = recorder();
  ticker.heldDirs = 4;
  ticker.advance(0, TICK, r.sink);
  ticker.advance(30, TICK, r.sink);
  assert.equal(r.applied.length, 0);
  assert.equal(ticker.fraction(TICK), 0.6);
  ticker.advance(60, TICK, r.sink);
  assert.equal(r.applied.length, 1);
  assert.ok(Math.abs(ticker.fraction(TICK) - 0.2) < 1e-9);
});

test('a long pause is not turned into a burst of catch-up movement', () => {
  const ticker = new InputTicker(1);
  const r = recorder();
  ticker.heldDirs = 2;
  ticker.advance(0, TICK, r.sink);
  ticker.advance(10_000, TICK, r.sink);
  assert.equal(r.applied.length, 1, 'one tick, not 200');
});

test('while not live no inputs are made, and waiting inputs are dropped; seqs continue after the server ack', () => {
  const ticker = new InputTicker(4);
  const r = recorder();
  ticker.heldDirs = 8;
  ticker.advance(0, TICK, r.sink);
  ticker.advance(TICK, TICK, r.sink);
  ticker.advance(2 * TICK, TICK, r.sink);
  assert.equal(r.applied.length, 2);
  const sentBefore = r.frames.flat().length;
  ticker.advance(10_000, null, r.sink);
  assert.equal(r.applied.length, 2, 'nothing made while down');
  ticker.restart(40);
  ticker.advance(10_000 + TICK, TICK, r.sink);
  assert.deepEqual(r.applied.at(-1), [41, 8], 'seq continues after the ack');
  assert.deepEqual(r.frames.flat().slice(sentBefore), [[41, 8]], 'the held inputs waiting at the drop were dropped; a fresh start goes at once');
  assert.equal(ticker.lastSeq, 41);
});
