import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROSTER_CHUNK, rosterSource, splitNearest } from './roster-welcome.js';
import type { PlayerInfo } from '../../shared/protocol.js';

const info = (id: number): PlayerInfo => ({ id, name: `p${id}`, character: 0, x: id, y: 0, facing: 0, state: 'live' });

test('the nearest come first; the rest is everyone else', () => {
  const items = [5, 1, 9, 3, 7].map(info);
  const { near, rest } = splitNearest(items, 4, 0, 2, (p) => p);
  assert.deepEqual(near.map((p) => p.id), [5, 3]);
  assert.deepEqual(rest.map((p) => p.id).sort(), [1, 7, 9]);
  assert.deepEqual(splitNearest(items, 0, 0, 10, (p) => p).rest, []);
});

test('roster chunks skip players who left and end with rest 0', () => {
  const ids = Array.from({ length: ROSTER_CHUNK + 5 }, (_, i) => i + 1);
  const gone = new Set([2, ROSTER_CHUNK + 3]);
  const src = rosterSource(ids, (id) => (gone.has(id) ? undefined : info(id)));
  const first = JSON.parse(src.next()!.toString());
  assert.equal(first.t, 'roster');
  assert.equal(first.players.length, ROSTER_CHUNK, 'a chunk is filled past the missing one');
  assert.equal(first.rest, 4);
  const second = JSON.parse(src.next()!.toString());
  assert.equal(second.players.length, 3);
  assert.equal(second.rest, 0);
  assert.equal(src.next(), null);
  const empty = rosterSource([], info);
  assert.deepEqual(JSON.parse(empty.next()!.toString()), { t: 'roster', players: [], rest: 0 });
});
