/**
 * Operator endpoints: GET /metrics (Prometheus text), GET /status.json (what the status page
 * polls: history for the plots and the table of connected players) and GET /status (the page).
 * Returns false for any other path so the static file handler can take it.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../shared/clock.js';
import type { Room } from '../game/room.js';
import { ClientLink } from './client-link.js';
import type { ServerMetrics } from '../metrics.js';

const PAGE = fileURLToPath(new URL('./status-page.html', import.meta.url));
let pageCache: string | null = null;

export function handleStatusRoute(req: IncomingMessage, res: ServerResponse, room: Room, metrics: ServerMetrics, clock: Clock): boolean {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://x');
  } catch {
    return false;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  switch (url.pathname) {
    case '/metrics':
      metrics.exposition().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
      return true;
    case '/status.json': {
      const windowS = Math.min(240, Math.max(1, Number(url.searchParams.get('window')) || 10));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(statusJson(room, metrics, windowS * 1000, clock)));
      return true;
    }
    case '/status':
    case '/status.html':
      pageCache ??= readFileSync(PAGE, 'utf8');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(pageCache);
      return true;
    default:
      return false;
  }
}

export function statusJson(room: Room, metrics: ServerMetrics, windowMs: number, clock: Clock): unknown {
  const players = room.roster().map((p) => ({
    id: p.id,
    name: p.name,
    character: p.character,
    state: p.port ? 'live' : 'reconnecting',
    rttMs: p.port instanceof ClientLink ? p.port.rttMs : null,
    address: p.port?.remoteAddress ?? null,
  }));
  return {
    now: clock.wallMs(),
    tick: room.world.tick,
    tickRateHz: room.world.rules.tickRateHz,
    playersOnline: room.playerCount,
    inGrace: room.inGraceCount,
    tickMs: metrics.tickQuantiles(windowMs),
    bytesOut: metrics.bytesOut(),
    state: room.broadcaster.stats,
    history: metrics.history,
    players,
  };
}
