/**
 * The durable copy of every world's chat, in PostgreSQL, written by the world's owner after the
 * Redis log (world-chat-stream.ts) numbered the lines. Fenced like checkpoints: a batch goes in
 * only while the presented epoch is the world's current one. A line already stored (the same
 * world and seq) is kept as it was, so writing a batch again is harmless.
 */
import type pg from 'pg';
import type { StoredChatLine } from '../store/store.js';
import { FencedWriteError, type Fence } from './fence.js';

const FENCED_INSERT = `
  WITH owner AS (SELECT 1 FROM world_epochs WHERE world = $1 AND epoch = $2 FOR SHARE),
  ins AS (
    INSERT INTO world_chat (world, seq, from_id, client_id, name, text, at_ms)
    SELECT $1, l.seq, l.from_id, l.client_id, l.name, l.text, l.at_ms
    FROM owner, unnest($3::bigint[], $4::int[], $5::text[], $6::text[], $7::text[], $8::bigint[]) AS l(seq, from_id, client_id, name, text, at_ms)
    ON CONFLICT (world, seq) DO NOTHING
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM owner)::int AS owned, (SELECT count(*) FROM ins)::int AS inserted`;

interface ChatRow {
  seq: number;
  from_id: number;
  client_id: string;
  name: string;
  text: string;
  at_ms: number;
}

/**
 * Lines as the column arrays world_chat's unnest() takes, in its column order (seq, from_id,
 * client_id, name, text, at_ms): one place to change when the table gains a column.
 */
export function chatLineColumns(lines: readonly StoredChatLine[]): unknown[][] {
  return [lines.map((l) => l.seq), lines.map((l) => l.from), lines.map((l) => l.clientId), lines.map((l) => l.name), lines.map((l) => l.text), lines.map((l) => l.atMs)];
}

const toLine = (r: ChatRow): StoredChatLine => ({ seq: r.seq, from: r.from_id, clientId: r.client_id, name: r.name, text: r.text, atMs: r.at_ms });

export class ChatHistory {
  constructor(private readonly pool: pg.Pool) {}

  /** Stores lines; returns how many were new. Throws FencedWriteError. */
  async append(fence: Fence, lines: readonly StoredChatLine[]): Promise<number> {
    const { rows } = await this.pool.query<{ owned: number; inserted: number }>(FENCED_INSERT, [fence.world, fence.epoch, ...chatLineColumns(lines)]);
    if (rows[0]?.owned !== 1) throw new FencedWriteError('chat history', fence);
    return rows[0].inserted;
  }

  /** The newest `limit` lines of a world after `seq`, oldest first. */
  async after(world: string, seq: number, limit: number): Promise<StoredChatLine[]> {
    const { rows } = await this.pool.query<ChatRow>(
      'SELECT * FROM (SELECT seq, from_id, client_id, name, text, at_ms FROM world_chat WHERE world = $1 AND seq > $2 ORDER BY seq DESC LIMIT $3) AS newest ORDER BY seq ASC',
      [world, seq, limit],
    );
    return rows.map(toLine);
  }

  async lastSeq(world: string): Promise<number> {
    const { rows } = await this.pool.query<{ last: number | null }>('SELECT max(seq) AS last FROM world_chat WHERE world = $1', [world]);
    return rows[0]?.last ?? 0;
  }
}
