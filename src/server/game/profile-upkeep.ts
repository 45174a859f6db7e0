/**
 * Profile upkeep, run at start-up and then daily: stored name keys are brought to the current
 * nameKey version (a changed folding would otherwise let new look-alikes past old keys), and
 * profiles unused for `expiryDays` (no join, no movement) are deleted, freeing their names.
 * Players in the world are never expired. expiryDays 0 keeps profiles for ever.
 */
import { NAME_KEY_VERSION, nameKey } from './name-key.js';
import type { Logger } from '../logger.js';
import type { ProfileStore } from '../store/store.js';

export const DAY_MS = 24 * 3600_000;

export async function rekeyProfiles(profiles: ProfileStore, logger: Logger): Promise<void> {
  const result = await profiles.rekey(NAME_KEY_VERSION, nameKey);
  if (result.changed > 0) logger.log('info', 'name_keys_recomputed', { version: NAME_KEY_VERSION, changed: result.changed });
  for (const s of result.shadowed) {
    // The older profile keeps the name; this one can no longer be joined by it (an operator can
    // free the older one with `npm run admin -- free-name`).
    logger.log('warn', 'name_key_collision', { id: s.id, name: s.name, collidesWith: s.collidesWith });
  }
}

export async function expireProfiles(profiles: ProfileStore, expiryDays: number, inWorld: ReadonlySet<number>, nowMs: number, logger: Logger): Promise<number> {
  if (expiryDays <= 0) return 0;
  const deleted = await profiles.expireUnused(nowMs - expiryDays * DAY_MS, inWorld);
  if (deleted > 0) logger.log('info', 'profiles_expired', { deleted, unusedDays: expiryDays });
  return deleted;
}
