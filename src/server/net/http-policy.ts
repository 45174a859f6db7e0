/**
 * What every HTTP response carries and which Host names the server answers to.
 *
 * Security headers: the page loads only its own scripts, styles, images (and data: URLs, the
 * favicon), talks only to its own origin (the WebSocket included: 'self' covers ws: and wss: on
 * the same host in current browsers), and cannot be framed, so no other site can overlay it.
 *
 * Host: a page under DNS rebinding runs on the attacker's name but reaches this server, and the
 * browser treats it as same-origin with it. Checking Host against the names the server is
 * known by defeats that. IP literals are always allowed (rebinding needs a name: a page whose
 * origin is an IP address really is on that address), as are localhost names, the name the
 * server is bound to, and the names the operator configures (--public-url, --allowed-hosts).
 */
import { isIP } from 'node:net';
import type { ServerResponse } from 'node:http';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/**
 * A cluster node's page may open its WebSocket on another node (`moved`). Which nodes exist
 * changes while a page lives (and the page may come from the service worker's cache, headers and
 * all), so the policy allows WebSockets anywhere; the client itself follows only the node URLs
 * the cluster lists (docs/protocol.md, "Worlds and moving"). Scripts stay 'self' only.
 */
export const CLUSTER_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("connect-src 'self'", "connect-src 'self' ws: wss:");

/** Set before any route runs, so static files, errors and status pages all get them. */
export function applySecurityHeaders(res: ServerResponse, cluster = false): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  if (cluster) res.setHeader('content-security-policy', CLUSTER_CONTENT_SECURITY_POLICY);
}

export class HostPolicy {
  private readonly names: ReadonlySet<string>;

  /** `names`: host names (no port) the server is reached by, besides IPs and localhost. */
  constructor(names: readonly string[]) {
    this.names = new Set(names.map(normalName).filter((n) => n !== ''));
  }

  allows(hostHeader: string | undefined): boolean {
    // HTTP/1.0 clients may omit it; browsers always send it (and node refuses an HTTP/1.1
    // request without one).
    if (hostHeader === undefined) return true;
    const name = hostnameOf(hostHeader);
    if (name === null) return false;
    if (isIP(name)) return true;
    if (name === 'localhost' || name.endsWith('.localhost')) return true;
    return this.names.has(name);
  }
}

/** "Example.COM:5000" -> "example.com", "[::1]:80" -> "::1"; null when malformed. */
function hostnameOf(host: string): string | null {
  const h = host.trim();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0 || !/^(:\d*)?$/.test(h.slice(end + 1))) return null;
    return h.slice(1, end);
  }
  const colon = h.lastIndexOf(':');
  if (colon >= 0 && !/^\d*$/.test(h.slice(colon + 1))) return null;
  const name = colon >= 0 ? h.slice(0, colon) : h;
  if (!/^[a-z0-9.-]+$/i.test(name)) return null;
  return normalName(name);
}

function normalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The host names a server configuration implies: its bind name, --public-url's host, --allowed-hosts. */
export function configuredHostNames(bindHost: string, publicUrl: string, allowedHosts: readonly string[]): string[] {
  const names = [...allowedHosts];
  if (!isIP(bindHost) && bindHost !== '') names.push(bindHost);
  if (publicUrl) names.push(new URL(publicUrl).hostname);
  return names;
}
