import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { pollUntil } from '../../../tests/support/poll.js';
import { MANIFEST_NAME, StaticFiles, acceptedEncodings } from './static-files.js';

const dir = mkdtempSync(join(tmpdir(), 'tether-static-'));
const root = join(dir, 'public');
const outside = join(dir, 'secret.txt');
const page = '<!doctype html><title>t</title>' + 'x'.repeat(2000);
const script = 'console.log("hello");'.repeat(200);
const big = randomBytes(8 * 1024 * 1024);
let server: Server;
let port = 0;

function makeRoot(): void {
  mkdirSync(join(root, 'build'), { recursive: true });
  mkdirSync(join(root, 'inner'), { recursive: true });
  writeFileSync(outside, 'top secret');
  writeFileSync(join(root, 'index.html'), page);
  writeFileSync(join(root, 'index.html.br'), brotliCompressSync(page));
  writeFileSync(join(root, 'index.html.gz'), gzipSync(page));
  writeFileSync(join(root, 'build', 'main-ABCD1234.js'), script);
  writeFileSync(join(root, 'build', 'main-ABCD1234.js.br'), brotliCompressSync(script));
  writeFileSync(join(root, 'build', 'main-ABCD1234.js.map'), '{}');
  writeFileSync(join(root, 'build', 'big-ZZZZ2222.png'), big);
  writeFileSync(join(root, 'inner', 'ok.txt'), 'inside');
  writeFileSync(join(root, MANIFEST_NAME), JSON.stringify({ immutable: ['/build/main-ABCD1234.js', '/build/big-ZZZZ2222.png'] }));
  symlinkSync(outside, join(root, 'leak.txt'));
  symlinkSync(dir, join(root, 'up'));
  symlinkSync(join(root, 'inner'), join(root, 'alias'));
}

