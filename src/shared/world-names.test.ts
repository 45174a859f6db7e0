import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWorldName, normalizeWorldName, overflowWorldName, WORLD_NAME_MAX } from './world-names.js';

test('world names: lower-case letters, digits and inner hyphens, 1-24 characters', () => {
  for (const ok of ['lobby', 'a', '7', 'lobby-2', 'the-big-pond', 'x'.repeat(WORLD_NAME_MAX)]) assert.ok(isWorldName(ok), ok);
  for (const bad of ['', 'Lobby', '-a', 'a-', 'a b', 'a_b', 'ä', 'x'.repeat(WORLD_NAME_MAX + 1), '../x', 'a\u0000', '世界']) assert.ok(!isWorldName(bad), JSON.stringify(bad));
});

test('typed names are made canonical or refused', () => {
  assert.equal(normalizeWorldName('  Big Pond '), 'big-pond');
  assert.equal(normalizeWorldName('Forest_Two'), 'forest-two');
  assert.equal(normalizeWorldName('世界'), null);
  assert.equal(normalizeWorldName('--'), null);
});

test('overflow names stay valid at any length', () => {
  assert.equal(overflowWorldName('lobby', 2), 'lobby-2');
  const long = overflowWorldName('x'.repeat(WORLD_NAME_MAX), 12);
  assert.equal(long.length, WORLD_NAME_MAX);
  assert.ok(isWorldName(long));
  assert.ok(isWorldName(overflowWorldName('ab-' + 'c'.repeat(20), 3)));
});
