/**
 * Chat text rules, shared so the client can refuse before sending what the server would refuse.
 * Text is NFC-normalised, trimmed, and stripped of control characters (replaced by a space) and
 * format characters (removed: zero-width, bidi controls, U+061C, ... can reorder or hide what
 * others see), except a zero-width joiner inside an emoji sequence. Lone surrogates are refused
 * (`invalid`, they are not text), and so are more than MAX_MARKS_IN_A_ROW combining marks on one
 * character. A line is at most CHAT_MAX_CHARS user-perceived characters and CHAT_MAX_BYTES bytes
 * of UTF-8 (`too_long`).
 *
 * Cheap on purpose (it runs on the server's main thread for every line): regular expressions
 * that scan once, and the grapheme segmenter only for lines longer than CHAT_MAX_CHARS UTF-16
 * units, since a line no longer than that has no more characters than that.
 */
import { CHAT_MAX_BYTES, CHAT_MAX_CHARS, MAX_MARKS_IN_A_ROW } from './limits.js';
import { graphemeCount } from './names.js';

export type ChatTextCheck = { ok: true; text: string } | { ok: false; reason: 'empty' | 'too_long' | 'invalid' };

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
/** Format characters, but not a zero-width joiner between two pictographs (part of an emoji). */
const FORMAT = /(?!\u200D)\p{Cf}|(?<!\p{Extended_Pictographic}[\uFE0E\uFE0F]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
const MARK_RUN = new RegExp(`\\p{M}{${MAX_MARKS_IN_A_ROW + 1}}`, 'u');
const SPACES = /\s{2,}/g;

export function checkChatText(raw: string): ChatTextCheck {
  if (LONE_SURROGATE.test(raw)) return { ok: false, reason: 'invalid' };
  // Far over the limit: no stripping can bring it under, so do no more work on it.
  if (raw.length > CHAT_MAX_BYTES * 2) return { ok: false, reason: 'too_long' };
  let text = raw.normalize('NFC').replace(CONTROL, ' ');
  text = text.replace(FORMAT, '');
  text = text.replace(SPACES, ' ').trim();
  if (text.length === 0) return { ok: false, reason: 'empty' };
  if (MARK_RUN.test(text)) return { ok: false, reason: 'invalid' };
  if (utf8Bytes(text) > CHAT_MAX_BYTES) return { ok: false, reason: 'too_long' };
  if (text.length > CHAT_MAX_CHARS && graphemeCount(text) > CHAT_MAX_CHARS) return { ok: false, reason: 'too_long' };
  return { ok: true, text };
}

/** UTF-8 size without encoding (TextEncoder would allocate); the text has no lone surrogates. */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
