/**
 * The new name key of every profile after the folding changed (ProfileStore.rekey), worked out
 * once for both SQL stores: oldest first, the first profile to claim a key keeps it; a later one
 * that now collides gets `key + shadowMark + id`, a key no name folds to (names hold no control
 * characters), so it stays unique without blocking anyone, and is reported.
 */
import type { RekeyResult } from './store.js';

export interface KeyedName {
  readonly id: number;
  readonly name: string;
  readonly name_key: string;
}

export function planRekey(oldestFirst: readonly KeyedName[], keyOf: (name: string) => string, shadowMark: string): RekeyResult & { keys: Array<{ id: number; key: string }> } {
  const owner = new Map<string, string>();
  const shadowed: Array<{ id: number; name: string; collidesWith: string }> = [];
  const keys: Array<{ id: number; key: string }> = [];
  let changed = 0;
  for (const r of oldestFirst) {
    const key = keyOf(r.name);
    const holder = owner.get(key);
    if (holder !== undefined) {
      shadowed.push({ id: r.id, name: r.name, collidesWith: holder });
      keys.push({ id: r.id, key: `${key}${shadowMark}${r.id}` });
      changed++;
      continue;
    }
    owner.set(key, r.name);
    keys.push({ id: r.id, key });
    if (key !== r.name_key) changed++;
  }
  return { changed, shadowed, keys };
}
