/**
 * The page origins of every node the cluster ever had, in PostgreSQL. A player's page comes from
 * one node and may open its WebSocket on any other (`moved`, or after its own node died): the
 * other nodes' Origin check allows exactly these. Kept for good (a page may outlive its node by
 * hours), reloaded every 30 s and whenever an unknown origin knocks (at most once a second).
 */
import type pg from 'pg';
import type { Clock } from '../../shared/clock.js';

const RELOAD_EVERY_MS = 30_000;
const RELOAD_AT_MOST_EVERY_MS = 1000;

export class ClusterOrigins {
  private known = new Set<string>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
  ) {}

  /** Records this node's origin and loads everyone's. */
  async register(origin: string, nodeId: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO cluster_origins (origin, node_id) VALUES ($1, $2) ON CONFLICT (origin) DO UPDATE SET node_id = EXCLUDED.node_id, seen_at = now()',
      [origin, nodeId],
    );
    this.known.add(origin);
    await this.load();
  }

  /** Synchronous (the upgrade decides now); an unknown origin triggers a reload for next time. */
  allows(origin: string): boolean {
    if (this.known.has(origin)) return true;
    const now = this.clock.now();
    if (now - this.loadedAt >= RELOAD_AT_MOST_EVERY_MS) void this.load().catch(() => {});
    return false;
  }

  /** Reloads now and then, so pages of nodes that joined since are let in. */
  refreshIfOld(): void {
    if (this.clock.now() - this.loadedAt >= RELOAD_EVERY_MS) void this.load().catch(() => {});
  }

  private load(): Promise<void> {
    this.loading ??= this.pool
      .query<{ origin: string }>('SELECT origin FROM cluster_origins')
      .then(({ rows }) => {
        this.known = new Set(rows.map((r) => r.origin));
        this.loadedAt = this.clock.now();
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}
