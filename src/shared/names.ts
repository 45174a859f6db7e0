/**
 * Player-name rules, shared so the join screen can explain a refusal before the server does.
 * A name is NFC-normalised and trimmed, 1-16 user-perceived characters (grapheme clusters, so
 * "葬爱" is 2 and a flag emoji is 1), and holds no control, format (zero-width, bidi override),
 * line/paragraph separator, private-use or other default-ignorable (invisible) characters, and
 * at least one visible one. A zero-width joiner is allowed only inside an emoji sequence and a
 * variation selector only after an emoji, where they are part of the picture. Uniqueness is
 * checked on a folded key (name-key.ts, server side), not here.
 */
import { MAX_MARKS_IN_A_ROW, NAME_MAX_CHARS } from './limits.js';

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string };

const EMOJI_ZWJ = /\p{Extended_Pictographic}[\uFE0E\uFE0F]?\u200D(?=\p{Extended_Pictographic})/gu;
const EMOJI_VARIATION = /(\p{Emoji})[\uFE0E\uFE0F]/gu;
/**
 * Controls, format characters, separators, private use, lone surrogates, unassigned, and every
 * default-ignorable code point (they draw nothing: U+3164 Hangul filler, U+17B4, U+180B, VS16
 * on a letter, ...).
 */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}\p{Default_Ignorable_Code_Point}]/u;
/** Any space but U+0020, and the braille blank (U+2800), which looks like one. */
const ODD_SPACE = /[^\S ]|\u2800/u;
const MARK_RUN = new RegExp(`\\p{M}{${MAX_MARKS_IN_A_ROW + 1}}`, 'u');
const VISIBLE = /[^\p{M}\s]/u;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemeCount(s: string): number {
  let n = 0;
  for (const _ of segmenter.segment(s)) n++;
  return n;
}

export function checkName(raw: string): NameCheck {
  const name = raw.normalize('NFC').trim().replace(/ {2,}/g, ' ');
  if (name.length === 0) return { ok: false, reason: 'Please enter a name.' };
  const withoutEmojiParts = name.replace(EMOJI_ZWJ, (m) => m.replace('\u200D', '')).replace(EMOJI_VARIATION, '$1');
  if (FORBIDDEN.test(withoutEmojiParts)) {
    return { ok: false, reason: 'Names cannot contain control, invisible or text-direction characters.' };
  }
  if (ODD_SPACE.test(name)) return { ok: false, reason: 'Names can only contain ordinary spaces.' };
  if (!VISIBLE.test(name)) return { ok: false, reason: 'Names need at least one visible letter, digit or symbol.' };
  if (MARK_RUN.test(name)) return { ok: false, reason: `Names can have at most ${MAX_MARKS_IN_A_ROW} accents or marks on one character.` };
  const n = graphemeCount(name);
  if (n > NAME_MAX_CHARS) return { ok: false, reason: `Names are at most ${NAME_MAX_CHARS} characters (this one has ${n}).` };
  return { ok: true, name };
}
