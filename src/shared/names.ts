/**
 * Player-name rules, shared so the join screen can explain a refusal before the server does.
 * A name is NFC-normalised and trimmed, 1-16 user-perceived characters (grapheme clusters, so
 * "葬爱" is 2 and a flag emoji is 1), and holds no control, format (zero-width, bidi override),
 * line/paragraph separator or private-use characters. A zero-width joiner is allowed only
 * inside an emoji sequence, where it is part of the picture.
 */
import { NAME_MAX_CHARS } from './limits.js';

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string };

const EMOJI_ZWJ = /\p{Extended_Pictographic}\uFE0F?\u200D(?=\p{Extended_Pictographic})/gu;
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/u;
const ODD_SPACE = /[^\S ]/u;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemeCount(s: string): number {
  let n = 0;
  for (const _ of segmenter.segment(s)) n++;
  return n;
}

export function checkName(raw: string): NameCheck {
  const name = raw.normalize('NFC').trim().replace(/ {2,}/g, ' ');
  if (name.length === 0) return { ok: false, reason: 'Please enter a name.' };
  const withoutEmojiJoins = name.replace(EMOJI_ZWJ, (m) => m.replace('\u200D', ''));
  if (FORBIDDEN.test(withoutEmojiJoins)) {
    return { ok: false, reason: 'Names cannot contain control, invisible or text-direction characters.' };
  }
  if (ODD_SPACE.test(name)) return { ok: false, reason: 'Names can only contain ordinary spaces.' };
  const n = graphemeCount(name);
  if (n > NAME_MAX_CHARS) return { ok: false, reason: `Names are at most ${NAME_MAX_CHARS} characters (this one has ${n}).` };
  return { ok: true, name };
}

/**
 * A key under which look-alike names collide: accents dropped, compatibility-normalised (fullwidth "Ａ" is "A"),
 * case-folded, and a few common confusables (Latin/Cyrillic/Greek twins, 0/o, 1/l/i) folded
 * together. Not complete, but it stops the cheap impersonations.
 */
export function nameKey(name: string): string {
  // Decompose first so an added accent ("Alíce") is a separate mark that can be dropped.
  const s = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').normalize('NFKC').toLowerCase();
  let out = '';
  for (const ch of s) out += CONFUSABLE[ch] ?? ch;
  return out.replace(/\s+/g, ' ');
}

const CONFUSABLE: Record<string, string> = {
  '0': 'o', '1': 'l', i: 'l', '|': 'l', '5': 's', '$': 's',
  // Cyrillic and Greek letters that look like Latin ones.
  'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'l', 'ј': 'j', 'ѕ': 's',
  'α': 'a', 'ο': 'o', 'ρ': 'p', 'ν': 'v', 'ι': 'l', 'κ': 'k', 'τ': 't',
};
