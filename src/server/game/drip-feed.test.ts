import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DripFeed, listSource } from './drip-feed.js';

function target() {
  const sent: string[] = [];
  return { closed: false, sent, sendLater: (b: Buffer) => void sent.push(b.toString()) };
}

test('a slice per tick, at most the byte budget (the message that crosses it is the last)', () => {
  const feed = new DripFeed(10);
  const t = target();
  feed.add(1, t, listSource(['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee'], (s) => Buffer.from(s)));
  feed.pump();
  assert.deepEqual(t.sent, ['aaaa', 'bbbb', 'cccc']);
  feed.pump();
  assert.deepEqual(t.sent.slice(3), ['dddd', 'eeee']);
  assert.equal(feed.pending, 0, 'done sources are dropped');
});

test('sources are served in order; skipped items cost nothing; a new target replaces the queue; closed targets are dropped', () => {
  const feed = new DripFeed(100);
  const t = target();
  feed.add(1, t, listSource([1, 2, 3], (n) => (n === 2 ? null : Buffer.from(`x${n}`))));
  feed.add(1, t, listSource(['y'], (s) => Buffer.from(s)));
  feed.pump();
  assert.deepEqual(t.sent, ['x1', 'x3', 'y']);
  const old = target();
  const fresh = target();
  feed.add(2, old, listSource(['old'], (s) => Buffer.from(s)));
  feed.add(2, fresh, listSource(['new'], (s) => Buffer.from(s)));
  const gone = target();
  gone.closed = true;
  feed.add(3, gone, listSource(['never'], (s) => Buffer.from(s)));
  feed.pump();
  assert.deepEqual(old.sent, []);
  assert.deepEqual(fresh.sent, ['new']);
  assert.deepEqual(gone.sent, []);
  assert.equal(feed.pending, 0);
});

test('what is queued behind a pending source leaves after it, in order', () => {
  const feed = new DripFeed(4);
  const t = target();
  feed.add(1, t, listSource(['r1', 'r2', 'r3'], (s) => Buffer.from(s)));
  assert.equal(feed.pendingFor(1), true);
  feed.add(1, t, listSource(['live'], (s) => Buffer.from(s)));
  feed.pump();
  feed.pump();
  assert.deepEqual(t.sent, ['r1', 'r2', 'r3', 'live']);
  assert.equal(feed.pendingFor(1), false);
});
