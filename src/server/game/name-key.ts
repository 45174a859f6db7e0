/**
 * The key under which look-alike names collide, for uniqueness: two names with one key are one
 * name. Server side (names.ts has the shared rules): it carries the Unicode confusables table
 * (about 100 KB), which the browser never needs.
 *
 * Steps: compatibility-normalised (fullwidth "Ａ" is "A"), invisible code points dropped, the
 * Unicode TR39 skeleton (NFD, every character replaced by its prototype in confusables.txt, as
 * shipped by the unhomoglyph package), lower-cased, the skeleton again, lower-cased again (the
 * prototypes of "0" and "1" are "O" and "l"), accents dropped ("Alíce" is "Alice"), and "i"
 * folded into "l" (lower-casing turned the "I"/"l" confusion into "i"/"l").
 *
 * NAME_KEY_VERSION names this function: stored keys made by another version are recomputed at
 * start-up (see ProfileStore.rekey).
 */
import unhomoglyph from 'unhomoglyph';

export const NAME_KEY_VERSION = 2;

const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;
const DIACRITICS = /[\u0300-\u036f]/g;

/** TR39: skeleton(X) = NFD(map each character of NFD(X) to its prototype). */
function skeleton(s: string): string {
  return unhomoglyph(s.normalize('NFD')).normalize('NFD');
}

export function nameKey(name: string): string {
  const visible = name.normalize('NFKC').replace(INVISIBLE, '');
  // Before lower-casing (Cyrillic "М" is "M", its small "м" is not "m"), and after (so "ADMIN" and
  // "admin" meet: "m" is "rn").
  const folded = skeleton(skeleton(visible).toLowerCase()).toLowerCase();
  return folded.replace(DIACRITICS, '').replace(/i/g, 'l').replace(/\s+/g, ' ').normalize('NFC');
}
