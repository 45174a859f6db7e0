import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameKey } from './name-key.js';
import { botName } from '../../bots/names.js';
import { createRng } from '../../shared/rng.js';

test('look-alike names share a key', () => {
  assert.equal(nameKey('Alice'), nameKey('ALICE'));
  assert.equal(nameKey('Alice'), nameKey('A1ice'));
  assert.equal(nameKey('Alice'), nameKey('Аlice'), 'Cyrillic A');
  assert.equal(nameKey('Alice'), nameKey('Ａｌｉｃｅ'), 'fullwidth');
  assert.equal(nameKey('Alice'), nameKey('Alíce'), 'added accent');
  assert.equal(nameKey('葬爱'), '葬爱');
  assert.notEqual(nameKey('Alice'), nameKey('Alicia'));
});

test('look-alikes from other scripts collide with their Latin twins (TR39 skeletons)', () => {
  const twins: Array<[string, string]> = [
    ['Paypal', 'Рауpal'], // Cyrillic Р, а, у
    ['ADMIN', 'АDМІN'], // Cyrillic А, М, І
    ['Bob', 'Β0b'], // Greek Beta, digit zero
    ['nico', 'nісо'], // Cyrillic і, с, о
    ['KEK', 'ΚΕΚ'], // Greek capitals
    ['Moon', 'Μооn'], // Greek Mu, Cyrillic о
    ['rn', 'm'],
    ['Alice', 'Alice\uFE0F'],
  ];
  for (const [latin, fake] of twins) assert.equal(nameKey(fake), nameKey(latin), `${fake} vs ${latin}`);
  // Different names stay different, in every script.
  const distinct = ['Alice', 'Bob', '葬爱', '葬愛', '김민준', 'Иван', 'Ωmega', '🐉 dragon', '🐲 dragon', 'สมชาย'];
  assert.equal(new Set(distinct.map(nameKey)).size, distinct.length);
});

test('bot names never collide, even folded', () => {
  const root = createRng(7);
  const keys = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const name = botName(root.fork(`bot.${i}`).fork('name'), i);
    const key = nameKey(name);
    assert.ok(!keys.has(key), `collision: ${name}`);
    keys.add(key);
  }
});
