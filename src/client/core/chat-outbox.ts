/**
 * Chat lines the player typed that the server has not acknowledged yet. Each line carries its
 * own id; the server posts a (player, id) once and acknowledges with an `echo` of the id, so a
 * line can be resent after every reconnect without ever showing twice.
 *
 * Pacing: lines typed while away reach the server all at once after the resume and can exceed
 * its chat rate. Those refusals (`slow_down` for a resent line) are retried one line at a time
 * when the server says, instead of failing; a line typed too fast while live fails visibly.
 */
import type { Clock, TimerHandle } from '../../shared/clock.js';

export interface OutgoingChat {
  readonly id: string;
  readonly text: string;
  status: 'pending' | 'sent' | 'failed';
  /** Set when the line is (re)sent from the outbox after a reconnect rather than as typed. */
  resent: boolean;
}

export interface ChatOutboxOptions {
  readonly clock: Clock;
  /** Puts a line on the wire; false when there is no live connection to take it. */
  readonly send: (id: string, text: string) => boolean;
  /** Whether the connection is live now (a paced retry waits for the next welcome otherwise). */
  readonly live: () => boolean;
  readonly random: () => number;
}

/** The server refills its bucket at one line a second (server/game/room-chat.ts). */
const PACED_RETRY_MS = 1000;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

export class ChatOutbox {
  private readonly entries = new Map<string, OutgoingChat>();
  private retry: TimerHandle | null = null;

  constructor(private readonly opts: ChatOutboxOptions) {}

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): OutgoingChat | undefined {
    return this.entries.get(id);
  }

  values(): IterableIterator<OutgoingChat> {
    return this.entries.values();
  }

  /** Queues an already checked line and sends it now if live. Returns its id. */
  add(text: string): string {
    const id = this.newId();
    const entry: OutgoingChat = { id, text, status: 'pending', resent: false };
    this.entries.set(id, entry);
    if (this.opts.live() && this.opts.send(id, text)) entry.status = 'sent';
    return id;
  }

  /** A welcome: every line still here is sent again with its original id. */
  resendAll(): void {
    for (const entry of this.entries.values()) {
      entry.resent = true;
      if (this.opts.send(entry.id, entry.text)) entry.status = 'sent';
    }
  }

  /** The server echoed the line: it is posted. */
  acknowledged(id: string): void {
    this.entries.delete(id);
  }

  /**
   * The server refused a line. Returns 'paced' when it will be retried (a resent line over the
   * rate), 'failed' when it is dropped (the caller shows it), 'unknown' for an id not held here.
   */
  rejected(id: string, reason: string, retryAfterMs: number | undefined): 'paced' | 'failed' | 'unknown' {
    const entry = this.entries.get(id);
    if (!entry) return 'unknown';
    if (entry.resent && reason === 'slow_down') {
      entry.status = 'pending';
      this.retryAfter(retryAfterMs ?? PACED_RETRY_MS);
      return 'paced';
    }
    entry.status = 'failed';
    this.entries.delete(id);
    return 'failed';
  }

  /** The client stopped for good (left, refused): nothing more will be sent. */
  failAll(): void {
    this.cancelRetry();
    for (const entry of this.entries.values()) entry.status = 'failed';
  }

  cancelRetry(): void {
    if (this.retry !== null) this.opts.clock.clearTimeout(this.retry);
    this.retry = null;
  }

  private retryAfter(ms: number): void {
    if (this.retry !== null) return;
    this.retry = this.opts.clock.setTimeout(() => {
      this.retry = null;
      if (!this.opts.live()) return; // the next welcome resends
      for (const entry of this.entries.values()) {
        if (entry.status !== 'pending') continue;
        if (this.opts.send(entry.id, entry.text)) entry.status = 'sent';
        // One line per retry: the bucket refills at one line a second.
        break;
      }
      if ([...this.entries.values()].some((e) => e.status === 'pending')) this.retryAfter(PACED_RETRY_MS);
    }, ms);
  }

  private newId(): string {
    let id = '';
    for (let i = 0; i < 16; i++) id += ID_ALPHABET[Math.floor(this.opts.random() * 64)];
    return id;
  }
}
