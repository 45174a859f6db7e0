/**
 * Serves the built client (scripts/build-client.ts writes it) from one folder.
 *
 * - Paths are resolved inside the folder; anything that escapes it (../, encoded or not, or a
 *   symlink pointing outside) is refused, as are dotfiles. Only GET and HEAD are answered.
 * - Precompressed `.br` / `.gz` siblings are sent when Accept-Encoding allows (Vary says so).
 * - Files the build manifest lists as content-hashed are `immutable` for a year; the rest
 *   (index.html, sw.js) are `no-cache` with an ETag, answered with 304 when unchanged.
 * - Source maps are not served unless the operator asks (--serve-source-maps).
 * - A file is read from an open descriptor through pipeline(), which closes it whatever happens
 *   to the download (aborted, reset, read error); running out of descriptors or memory on open
 *   is a 503 for that request, never an exception.
 */
import { createReadStream, type Stats } from 'node:fs';
import { open, readFile, realpath, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
/** Types the build precompresses (others, like PNG, are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.map', '.txt', '.ico', '.webmanifest']);
/** Written by the build next to the files: which paths carry their content hash. */
export const MANIFEST_NAME = '.tether-build.json';
/** How often the manifest is looked at again (a build swapped in under a running server). */
const MANIFEST_RECHECK_MS = 1000;
/** Open failures that mean "too busy right now", not "no such file". */
const EXHAUSTED = new Set(['EMFILE', 'ENFILE', 'ENOMEM', 'EAGAIN']);

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export interface StaticFilesOptions {
  readonly root: string;
  /** Serve *.map files (for debugging in production); off by default. */
  readonly serveSourceMaps?: boolean;
  /** Called for failures worth an operator's attention (exhaustion, read errors). */
  readonly onError?: (event: string, detail: Record<string, unknown>) => void;
}

type Encoding = 'br' | 'gzip';

export class StaticFiles {
  private readonly root: string;
  private realRoot: string | null = null;
  private immutable: ReadonlySet<string> = new Set();
  private manifestMtimeMs = -1;
  private manifestCheckedAt = -Infinity;

  constructor(private readonly options: StaticFilesOptions) {
    this.root = resolve(options.root);
  }

  /**
   * Answers GET and HEAD (with the file, a 304, a 404 or a 503) and returns true; returns false
   * for other methods so the caller can answer them.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    this.serve(req, res).catch((err: unknown) => {
      this.options.onError?.('static_failed', { url: req.url?.slice(0, 200), err: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('server error');
      else res.destroy();
    });
    return true;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad path');
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const ext = extname(pathname);
    if (pathname.includes('\0') || pathname.split('/').some((seg) => seg.startsWith('.')) || (ext === '.map' && !this.options.serveSourceMaps)) {
      return notFound(res);
    }
    const file = resolve(join(this.root, pathname));
    if (!file.startsWith(this.root + sep)) return notFound(res);
    const real = await this.inside(file);
    if (!real) return notFound(res);

    await this.refreshManifest();
    const sitePath = pathname;
    const accepted = COMPRESSIBLE.has(ext) ? acceptedEncodings(req.headers['accept-encoding']) : [];
    let opened: { handle: FileHandle; stats: Stats; encoding: Encoding | null } | null;
    try {
      opened = await openVariant(real, accepted);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (EXHAUSTED.has(code)) {
        this.options.onError?.('static_exhausted', { code, path: sitePath.slice(0, 200) });
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1', 'cache-control': 'no-store' }).end('busy, try again');
        return;
      }
      throw err;
    }
    if (!opened) return notFound(res);
    const { handle, stats, encoding } = opened;
    const etag = `"${stats.size.toString(36)}-${Math.floor(stats.mtimeMs).toString(36)}${encoding ? `-${encoding}` : ''}"`;
    const headers: Record<string, string | number> = {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': this.immutable.has(sitePath) ? IMMUTABLE : REVALIDATE,
      etag,
      'x-content-type-options': 'nosniff',
    };
    if (COMPRESSIBLE.has(ext)) headers['vary'] = 'Accept-Encoding';
    if (encoding) headers['content-encoding'] = encoding;
    if (etagMatches(req.headers['if-none-match'], etag)) {
      await handle.close();
      res.writeHead(304, headers).end();
      return;
    }
    headers['content-length'] = stats.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      await handle.close();
      res.end();
      return;
    }
    // pipeline (not pipe) destroys the file stream, and so closes the descriptor, when the
    // response closes early; pipe() would leave it paused and open forever.
    const body = createReadStream('', { fd: handle, autoClose: true });
    pipeline(body, res, (err) => {
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.options.onError?.('static_stream_failed', { path: sitePath.slice(0, 200), err: err.message });
      }
    });
  }

  /** The file's real path if it (after symlinks) is still inside the root, else null. */
  private async inside(file: string): Promise<string | null> {
    try {
      this.realRoot ??= await realpath(this.root);
      const real = await realpath(file);
      return real.startsWith(this.realRoot + sep) ? real : null;
    } catch {
      return null;
    }
  }

  private async refreshManifest(): Promise<void> {
    const now = performance.now();
    if (now - this.manifestCheckedAt < MANIFEST_RECHECK_MS) return;
    this.manifestCheckedAt = now;
    const path = join(this.root, MANIFEST_NAME);
    try {
      const st = await stat(path);
      if (st.mtimeMs === this.manifestMtimeMs) return;
      const parsed = JSON.parse(await readFile(path, 'utf8')) as { immutable?: unknown };
      const list = Array.isArray(parsed.immutable) ? parsed.immutable.filter((p): p is string => typeof p === 'string') : [];
      this.immutable = new Set(list);
      this.manifestMtimeMs = st.mtimeMs;
    } catch (err) {
      // No build manifest (a plain folder): nothing is immutable, everything revalidates. Any
      // other failure (out of descriptors, a half-written file) keeps what was known.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.immutable = new Set();
        this.manifestMtimeMs = -1;
      }
    }
  }
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
}

/**
 * The first variant that exists and is a regular file, opened: .br, .gz (as accepted), then the
 * file itself. Stats come from the open descriptor, so they describe what is sent.
 */
async function openVariant(file: string, accepted: readonly Encoding[]): Promise<{ handle: FileHandle; stats: Stats; encoding: Encoding | null } | null> {
  const variants: Array<[string, Encoding | null]> = [...accepted.map((e): [string, Encoding] => [`${file}.${e === 'br' ? 'br' : 'gz'}`, e]), [file, null]];
  for (const [path, encoding] of variants) {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') continue;
      throw err;
    }
    try {
      const stats = await handle.stat();
      if (stats.isFile()) return { handle, stats, encoding };
      await handle.close();
    } catch (err) {
      await handle.close().catch(() => {});
      throw err;
    }
  }
  return null;
}

/** Encodings the client takes, in the server's order of preference (brotli is smaller). */
export function acceptedEncodings(header: string | string[] | undefined): Encoding[] {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  const q = new Map<string, number>();
  for (const part of raw.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const takes = (name: string): boolean => (q.get(name) ?? q.get('*') ?? 0) > 0;
  return (['br', 'gzip'] as const).filter(takes);
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  // Weak comparison (RFC 9110 13.1.2): W/ prefixes do not matter for If-None-Match.
  const strip = (t: string): string => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => strip(t) === etag);
}
