/** The profiles table's row as both SQL stores read it (same column names in SQLite and PostgreSQL). */
import type { ProfileRecord } from './store.js';

export interface ProfileRow {
  id: number;
  name: string;
  name_key: string;
  character: number;
  x: number;
  y: number;
  facing: number;
  account_token_hash: string;
}

export function profileFromRow(r: ProfileRow): ProfileRecord {
  return {
    id: r.id,
    name: r.name,
    nameKey: r.name_key,
    character: r.character,
    x: r.x,
    y: r.y,
    facing: r.facing,
    accountTokenHash: r.account_token_hash,
  };
}
