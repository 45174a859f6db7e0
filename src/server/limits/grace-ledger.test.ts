import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraceLedger } from './grace-ledger.js';

test('past the bound the oldest body in grace of that address is let go; other addresses are untouched', () => {
  const g = new GraceLedger(2);
  assert.deepEqual(g.entered(1, 'a'), []);
  assert.deepEqual(g.entered(2, 'a'), []);
  assert.deepEqual(g.entered(10, 'b'), []);
  assert.deepEqual(g.entered(3, 'a'), [1]);
  assert.deepEqual(g.entered(4, 'a'), [2]);
  assert.equal(g.countFor('a'), 2);
  assert.equal(g.countFor('b'), 1);
});

test('a resume takes the body out; entering again does not count twice', () => {
  const g = new GraceLedger(2);
  g.entered(1, 'a');
  g.entered(2, 'a');
  g.left(1);
  assert.deepEqual(g.entered(3, 'a'), []);
  assert.deepEqual(g.entered(3, 'a'), [], 'the same player again');
  assert.equal(g.countFor('a'), 2);
  g.left(2);
  g.left(3);
  assert.equal(g.countFor('a'), 0);
});
