/**
 * A world's chat as an ordered log in Redis, shared by whichever node owns the world (the cluster
 * implementation of the game's ChatLog interface, issue 12, posts here): a stream whose entry ids
 * are the chat seqs (`<seq>-0`), a counter that hands out the next seq, and the recent client
 * line ids. chat-append-4.lua does the numbering, the dedupe and the append in one step, fenced
 * by the world's lease, so the seq is gapless and a resend is posted once — also when it reaches
 * a different node than the first attempt did. The durable copy is in PostgreSQL
 * (chat-history.ts); restore() puts it back after Redis lost everything.
 */
import type { StoredChatLine } from '../store/store.js';
import type { ClusterKeys } from './cluster-keys.js';
import { FencedWriteError, LeaseMissingError, type Fence } from './fence.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisScripts } from './redis-scripts.js';

export interface NewChatLine {
  readonly from: number;
  readonly clientId: string;
  readonly name: string;
  readonly text: string;
  readonly atMs: number;
}

export interface WorldChatStreamOptions {
  readonly redis: RedisConnection;
  readonly scripts: RedisScripts;
  readonly keys: ClusterKeys;
  /** Lines kept on the stream for replay (about: trimmed in whole stream nodes). */
  readonly keepLines: number;
  /** Client line ids remembered per world for recognising resends. */
  readonly keepClientIds: number;
}

export class WorldChatStream {
  constructor(private readonly opts: WorldChatStreamOptions) {}

  /**
   * Posts a line; `fresh` false means a resend, answered with the line as first posted. Posts
   * over one connection resolve in the order they were made. Throws FencedWriteError.
   */
  async append(fence: Fence, l: NewChatLine): Promise<{ line: StoredChatLine; fresh: boolean }> {
    const { scripts, keys, keepLines, keepClientIds } = this.opts;
    const w = fence.world;
    const [seq, fresh, first] = (await scripts.run(
      'chat-append',
      [keys.chatStream(w), keys.chatClientIds(w), keys.chatSeq(w), keys.lease(w)],
      [fence.epoch, l.from, l.clientId, l.name, l.text, l.atMs, keepLines, keepClientIds],
    )) as [number, number, string[] | undefined];
    if (seq === -2) throw new LeaseMissingError('chat line', fence);
    if (seq === -1) throw new FencedWriteError('chat line', fence);
    if (fresh === 1 || !first) return { line: { seq, ...l }, fresh: fresh === 1 };
    return { line: lineFrom(seq, pairs(first)), fresh: false };
  }

  /** Lines after `seq`, oldest first, at most `limit` (the newest ones when there are more). */
  async after(world: string, seq: number, limit: number): Promise<StoredChatLine[]> {
    this.opts.scripts.commandsSent++;
    const entries = await this.opts.redis.xRevRange(this.opts.keys.chatStream(world), '+', `(${seq}-0`, { COUNT: limit });
    return (entries ?? []).reverse().map((e) => lineFrom(Number(e.id.slice(0, e.id.indexOf('-'))), e.message as Record<string, string>));
  }

  async lastSeq(world: string): Promise<number> {
    this.opts.scripts.commandsSent++;
    return Number((await this.opts.redis.get(this.opts.keys.chatSeq(world))) ?? 0);
  }

  /**
   * After a claim: if Redis knows less of the world's chat than the durable history (it
   * restarted empty), put the history's newest lines back. Returns how many. Throws FencedWriteError.
   */
  async restore(fence: Fence, durableLastSeq: number, newest: readonly StoredChatLine[]): Promise<number> {
    const { scripts, keys, keepLines } = this.opts;
    const w = fence.world;
    const flat = newest.flatMap((l) => [l.seq, l.from, l.clientId, l.name, l.text, l.atMs]);
    const r = (await scripts.run('chat-restore', [keys.chatStream(w), keys.chatClientIds(w), keys.chatSeq(w), keys.lease(w)], [fence.epoch, durableLastSeq, keepLines, ...flat])) as number;
    if (r === -2) throw new LeaseMissingError('chat restore', fence);
    if (r === -1) throw new FencedWriteError('chat restore', fence);
    return r;
  }
}

function pairs(flat: readonly string[]): Record<string, string> {
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
  return h;
}

function lineFrom(seq: number, m: Record<string, string>): StoredChatLine {
  return { seq, from: Number(m['from']), clientId: String(m['cid']), name: String(m['name']), text: String(m['text']), atMs: Number(m['at']) };
}
