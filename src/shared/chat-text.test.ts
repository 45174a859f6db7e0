import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkChatText, utf8Bytes } from './chat-text.js';
import { CHAT_MAX_BYTES, CHAT_MAX_CHARS } from './limits.js';

test('format characters are removed, controls become spaces, an emoji keeps its joiner', () => {
  assert.deepEqual(checkChatText('x\u061Cy \u202Eevil\u202C \u2066iso\u2069 a\u200Bb \u00ADsoft'), { ok: true, text: 'xy evil iso ab soft' });
  assert.deepEqual(checkChatText('one\u0000two\nthree\u2028four'), { ok: true, text: 'one two three four' });
  assert.deepEqual(checkChatText('👨‍👩‍👧 family ❤️‍🔥'), { ok: true, text: '👨‍👩‍👧 family ❤️‍🔥' });
  assert.deepEqual(checkChatText('a\u200Db \u200D👨'), { ok: true, text: 'ab 👨' });
  assert.deepEqual(checkChatText('\u200B\u202E\u061C'), { ok: false, reason: 'empty' });
});

test('lone surrogates and stacked marks are invalid', () => {
  for (const bad of ['\uD800', 'abc\uDC00', 'x\uDBFFy', 'x' + '\u0301'.repeat(4), 'Z' + '\u0336\u0334\u0335\u0337'.repeat(60)]) {
    assert.deepEqual(checkChatText(bad), { ok: false, reason: 'invalid' }, JSON.stringify(bad).slice(0, 40));
  }
  assert.equal(checkChatText('😀 a pair is fine').ok, true);
  assert.equal(checkChatText('ตั้ง สิ่ง').ok, true, 'Thai stacks two marks');
});

test('a line is capped in characters and in UTF-8 bytes', () => {
  assert.equal(checkChatText('葬'.repeat(CHAT_MAX_CHARS)).ok, true, '200 CJK characters = 600 bytes');
  assert.equal(checkChatText('😀'.repeat(CHAT_MAX_CHARS)).ok, true, '200 emoji = 800 bytes');
  assert.deepEqual(checkChatText('x'.repeat(CHAT_MAX_CHARS + 1)), { ok: false, reason: 'too_long' });
  // 40 family emoji: 40 characters but 1,000+ bytes (the "200 characters, 2.4 KB").
  const families = '👨‍👩‍👧‍👦'.repeat(41);
  assert.ok(utf8Bytes(families) > CHAT_MAX_BYTES);
  assert.deepEqual(checkChatText(families), { ok: false, reason: 'too_long' });
  for (const s of ['abc', 'é', '葬', '😀', '👨‍👩‍👧‍👦 x']) assert.equal(utf8Bytes(s), Buffer.byteLength(s), s);
});
