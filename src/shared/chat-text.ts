/**
 * Chat text rules, shared so the client can refuse before sending what the server would refuse.
 * Text is NFC-normalised, trimmed, and stripped of control characters (replaced by a space) and
 * format characters (removed: zero-width, bidi controls, U+061C, ... can reorder or hide what
 * others see), except a zero-width joiner inside an emoji sequence. Lone surrogates are refused
 * (`invalid`, they are not text), and so are more than MAX_MARKS_IN_A_ROW combining marks on one
 * character. A line is at most CHAT_MAX_CHARS user-perceived characters and CHAT_MAX_BYTES bytes
 * of UTF-8 (`too_long`).
 *
 * Cheap on purpose (it runs on the server's main thread for every line): the byte cap first (on
 * the line as sent), ASCII lines skip the Unicode passes, and the grapheme segmenter runs only
 * for lines of more than CHAT_MAX_CHARS code points (a line with no more code points than that
 * has no more characters).
 */
import { CHAT_MAX_BYTES, CHAT_MAX_CHARS, MAX_MARKS_IN_A_ROW } from './limits.js';
import { graphemeCount } from './names.js';

export type ChatTextCheck = { ok: true; text: string } | { ok: false; reason: 'empty' | 'too_long' | 'invalid' };

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
/** Format characters, but not a zero-width joiner between two pictographs (part of an emoji). */
const FORMAT = /(?!\u200D)\p{Cf}|(?<!\p{Extended_Pictographic}[\uFE0E\uFE0F]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
/** Lone surrogates, format characters, combining marks: what the slower passes look for. */
const SPECIAL = /[\p{Cs}\p{Cf}\p{M}]/u;
const MARK_RUN = new RegExp(`\\p{M}{${MAX_MARKS_IN_A_ROW + 1}}`, 'u');
const SPACES = /\s{2,}/g;

export function checkChatText(raw: string): ChatTextCheck {
  // Stripping only makes a line shorter, so a line over the byte cap as sent is over it: refused
  // before any other work (the client runs the same check, so this never surprises it). A UTF-16
  // unit is at least one byte.
  if (raw.length > CHAT_MAX_BYTES) return { ok: false, reason: 'too_long' };
  const rawBytes = utf8Bytes(raw);
  if (rawBytes > CHAT_MAX_BYTES) return { ok: false, reason: 'too_long' };
  // One scan says whether the slower passes have anything to do (most lines: no).
  const special = rawBytes !== raw.length && SPECIAL.test(raw);
  if (special && LONE_SURROGATE.test(raw)) return { ok: false, reason: 'invalid' };
  let text = rawBytes === raw.length ? raw : raw.normalize('NFC');
  if (special) text = text.replace(FORMAT, '');
  text = text.replace(CONTROL, ' ').replace(SPACES, ' ').trim();
  if (text.length === 0) return { ok: false, reason: 'empty' };
  if (special && MARK_RUN.test(text)) return { ok: false, reason: 'invalid' };
  // No more code points than the limit: no more characters either, and no segmenting (the
  // segmenter costs ~7 µs per emoji).
  if (text.length > CHAT_MAX_CHARS && codePoints(text) > CHAT_MAX_CHARS && graphemeCount(text) > CHAT_MAX_CHARS) return { ok: false, reason: 'too_long' };
  return { ok: true, text };
}

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
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
