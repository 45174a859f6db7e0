/**
 * The world's chat as an ordered log: lines numbered by a gapless `seq`, and a client's own line
 * id recognised so a line resent after a reconnect is posted once. Both are decided in one
 * atomic step by `post`; a deployment across processes fills this interface with a shared log
 * (a Redis stream with its history in PostgreSQL) without touching the game.
 *
 * Replay reads this node's window of the newest lines synchronously: the node that runs a world
 * is the only one that posts to its log, so its window is complete from load() on.
 */
import type { StoredChatLine } from '../store/store.js';

export interface NewChatLine {
  readonly from: number;
  readonly name: string;
  /** The sender's id for the line: a repeated (from, clientId) is the same line. */
  readonly clientId: string;
  readonly text: string;
  /** Wall-clock time, for people to read. */
  readonly atMs: number;
}

export interface ChatPost {
  readonly line: StoredChatLine;
  /** False: a resend of a line already posted, returned as it was then. */
  readonly fresh: boolean;
}

export interface ChatLog {
  /** Reads the newest lines and the client ids already used (after a restart or a move). */
  load(): Promise<void>;
  /** The seq of the newest line (0: none yet). */
  readonly lastSeq: number;
  /**
   * Appends a line with seq lastSeq + 1, unless it is a resend. Posts resolve in the order they
   * were made, and the window (`after`, `lastSeq`) includes a line by the time its post resolves.
   */
  post(line: NewChatLine): Promise<ChatPost>;
  /** Lines after `seq`, oldest first, at most `limit` (the newest ones when there are more). */
  after(seq: number, limit: number): readonly StoredChatLine[];
}

/**
 * Lines after `seq` from a window of the newest lines (oldest first), oldest first, at most
 * `limit` (the newest ones when there are more): what `ChatLog.after` answers from memory.
 */
export function linesAfter(window: readonly StoredChatLine[], seq: number, limit: number): StoredChatLine[] {
  const lines: StoredChatLine[] = [];
  for (let i = window.length - 1; i >= 0 && lines.length < limit; i--) {
    const line = window[i]!;
    if (line.seq <= seq) break;
    lines.push(line);
  }
  return lines.reverse();
}
