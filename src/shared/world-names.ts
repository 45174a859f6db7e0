/**
 * World names: what a player types in an invite link (`?world=NAME`) and what the join screen
 * lists. Lower-case ASCII letters, digits and inner hyphens, 1-24 characters, so a name is the
 * same in a URL, a Redis key, a log line and a database row, and two names that look alike are
 * the same name. Overflow worlds are named after the world they relieve: `lobby-2`, `lobby-3`.
 */
export const WORLD_NAME_MAX = 24;
const WORLD_NAME = /^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/;

/** The world every single-process server has unless it is told otherwise. */
export const DEFAULT_WORLD = 'lobby';

export function isWorldName(raw: string): boolean {
  return WORLD_NAME.test(raw);
}

/**
 * A name as typed (an invite link, a form field) made canonical, or null when it cannot be one:
 * trimmed and lower-cased, spaces and underscores read as hyphens.
 */
export function normalizeWorldName(raw: string): string | null {
  const name = raw.trim().toLowerCase().replace(/[\s_]+/g, '-');
  return isWorldName(name) ? name : null;
}

/** The n-th overflow world of `base` (n >= 2), kept within the length limit. */
export function overflowWorldName(base: string, n: number): string {
  const suffix = `-${n}`;
  return `${base.slice(0, WORLD_NAME_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
}
