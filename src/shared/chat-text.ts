/**
 * Chat text rules, shared so the client can refuse before sending what the server would refuse.
 * Text is NFC-normalised, trimmed, stripped of control and invisible format characters (they
 * can reorder or hide what others see) and limited to CHAT_MAX_CHARS user-perceived characters.
 */
import { CHAT_MAX_CHARS } from './limits.js';
import { graphemeCount } from './names.js';

export type ChatTextCheck = { ok: true; text: string } | { ok: false; reason: 'empty' | 'too_long' };

const STRIP = /[\p{Cc}\p{Zl}\p{Zp}\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/gu;

export function checkChatText(raw: string): ChatTextCheck {
  const text = raw.normalize('NFC').replace(STRIP, ' ').replace(/\s{2,}/g, ' ').trim();
  if (text.length === 0) return { ok: false, reason: 'empty' };
  if (graphemeCount(text) > CHAT_MAX_CHARS) return { ok: false, reason: 'too_long' };
  return { ok: true, text };
}
