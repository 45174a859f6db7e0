/**
 * toxiproxy-style HTTP control for a running chaos proxy, so a test, a benchmark or a person with
 * curl can change conditions mid-session. Loopback only by default: it can cut anyone's connection.
 * Plain node:http; every error is `{ "error": "reason" }` with a 4xx status, never a stack trace.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the control API drives. The chaos proxy (chaos-proxy.ts) has these controls; naming them
 * here keeps the import one way (the proxy starts its control API, not the other way round).
 */
export interface ProxyControls {
  readonly profileName: string;
  setProfile(profile: string): string | null;
  blackhole(on: boolean, durationMs?: number): void;
  resetAll(): number;
  closeAll(): number;
  down(durationMs: number): void;
  /** Sent as JSON as it is. */
  stats(): unknown;
}

/** Upper bound for durations: a day is already absurd for a test, anything more is a typo. */
const MAX_DURATION_MS = 24 * 3600 * 1000;
const MAX_BODY_BYTES = 16 * 1024;

type Reply = { status: number; body: unknown };
const bad = (error: string): Reply => ({ status: 400, body: { error } });

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.resume();
        return;
      }
      parts.push(b);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJsonObject(text: string): Record<string, unknown> | string {
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'body is not valid JSON';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'body must be a JSON object';
  return v as Record<string, unknown>;
}

function duration(v: unknown, field: string, required: boolean): number | undefined | string {
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${field} must be a number`;
  if (v < 0 || v > MAX_DURATION_MS) return `${field} must be between 0 and ${MAX_DURATION_MS}`;
  return v;
}

export function handleControl(proxy: ProxyControls, method: string, path: string, body: Record<string, unknown>): Reply {
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /status':
      return { status: 200, body: proxy.stats() };
    case 'POST /profile': {
      if (typeof body.name !== 'string') return bad('name must be a string');
      const err = proxy.setProfile(body.name);
      return err ? bad(err) : { status: 200, body: { profile: proxy.profileName } };
    }
    case 'POST /blackhole': {
      if (typeof body.on !== 'boolean') return bad('on must be true or false');
      const d = duration(body.durationMs, 'durationMs', false);
      if (typeof d === 'string') return bad(d);
      proxy.blackhole(body.on, body.on ? d : undefined);
      return { status: 200, body: { blackhole: body.on, durationMs: d ?? null } };
    }
    case 'POST /reset':
      return { status: 200, body: { reset: proxy.resetAll() } };
    case 'POST /close':
      return { status: 200, body: { closed: proxy.closeAll() } };
    case 'POST /down': {
      const d = duration(body.durationMs, 'durationMs', true);
      if (typeof d === 'string' || d === undefined) return bad(typeof d === 'string' ? d : 'durationMs is required');
      proxy.down(d);
      return { status: 200, body: { downMs: d } };
    }
  }
  const known = ['/status', '/profile', '/blackhole', '/reset', '/close', '/down'];
  if (known.includes(path)) return { status: 405, body: { error: `method ${method} not allowed on ${path}` } };
  return { status: 404, body: { error: `no route ${path}` } };
}

export interface ControlApi {
  readonly port: number;
  close(): Promise<void>;
}

export async function startControlApi(proxy: ProxyControls, host: string, port: number): Promise<ControlApi> {
  const server = http.createServer((req, res) => {
    const send = (r: Reply): void => {
      const text = JSON.stringify(r.body);
      res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    readBody(req)
      .then((text) => {
        if (text === null) return send(bad('body too large'));
        const body = parseJsonObject(text);
        if (typeof body === 'string') return send(bad(body));
        send(handleControl(proxy, req.method ?? 'GET', path, body));
      })
      .catch(() => send(bad('could not read body')));
  });
  // Keep-alive sockets would hold close() open; control calls are rare, so don't keep them.
  server.keepAliveTimeout = 1;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
