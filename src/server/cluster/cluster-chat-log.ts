/**
 * The game's ChatLog for one world of a cluster node: lines are numbered and deduplicated in
 * Redis (world-chat-stream.ts: gapless seq and client line ids in one fenced step, so a line
 * resent to whichever node runs the world next is posted once), kept in a window here for
 * replay, and copied to PostgreSQL for good: with the world's next checkpoint (the owner takes
 * them with `takeUnwritten`, at most a second later), or at once by `flush` when the world
 * stops here (chat-history.ts). Until then Redis holds them.
 *
 * Posts of one world go to Redis one after another, so they resolve in the order they were made
 * and the window is always the log's tail. A post that finds the world's lease missing (Redis
 * restarted) waits until the owner has claimed the world again (`resume()`), then goes on; if
 * the world stops here instead, it fails and the client resends the line wherever it goes next.
 */
import type { Clock } from '../../shared/clock.js';
import { linesAfter, type ChatLog, type ChatPost, type NewChatLine } from '../chat/chat-log.js';
import type { Logger } from '../logger.js';
import type { StoredChatLine } from '../store/store.js';
import type { ChatHistory } from './chat-history.js';
import { FencedWriteError, LeaseMissingError } from './fence.js';
import type { WorldChatStream } from './world-chat-stream.js';
import type { WorldFence } from './world-fence.js';

export interface ClusterChatLogOptions {
  readonly stream: WorldChatStream;
  readonly history: ChatHistory;
  readonly fence: WorldFence;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Lines kept here for replay. */
  readonly memoryLimit: number;
  readonly onFenced: (err: FencedWriteError) => void;
}

export class ClusterChatLog implements ChatLog {
  private readonly window: StoredChatLine[] = [];
  private seq = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private unwritten: StoredChatLine[] = [];
  private flushing: Promise<void> = Promise.resolve();
  /** Posts waiting for the lease to be claimed again. */
  private leaseBack: { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } | null = null;
  private closed = false;

  constructor(private readonly opts: ClusterChatLogOptions) {}

  /**
   * Fills the window from Redis; if Redis knows less of the world's chat than PostgreSQL (it
   * restarted empty), puts the durable history back first.
   */
  async load(): Promise<void> {
    const { stream, history, fence, memoryLimit } = this.opts;
    const [redisLast, durableLast] = await Promise.all([stream.lastSeq(fence.world), history.lastSeq(fence.world)]);
    if (redisLast < durableLast) {
      const newest = await history.after(fence.world, 0, memoryLimit);
      const n = await stream.restore(fence.now(), durableLast, newest);
      this.opts.logger.log('info', 'chat_restored', { world: fence.world, lines: n, lastSeq: durableLast });
    }
    const lines = await stream.after(fence.world, 0, memoryLimit);
    this.window.splice(0, this.window.length, ...lines);
    this.seq = Math.max(lines.at(-1)?.seq ?? 0, redisLast, durableLast);
  }

  get lastSeq(): number {
    return this.seq;
  }

  post(entry: NewChatLine): Promise<ChatPost> {
    const result = this.tail.then(() => this.append(entry));
    this.tail = result.catch(() => {});
    return result;
  }

  after(seq: number, limit: number): readonly StoredChatLine[] {
    return linesAfter(this.window, seq, limit);
  }

  /** The owner holds the world's lease again (a continuing claim): waiting posts go on. */
  async resume(): Promise<void> {
    await this.load();
    const waiting = this.leaseBack;
    this.leaseBack = null;
    waiting?.resolve();
  }

  /** Lines not yet in PostgreSQL, handed to the checkpoint that writes them (given back if it fails). */
  takeUnwritten(): StoredChatLine[] {
    const lines = this.unwritten;
    this.unwritten = [];
    return lines;
  }

  /** A checkpoint that carried these lines failed (not fenced): they go with the next one. */
  giveBack(lines: readonly StoredChatLine[]): void {
    this.unwritten = [...lines, ...this.unwritten];
  }

  /** Writes what is not yet in PostgreSQL at once (the world moves, or the node stops). */
  async flush(): Promise<void> {
    this.flushing = this.flushing.catch(() => {}).then(() => this.writeBatch());
    await this.flushing;
  }

  /** The world stopped here: posts still waiting fail (their clients resend them elsewhere). */
  close(): void {
    this.closed = true;
    this.leaseBack?.reject(new Error('the world stopped on this node'));
    this.leaseBack = null;
  }

  private async append(entry: NewChatLine): Promise<ChatPost> {
    for (;;) {
      if (this.closed) throw new Error('the world stopped on this node');
      try {
        const posted = await this.opts.stream.append(this.opts.fence.now(), entry);
        if (posted.fresh) this.remember(posted.line);
        return posted;
      } catch (err) {
        if (err instanceof FencedWriteError) {
          this.opts.onFenced(err);
          throw err;
        }
        if (!(err instanceof LeaseMissingError)) throw err;
        await this.waitForLease();
      }
    }
  }

  private waitForLease(): Promise<void> {
    if (!this.leaseBack) {
      let resolve!: () => void;
      let reject!: (err: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.leaseBack = { promise, resolve, reject };
    }
    return this.leaseBack.promise;
  }

  private remember(line: StoredChatLine): void {
    this.window.push(line);
    if (this.window.length > this.opts.memoryLimit) this.window.shift();
    this.seq = Math.max(this.seq, line.seq);
    this.unwritten.push(line);
  }

  private async writeBatch(): Promise<void> {
    const batch = this.takeUnwritten();
    if (batch.length === 0) return;
    try {
      await this.opts.history.append(this.opts.fence.now(), batch);
    } catch (err) {
      if (err instanceof FencedWriteError) {
        this.opts.onFenced(err);
        return;
      }
      this.giveBack(batch);
      this.opts.logger.log('warn', 'chat_history_failed', { world: this.opts.fence.world, lines: batch.length, err: String(err) });
      throw err;
    }
  }
}
