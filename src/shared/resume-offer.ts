/**
 * A reconnecting client offers its resume token inside the WebSocket upgrade request, as a second
 * subprotocol (`resume.<token>.<lastChatSeq>`). The server can then answer with the resumed state
 * as soon as the socket opens: 2 round trips (TCP + upgrade) instead of 3. Browsers cannot set
 * headers on a WebSocket, and a URL query ends up in proxy logs; the subprotocol list is neither.
 * The server never echoes this entry back: it selects SUBPROTOCOL only.
 */
import { SUBPROTOCOL } from './protocol.js';

/**
 * Offered after the current version: version 3 only adds to 2, so a server not yet upgraded (a
 * rolling deploy reaches nodes one by one) still takes a new client instead of closing it.
 */
const ALSO_SPOKEN = ['tether.2'];

const PREFIX = 'resume.';

export interface ResumeOffer {
  readonly resumeToken: string;
  readonly lastChatSeq: number;
}

export function subprotocolsFor(offer: ResumeOffer | null): string[] {
  if (!offer) return [SUBPROTOCOL, ...ALSO_SPOKEN];
  return [SUBPROTOCOL, ...ALSO_SPOKEN, `${PREFIX}${offer.resumeToken}.${offer.lastChatSeq}`];
}

export function parseResumeOffer(protocols: Iterable<string>): ResumeOffer | null {
  for (const p of protocols) {
    if (!p.startsWith(PREFIX)) continue;
    const m = /^resume\.([A-Za-z0-9_-]{22,64})\.(\d{1,15})$/.exec(p);
    if (!m || !m[1] || !m[2]) return null;
    return { resumeToken: m[1], lastChatSeq: Number(m[2]) };
  }
  return null;
}
