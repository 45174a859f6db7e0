/**
 * Who a request comes from. The TCP peer, unless the peer is a proxy the operator trusts
 * (`--trust-proxy`): then the forwarding header it appends is read from the right, skipping
 * trusted hops, and the first untrusted hop is the client. Everything left of that was written by
 * the client itself and proves nothing.
 *
 * Limits count addresses by `addressKey`: an IPv4 address, or an IPv6 /64 (one subscriber usually
 * gets a whole /64, so counting single IPv6 addresses lets one client rotate past any limit).
 */
import { BlockList, isIP } from 'node:net';

export type ForwardedHeader = 'x-forwarded-for' | 'forwarded';

export class ProxyTrust {
  private readonly list = new BlockList();
  readonly size: number;

  /** Entries are addresses or CIDR ranges, IPv4 or IPv6; throws on anything else. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [addr, bits, extra] = entry.split('/');
      const family = isIP(addr ?? '');
      if (!family || extra !== undefined) throw new Error(`trusted proxy "${entry}" is not an address or CIDR range`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) {
        this.list.addAddress(addr!, type);
        continue;
      }
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`trusted proxy "${entry}" has a bad prefix length`);
      this.list.addSubnet(addr!, prefix, type);
    }
    this.size = entries.length;
  }

  trusts(addr: string): boolean {
    if (this.size === 0) return false;
    const plain = unmapped(addr);
    const family = isIP(plain);
    if (!family) return false;
    return this.list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** The client's address for a request whose TCP peer is `peer`. */
export function clientAddress(peer: string | undefined, headers: Readonly<Record<string, string | string[] | undefined>>, trust: ProxyTrust, header: ForwardedHeader = 'x-forwarded-for'): string {
  let addr = unmapped(peer ?? 'unknown');
  if (!trust.trusts(addr)) return addr;
  const raw = headers[header];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  if (!value) return addr;
  const hops = header === 'forwarded' ? forwardedFor(value) : value.split(',').map((s) => s.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hopAddress(hops[i]!);
    // A trusted proxy that could not say who it talked to ("unknown", garbage): the proxy is
    // the best we know.
    if (hop === null) return addr;
    addr = hop;
    if (!trust.trusts(addr)) return addr;
  }
  return addr;
}

/** The `for=` values of a Forwarded header (RFC 7239), in order. */
function forwardedFor(value: string): string[] {
  const out: string[] = [];
  for (const element of value.split(',')) {
    let found = '';
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
      found = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    out.push(found);
  }
  return out;
}

/** An address from a forwarding hop: "1.2.3.4", "1.2.3.4:80", "2001:db8::1", "[2001:db8::1]:80". */
function hopAddress(hop: string): string | null {
  let s = hop;
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracket) s = bracket[1]!;
  else if (/^[\d.]+:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  s = unmapped(s);
  return isIP(s) ? s : null;
}

/** "::ffff:1.2.3.4" is the IPv4 client 1.2.3.4 on a dual-stack socket. */
function unmapped(addr: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  return m ? m[1]! : addr;
}

/** The unit limits count: an IPv4 address or an IPv6 /64 ("2001:db8:1:2::/64"). */
export function addressKey(addr: string): string {
  const plain = unmapped(addr);
  if (isIP(plain) !== 6) return plain;
  const groups = expandIPv6(plain);
  if (!groups) return plain;
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, an IPv4 tail folded in). */
function expandIPv6(addr: string): number[] | null {
  let s = addr.split('%')[0]!.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...Array<string>(Math.max(0, fill)).fill('0'), ...tail];
  if (all.length !== 8) return null;
  return all.map((g) => parseInt(g, 16));
}