async function listen(files: StaticFiles): Promise<Server> {
  const s = createServer((req, res) => {
    if (!files.handle(req, res)) res.writeHead(405).end();
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s;
}

before(async () => {
  makeRoot();
  server = await listen(new StaticFiles({ root }));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

interface Got {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A raw-path request (no URL normalisation on the way), to this test's server by default. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET', toPort = port): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: toPort, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('Accept-Encoding picks the precompressed variant, brotli first, and says it varies', async () => {
  const br = await get('/', { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['vary'], 'Accept-Encoding');
  assert.equal(Number(br.headers['content-length']), br.body.length);
  assert.equal(brotliDecompressSync(br.body).toString(), page);

  const gz = await get('/index.html', { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(gz.body).toString(), page);

  const refused = await get('/index.html', { 'accept-encoding': 'br;q=0, gzip;q=0' });
  assert.equal(refused.headers['content-encoding'], undefined);
  assert.equal(refused.body.toString(), page);
  assert.equal(refused.headers['vary'], 'Accept-Encoding');

  // A file with only a .br sibling falls back to itself for a gzip-only client.
  const js = await get('/build/main-ABCD1234.js', { 'accept-encoding': 'gzip' });
  assert.equal(js.headers['content-encoding'], undefined);
  assert.equal(js.body.toString(), script);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');

  const png = await get('/build/big-ZZZZ2222.png', { 'accept-encoding': 'br' });
  assert.equal(png.headers['content-encoding'], undefined);
  assert.equal(png.headers['vary'], undefined, 'images are sent as they are');
  assert.equal(png.body.length, big.length);
});

test('encoding negotiation follows q-values and wildcards', () => {
  assert.deepEqual(acceptedEncodings('gzip, br'), ['br', 'gzip']);
  assert.deepEqual(acceptedEncodings('br;q=0, *'), ['gzip']);
  assert.deepEqual(acceptedEncodings('identity'), []);
  assert.deepEqual(acceptedEncodings(undefined), []);
  assert.deepEqual(acceptedEncodings('GZIP;Q=0.5'), ['gzip']);
});

test('hashed files are immutable; the page revalidates with an ETag and gets 304', async () => {
  const js = await get('/build/main-ABCD1234.js');
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');

  const first = await get('/', { 'accept-encoding': 'br' });
  assert.equal(first.headers['cache-control'], 'no-cache');
  const etag = first.headers['etag'];
  assert.ok(etag && /^"[^"]+"$/.test(etag), `strong etag, got ${etag}`);

  const again = await get('/', { 'accept-encoding': 'br', 'if-none-match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers['etag'], etag);
  assert.equal(again.headers['cache-control'], 'no-cache');

  assert.equal((await get('/', { 'accept-encoding': 'br', 'if-none-match': `"other", W/${etag}` })).status, 304, 'weak comparison, lists');
  assert.equal((await get('/', { 'accept-encoding': 'br', 'if-none-match': '"stale"' })).status, 200);
  const gz = await get('/', { 'accept-encoding': 'gzip', 'if-none-match': etag });
  assert.equal(gz.status, 200, 'another encoding is another representation');
  assert.notEqual(gz.headers['etag'], etag);

  const head = await get('/', { 'accept-encoding': 'br' }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['etag'], etag);
});

test('no path escapes the folder: dot segments, encoded or not, NUL, dotfiles, outward symlinks', async () => {
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/inner/../../secret.txt', '/inner/%2e%2e/%2e%2e/secret.txt', '//../secret.txt', '/index.html%00.png', `/${MANIFEST_NAME}`, '/leak.txt', '/up/secret.txt']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    assert.ok(!r.body.toString().includes('top secret'), path);
  }
  assert.equal((await get('/%E0%A4%A')).status, 400, 'bad percent-encoding');
  // A symlink that stays inside is fine.
  const alias = await get('/alias/ok.txt');
  assert.equal(alias.status, 200);
  assert.equal(alias.body.toString(), 'inside');
  assert.equal((await get('/inner')).status, 404, 'a folder is not a file');
  assert.equal((await get('/', {}, 'POST')).status, 405, 'only GET and HEAD');
});

test('source maps are served only when the operator asks', async () => {
  assert.equal((await get('/build/main-ABCD1234.js.map')).status, 404);
  const withMaps = await listen(new StaticFiles({ root, serveSourceMaps: true }));
  try {
    const r = await get('/build/main-ABCD1234.js.map', {}, 'GET', (withMaps.address() as AddressInfo).port);
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), '{}');
  } finally {
    await new Promise<void>((resolve) => withMaps.close(() => resolve()));
  }
});

function openDescriptors(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // closed while listing
    }
  }
  return out;
}

test('aborted downloads close their file descriptors (300 aborts of an 8 MB file)', async () => {
  const bigPath = join(root, 'build', 'big-ZZZZ2222.png');
  const before = openDescriptors().length;
  const abortOne = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const sock = connect(port, '127.0.0.1', () => sock.write('GET /build/big-ZZZZ2222.png HTTP/1.1\r\nhost: x\r\n\r\n'));
      // Read the first bytes, then vanish: the server is mid-file, held back by the socket.
      sock.once('data', () => {
        sock.destroy();
        resolve();
      });
      sock.on('error', reject);
    });
  for (let round = 0; round < 15; round++) await Promise.all(Array.from({ length: 20 }, abortOne));
  await pollUntil(() => !openDescriptors().includes(bigPath), 'the server to close every descriptor of the aborted file');
  await pollUntil(() => openDescriptors().length <= before, `descriptors back to ${before} (now ${openDescriptors().length})`);
  // And it still serves.
  assert.equal((await get('/inner/ok.txt')).body.toString(), 'inside');
});

test('running out of descriptors on open is a 503 for that request, and serving resumes', async () => {
  const child = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tests', 'support', 'static-emfile-child.ts');
  // prlimit caps the child's descriptors; the child fills them, then asks itself for a file.
  const proc = spawn('prlimit', ['--nofile=200:200', process.execPath, '--import', 'tsx', child, root], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  assert.equal(code, 0, `child failed (is util-linux prlimit installed?): ${err}`);
  const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { exhausted?: number; retryAfter?: string; after?: number; errors?: string[] };
  assert.equal(result.exhausted, 503);
  assert.equal(result.retryAfter, '1');
  assert.equal(result.after, 200, 'serves again once descriptors are free');
  assert.ok(result.errors?.some((e) => e.includes('EMFILE')), `the operator hears of it: ${JSON.stringify(result.errors)}`);
});
