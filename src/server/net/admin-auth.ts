/**
 * Who may read the operator endpoints (/status, /status.json, /metrics): whoever presents the
 * admin token, as `Authorization: Bearer TOKEN` (Prometheus, curl) or as the password of HTTP
 * Basic authentication (any user name), which is what lets a browser open /status: it asks
 * for the password once and sends it with the page's own polling. Without a configured token
 * the endpoints are refused: they show who plays, from where, and how the server is doing.
 *
 * One listener rather than a separate admin port: it works unchanged behind a reverse proxy or a
 * tunnel, and there is no second port to firewall or forget.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type AdminVerdict = 'ok' | 'no_token_configured' | 'unauthorized';

export class AdminAuth {
  private readonly digest: Buffer | null;

  constructor(token: string) {
    this.digest = token ? sha256(token) : null;
  }

  check(req: IncomingMessage): AdminVerdict {
    if (!this.digest) return 'no_token_configured';
    const given = presentedToken(req.headers.authorization);
    // Compared as digests: equal length, and no timing hint about the token.
    if (given !== null && timingSafeEqual(sha256(given), this.digest)) return 'ok';
    return 'unauthorized';
  }
}

function presentedToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(\w+)\s+(.+)$/.exec(header.trim());
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'bearer') return m[2]!;
  if (scheme !== 'basic') return null;
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
