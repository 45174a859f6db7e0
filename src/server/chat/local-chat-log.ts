/**
 * The chat log in this process (single-process mode): a single sequence of lines numbered by `seq`, strictly increasing across
 * restarts (it continues from the database). The newest lines stay in memory for replay to
 * players who resume; every line is also written to storage so history survives a restart.
 *
 * Exactly-once on the way in: a client tags each line with its own id and resends unacknowledged
 * lines after a reconnect; a repeated (player, id) returns the line already posted instead of
 * posting it again. Exactly-once on the way out: clients ask for lines after the last seq they
 * hold and drop any seq they have already seen.
 */
import type { ChatStore, StoredChatLine } from '../store/store.js';
import type { Logger } from '../logger.js';
import { linesAfter, type ChatLog, type ChatPost, type NewChatLine } from './chat-log.js';

/**
 * How many (player, client id) pairs are remembered for recognising resends, across all
 * players, oldest forgotten first. Kept after a player leaves for good: a client that could not
 * come back within the grace period rejoins later and resends the lines it never saw echoed, and
 * those must not be posted twice. At 100 lines a second this covers more than three minutes.
 */
export const REMEMBERED_CLIENT_IDS = 20_000;

export class LocalChatLog implements ChatLog {
  private readonly history: StoredChatLine[] = [];
  /** Keyed by `${from}:${clientId}`, oldest first. */
  private readonly recentIds = new Map<string, StoredChatLine>();
  private seq = 0;

  constructor(
    private readonly store: ChatStore,
    /** The world whose chat this is. */
    private readonly world: string,
    private readonly memoryLimit: number,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<void> {
    const lines = await this.store.recent(this.world, this.memoryLimit);
    this.history.push(...lines);
    this.seq = lines.at(-1)?.seq ?? 0;
    // Clients resend unacknowledged lines after a restart too: remember who already said what.
    for (const line of lines) if (line.clientId) this.remember(line);
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Decided at once (seq and dedupe in one synchronous step); the write to storage follows. */
  async post(entry: NewChatLine): Promise<ChatPost> {
    const seen = this.recentIds.get(`${entry.from}:${entry.clientId}`);
    if (seen) return { line: seen, fresh: false };
    const line: StoredChatLine = { seq: ++this.seq, from: entry.from, clientId: entry.clientId, name: entry.name, text: entry.text, atMs: entry.atMs };
    this.history.push(line);
    if (this.history.length > this.memoryLimit) this.history.shift();
    this.remember(line);
    this.store.append(this.world, line).catch((err: unknown) => this.logger.log('error', 'chat_store_failed', { world: this.world, seq: line.seq, err: String(err) }));
    return { line, fresh: true };
  }

  private remember(line: StoredChatLine): void {
    this.recentIds.set(`${line.from}:${line.clientId}`, line);
    if (this.recentIds.size > REMEMBERED_CLIENT_IDS) this.recentIds.delete(this.recentIds.keys().next().value as string);
  }

  /** Lines after `seq`, oldest first, at most `limit` (the newest ones when there are more). */
  after(seq: number, limit: number): StoredChatLine[] {
    return linesAfter(this.history, seq, limit);
  }
}
