import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkName } from './names.js';

test('accepts Chinese, Latin and emoji names, trimmed and normalised', () => {
  assert.deepEqual(checkName('  葬爱·3F9A  '), { ok: true, name: '葬爱·3F9A' });
  assert.deepEqual(checkName('Alice'), { ok: true, name: 'Alice' });
  assert.equal(checkName('🐉 dragon').ok, true);
  assert.equal(checkName('👨‍👩‍👧 family').ok, true, 'ZWJ inside an emoji sequence is part of the picture');
  assert.deepEqual(checkName('e\u0301'), { ok: true, name: 'é' });
  assert.equal(checkName('❤️ heart').ok, true, 'VS16 after an emoji is part of the picture');
  assert.equal(checkName('สมชาย ตั้ง').ok, true, 'Thai: two marks on one letter');
  assert.equal(checkName('सिंह स्त्री').ok, true, 'Hindi');
  assert.equal(checkName('김민준').ok, true, 'Korean');
});

test('refuses invisible-only names, invisible characters and stacked marks, with a reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['\uFE0F', /invisible/],
    ['a\uFE0F', /invisible/],
    ['\u3164', /invisible/],
    ['Bob\u3164', /invisible/],
    ['\u2800', /ordinary spaces/],
    ['Bob\u2800', /ordinary spaces/],
    ['\u17B4', /invisible/],
    ['\u180B', /invisible/],
    ['\uFFA0', /invisible/],
    ['\u034F', /invisible/],
    ['\u0301\u0301', /visible/],
    ['x' + '\u0301'.repeat(4), /at most 3/],
    ['a' + '\u0301'.repeat(245), /at most 3/],
  ];
  for (const [bad, reason] of cases) {
    const r = checkName(bad);
    assert.equal(r.ok, false, JSON.stringify(bad));
    if (!r.ok) assert.match(r.reason, reason, JSON.stringify(bad));
  }
  assert.equal(checkName('x' + '\u0301'.repeat(3)).ok, true, 'three marks are allowed');
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
