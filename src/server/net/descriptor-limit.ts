/**
 * How many sockets the process may hold: its descriptor limit (RLIMIT_NOFILE) minus what the
 * server keeps for itself. At the limit every open() fails with EMFILE, and the things that fail
 * then are the server's own: SQLite's files, a static file being served, the state writer's
 * thread. So connections stop well before it and are refused instead.
 */
import { readFileSync } from 'node:fs';

/** The soft limit on open descriptors, read from /proc on Linux; null where it cannot be read. */
export function readDescriptorLimit(limitsText?: string): number | null {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return null;
    }
  }
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (!m) return null;
  return m[1] === 'unlimited' ? null : Number(m[1]);
}

/**
 * Descriptors kept back from connections: stdio, SQLite (database, WAL, shared memory), the
 * worker thread's pipes, files being streamed, DNS or log files. An eighth of the limit, at
 * least 64.
 */
export function reservedDescriptors(limit: number): number {
  return Math.max(64, Math.floor(limit / 8));
}

/** Used where the limit cannot be read (not Linux): a cap that fits the common default of 1024. */
export const FALLBACK_CONNECTION_CAP = 896;

/** The global connection cap: `configured` when set (> 0), else derived from the limit. */
export function connectionCap(configured: number, limit: number | null = readDescriptorLimit()): number {
  if (configured > 0) return configured;
  if (limit === null) return FALLBACK_CONNECTION_CAP;
  return Math.max(16, limit - reservedDescriptors(limit));
}
