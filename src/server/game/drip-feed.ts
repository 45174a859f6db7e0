/**
 * Control messages that would be too big to send at once (a chat replay, the rest of the roster
 * after a welcome) go out a slice per tick, riding each recipient's state frame (sendLater), at
 * most `bytesPerTick` per recipient. So a welcome in a crowded world, or a resume after a busy
 * chat, never lands on a socket as one burst that a phone's link (or the server's send buffers)
 * must swallow whole, and the cost of a request is spread over time.
 *
 * A source yields one encoded message at a time and says when it is done; it is asked for more
 * only while the recipient's budget for this tick lasts. A recipient has one queue of sources,
 * served in order; a new link for the same player replaces the queue (what was pending belonged
 * to the old connection's welcome).
 */
import type { LaterMessage, PlayerPort } from './player-port.js';

export interface DripSource {
  /** The next message, encoded; null when the source is done. */
  next(): Buffer | null;
  /** True once nothing is left (so the queue empties without another call). */
  readonly done?: boolean;
}

export interface DripTarget {
  readonly closed: boolean;
  sendLater(text: Buffer): void;
}

interface Queue {
  readonly target: DripTarget;
  readonly sources: DripSource[];
}

export class DripFeed {
  private readonly queues = new Map<number, Queue>();

  constructor(private readonly bytesPerTick: number) {}

  /** Queues `source` for `target`; a different target for the player drops what was queued. */
  add(playerId: number, target: DripTarget, source: DripSource): void {
    let q = this.queues.get(playerId);
    if (!q || q.target !== target) this.queues.set(playerId, (q = { target, sources: [] }));
    q.sources.push(source);
  }

  cancel(playerId: number): void {
    this.queues.delete(playerId);
  }

  /** Whether something is still queued for the player (what comes after must queue behind it). */
  pendingFor(playerId: number): boolean {
    return this.queues.has(playerId);
  }

  get pending(): number {
    return this.queues.size;
  }

  /** Called once per tick, before the state frames are sent. */
  pump(): void {
    for (const [id, q] of this.queues) {
      if (q.target.closed) {
        this.queues.delete(id);
        continue;
      }
      let budget = this.bytesPerTick;
      while (budget > 0 && q.sources.length > 0) {
        const msg = q.sources[0]!.next();
        if (msg === null) {
          q.sources.shift();
          continue;
        }
        q.target.sendLater(msg);
        budget -= msg.length;
        if (q.sources[0]!.done) q.sources.shift();
      }
      if (q.sources.length === 0) this.queues.delete(id);
    }
  }
}

/** A source over a list of already chosen items, encoded one by one as they leave. */
export function listSource<T>(items: readonly T[], encode: (item: T) => Buffer | null): DripSource {
  let i = 0;
  return {
    next() {
      while (i < items.length) {
        const out = encode(items[i++]!);
        if (out) return out;
      }
      return null;
    },
    get done() {
      return i >= items.length;
    },
  };
}

/**
 * A player's port as the fan-out sees it: while the drip feed still holds something for the
 * player (its replay, the rest of its roster), what the fan-out sends queues behind it, so a live
 * chat line cannot overtake the replayed ones (a client drops a seq not above the newest it has).
 */
export function behindDrip(feed: DripFeed, playerId: number, port: PlayerPort): PlayerPort {
  return {
    get connId() {
      return port.connId;
    },
    get remoteAddress() {
      return port.remoteAddress;
    },
    get addressKey() {
      return port.addressKey;
    },
    get protocolVersion() {
      return port.protocolVersion;
    },
    get closed() {
      return port.closed;
    },
    send: (message) => port.send(message),
    sendState: (frame, ackSeq) => port.sendState(frame, ackSeq),
    close: (code, reason) => port.close(code, reason),
    sendLater(message: LaterMessage) {
      if (!feed.pendingFor(playerId)) return port.sendLater(message);
      const bytes = typeof message === 'function' ? Buffer.from(message(), 'utf8') : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
      feed.add(playerId, port, listSource([bytes], (b) => b));
    },
  };
}
