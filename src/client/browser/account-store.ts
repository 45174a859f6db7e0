/**
 * What this browser remembers between visits: the account token of every name it has played
 * (localStorage, so a reload or a new tab gets the same profile back) and the last name and
 * character used (to prefill the join screen). Storage can be unavailable (private mode, quota):
 * then the game still works, it just forgets.
 */
const ACCOUNTS_KEY = 'tether.accounts.v1';
const LAST_KEY = 'tether.last.v1';

export interface LastJoin {
  readonly name: string;
  readonly character: number;
  /** The world joined (absent: a quick join, or from before worlds). */
  readonly world?: string;
}

function worldOf(v: Record<string, unknown>): { world?: string } {
  return typeof v['world'] === 'string' ? { world: v['world'] } : {};
}

function readJson(storage: Storage, key: string): unknown {
  try {
    const raw = storage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

function writeJson(storage: Storage, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // Quota or disabled storage: nothing to do but forget.
  }
}

function accounts(): Record<string, string> {
  const v = readJson(localStorage, ACCOUNTS_KEY);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(v as Record<string, unknown>)) if (typeof t === 'string') out[k] = t;
  return out;
}

/** Names are looked up in their normalised form (what checkName returns and the server echoes). */
export function accountTokenFor(name: string): string | undefined {
  return accounts()[name];
}

export function saveAccountToken(name: string, token: string): void {
  writeJson(localStorage, ACCOUNTS_KEY, { ...accounts(), [name]: token });
}

export function lastJoin(): LastJoin | null {
  const v = readJson(localStorage, LAST_KEY);
  if (typeof v !== 'object' || v === null) return null;
  const { name, character } = v as Record<string, unknown>;
  if (typeof name !== 'string' || typeof character !== 'number' || !Number.isInteger(character)) return null;
  return { name, character, ...worldOf(v as Record<string, unknown>) };
}

export function saveLastJoin(join: LastJoin): void {
  writeJson(localStorage, LAST_KEY, join);
}

/**
 * This tab was in the world: a reload joins again at once (sessionStorage is per tab, so a new
 * tab still shows the join screen and becomes a separate player if given another name).
 */
const TAB_KEY = 'tether.tab.v1';

export function tabJoin(): LastJoin | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(TAB_KEY) ?? 'null') as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const { name, character } = v as Record<string, unknown>;
    return typeof name === 'string' && typeof character === 'number' ? { name, character, ...worldOf(v as Record<string, unknown>) } : null;
  } catch {
    return null;
  }
}

export function saveTabJoin(join: LastJoin | null): void {
  try {
    if (join) sessionStorage.setItem(TAB_KEY, JSON.stringify(join));
    else sessionStorage.removeItem(TAB_KEY);
  } catch {
    // ignore: the player just sees the join screen after a reload
  }
}
