/**
 * Proof that a client reads what it is sent, to cut one that does not within seconds.
 *
 * What the server can see of a socket's backlog (ws's bufferedAmount, the socket's
 * writableLength) is only what Node holds. A client that stops reading first fills the kernel's
 * buffers on both ends, megabytes on loopback, and Node's count stays at zero all that time: the
 * old bound (a backlog over 512 KiB in Node) took ~4.5 MiB and 45 s to trip. Node exposes neither
 * SO_SNDBUF nor the socket's unacknowledged byte count, so the proof comes from the client:
 * after every PROBE_EVERY_BYTES (or PROBE_EVERY_MS, whichever comes first) the link sends a
 * WebSocket ping with a random payload, in the same socket write as a state frame (no extra
 * system call; client-link.ts). Its pong
 * can only come back once the client has read every byte before the ping, and it cannot be
 * forged without reading the ping. Browsers answer pings by themselves, in background tabs too.
 *
 * A link whose probe has gone unanswered for SLOW_READER_MS is a slow reader: it has not read
 * bytes it was sent that long ago; so is one with UNREAD_LIMIT_BYTES unread and a probe out for
 * a second (a reader that keeps up answers within its round trip). The gateway judges once a
 * second, so a non-reader is cut after 2-3 s on a busy link and 5-7 s on a quiet one.
 */
import { randomBytes } from 'node:crypto';

export const PROBE_EVERY_BYTES = 64 * 1024;
/** A link that has been sent anything gets a probe at least this often (a quiet world). */
export const PROBE_EVERY_MS = 2000;
export const SLOW_READER_MS = 4000;
/** A fast stream is judged sooner: this much unread with a probe out for a second is enough. */
export const UNREAD_LIMIT_BYTES = 512 * 1024;
const FAST_VERDICT_MS = 1000;
export const PROBE_PAYLOAD_BYTES = 8;

export class ReadProbe {
  /** The link's bytesOut up to which the client has proven it read. */
  private provenBytes = 0;
  private lastProbeMs = -Infinity;
  private pending: { readonly nonce: Buffer; readonly bytes: number; readonly sentMs: number } | null = null;

  /** A ping payload to send now, when enough has been sent since the last proof and none is out. */
  due(bytesOut: number, nowMs: number): Buffer | null {
    const unproven = bytesOut - this.provenBytes;
    if (this.pending || unproven === 0) return null;
    if (unproven < PROBE_EVERY_BYTES && nowMs - this.lastProbeMs < PROBE_EVERY_MS) return null;
    this.lastProbeMs = nowMs;
    const nonce = randomBytes(PROBE_PAYLOAD_BYTES);
    this.pending = { nonce, bytes: bytesOut, sentMs: nowMs };
    return nonce;
  }

  /** A pong arrived; true when it answered the probe (the client read up to it). */
  answered(payload: Buffer): boolean {
    if (!this.pending || payload.length !== PROBE_PAYLOAD_BYTES || !payload.equals(this.pending.nonce)) return false;
    this.provenBytes = this.pending.bytes;
    this.pending = null;
    return true;
  }

  /** Set when the client has not proven a read for SLOW_READER_MS: what it left unread, and for how long. */
  overdue(bytesOut: number, nowMs: number): { unreadBytes: number; waitedMs: number } | null {
    if (!this.pending) return null;
    const waitedMs = nowMs - this.pending.sentMs;
    const unreadBytes = bytesOut - this.provenBytes;
    if (waitedMs >= SLOW_READER_MS || (waitedMs >= FAST_VERDICT_MS && unreadBytes >= UNREAD_LIMIT_BYTES)) return { unreadBytes, waitedMs };
    return null;
  }
}
