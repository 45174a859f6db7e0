import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkName, nameKey } from './names.js';

test('accepts Chinese, Latin and emoji names, trimmed and normalised', () => {
  assert.deepEqual(checkName('  葬爱·3F9A  '), { ok: true, name: '葬爱·3F9A' });
  assert.deepEqual(checkName('Alice'), { ok: true, name: 'Alice' });
  assert.equal(checkName('🐉 dragon').ok, true);
  assert.equal(checkName('👨‍👩‍👧 family').ok, true, 'ZWJ inside an emoji sequence is part of the picture');
  assert.deepEqual(checkName('e\u0301'), { ok: true, name: 'é' });
});

test('refuses empty, too long, control, zero-width and bidi-override names', () => {
  for (const bad of ['', '   ', 'a'.repeat(17), '一二三四五六七八九十一二三四五六七', 'a\u0000b', 'a\nb', 'a\u200Bb', 'ab\u200D', 'a\u202Eb', 'a\u2066b', 'a\uFEFFb', 'a\tb']) {
    const r = checkName(bad);
    assert.equal(r.ok, false, JSON.stringify(bad));
    if (!r.ok) assert.ok(r.reason.length > 5);
  }
  assert.equal(checkName('a'.repeat(16)).ok, true);
  assert.equal(checkName('一二三四五六七八九十一二三四五六').ok, true);
});

test('look-alike names share a key', () => {
  assert.equal(nameKey('Alice'), nameKey('ALICE'));
  assert.equal(nameKey('Alice'), nameKey('A1ice'));
  assert.equal(nameKey('Alice'), nameKey('Аlice'), 'Cyrillic A');
  assert.equal(nameKey('Alice'), nameKey('Ａｌｉｃｅ'), 'fullwidth');
  assert.equal(nameKey('Alice'), nameKey('Alíce'), 'added accent');
  assert.equal(nameKey('葬爱'), '葬爱');
  assert.notEqual(nameKey('Alice'), nameKey('Alicia'));
});
