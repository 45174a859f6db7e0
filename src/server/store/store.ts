/**
 * Storage seams. The default implementation is embedded SQLite (sqlite-store.ts); a later
 * deployment across processes fills the same interfaces with Redis or Postgres, which is why
 * every method returns a promise even though better-sqlite3 answers synchronously.
 */
export interface ProfileRecord {
  readonly id: number;
  readonly name: string;
  readonly nameKey: string;
  readonly character: number;
  readonly x: number;
  readonly y: number;
  readonly facing: number;
  /** sha256 of the account token, hex; the token itself is never stored. */
  readonly accountTokenHash: string;
}

export interface NewProfile {
  readonly name: string;
  readonly nameKey: string;
  readonly character: number;
  readonly x: number;
  readonly y: number;
  readonly accountTokenHash: string;
}

export interface SavedPosition {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly facing: number;
}

export interface ProfileStore {
  findByNameKey(nameKey: string): Promise<ProfileRecord | undefined>;
  findById(id: number): Promise<ProfileRecord | undefined>;
  /** Fails with NameTakenError when another profile holds the name key. */
  create(profile: NewProfile): Promise<ProfileRecord>;
  updateAppearance(id: number, name: string, character: number): Promise<void>;
  savePositions(positions: readonly SavedPosition[]): Promise<void>;
  /** The profile was used now (a join): it does not expire for another expiry period. */
  touch(id: number): Promise<void>;
  /** Deletes profiles last used before `cutoffMs` (epoch ms), except `keep`; their names are free again. */
  expireUnused(cutoffMs: number, keep: ReadonlySet<number>): Promise<number>;
  /** Deletes the profile holding a name key (an operator freeing a squatted name). */
  deleteByNameKey(nameKey: string): Promise<ProfileRecord | undefined>;
  /**
   * Makes every stored name key `keyOf(name)`, once per key `version` (a no-op when the stored
   * keys already are of this version). Profiles whose new keys collide: the oldest keeps the
   * key, the others get a key no name folds to (they can no longer be joined by name; an
   * operator may free or rename them) and are returned.
   */
  rekey(version: number, keyOf: (name: string) => string): Promise<RekeyResult>;
}

export interface RekeyResult {
  readonly changed: number;
  readonly shadowed: ReadonlyArray<{ id: number; name: string; collidesWith: string }>;
}

export interface StoredChatLine {
  readonly seq: number;
  readonly from: number;
  /** The sender's own id for the line; kept so a resend after a server restart is not posted twice. */
  readonly clientId: string;
  readonly name: string;
  readonly text: string;
  readonly atMs: number;
}

/** Each world's chat history; `seq` counts per world. */
export interface ChatStore {
  /** The world's newest lines, oldest first, at most `limit`. */
  recent(world: string, limit: number): Promise<StoredChatLine[]>;
  /** Stores a line of the world; a (world, seq) already stored is kept as it was. */
  append(world: string, line: StoredChatLine): Promise<void>;
}

export interface Storage {
  readonly profiles: ProfileStore;
  readonly chat: ChatStore;
  close(): Promise<void>;
}

export class NameTakenError extends Error {
  constructor(name: string) {
    super(`name ${JSON.stringify(name)} is taken`);
  }
}
