/**
 * What the HTTP layer shows and to whom: the operator endpoints need the admin token and show
 * no player address unless asked; a foreign Host is refused for pages and for the WebSocket
 * (DNS rebinding); every response carries the security headers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_HEADERS, ADMIN_TOKEN, startFixture, joined } from './support/server-fixture.js';
import { openRaw } from './support/raw-socket.js';
import { CONTENT_SECURITY_POLICY } from '../src/server/net/http-policy.js';

/** A GET with any Host header (fetch does not let a test set Host). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('/status, /status.json and /metrics: refused without the token (401) or with none configured (403); addresses only with ?ips=1', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const port = fx.server.port;
  const player = fx.client('Watched');
  await joined(player);
  for (const path of ['/status', '/status.json', '/metrics', '/status.js']) {
    assert.equal((await get(port, path)).status, 401, `${path} without a token`);
    assert.equal((await get(port, path, { authorization: 'Bearer wrong-token-wrong-token' })).status, 401, `${path} with a wrong token`);
    assert.equal((await get(port, path, ADMIN_HEADERS)).status, 200, `${path} with the token`);
  }
  const basic = `Basic ${Buffer.from(`anyone:${ADMIN_TOKEN}`).toString('base64')}`;
  assert.equal((await get(port, '/status.json', { authorization: basic })).status, 200, 'Basic auth with the token as password');
  const plain = JSON.parse((await get(port, '/status.json', ADMIN_HEADERS)).body) as { players: Array<Record<string, unknown>> };
  assert.equal(plain.players.length, 1);
  assert.ok(!('address' in plain.players[0]!), 'no address unless asked');
  assert.ok(!JSON.stringify(plain).includes('127.0.0.1'), 'no address anywhere');
  const withIps = JSON.parse((await get(port, '/status.json?ips=1', ADMIN_HEADERS)).body) as { players: Array<{ address: string }> };
  assert.equal(withIps.players[0]!.address, '127.0.0.1');

  const open = await startFixture({ adminToken: '' });
  t.after(() => open.close());
  for (const path of ['/status', '/status.json', '/metrics']) {
    const r = await get(open.server.port, path, ADMIN_HEADERS);
    assert.equal(r.status, 403, `${path} on a server without --admin-token`);
    assert.match(r.body, /--admin-token/);
  }
});

test('Host: a foreign name is refused with 421 for pages and the WebSocket; IPs, localhost and configured names are served', async (t) => {
  const fx = await startFixture({ publicUrl: 'https://play.example', allowedHosts: ['tether.lan'] });
  t.after(() => fx.close());
  const port = fx.server.port;
  for (const host of ['evil.example', `evil.example:${port}`, 'play.example.evil.example', 'bad host', '[::1']) {
    assert.equal((await get(port, '/healthz', { host })).status, 421, `Host: ${host}`);
    assert.equal((await get(port, '/status.json', { ...ADMIN_HEADERS, host })).status, 421, `status with Host: ${host}`);
  }
  await assert.rejects(openRaw(fx.wsUrl, ['tether.1'], { Host: 'evil.example' }), /upgrade refused: 421/);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, '[::1]', '10.1.2.3', 'play.example', 'PLAY.example.', 'tether.lan:8080']) {
    assert.equal((await get(port, '/healthz', { host })).status, 200, `Host: ${host}`);
  }
  const ok = await openRaw(fx.wsUrl, ['tether.1'], { Host: 'play.example' });
  ok.ws.close();
});

test('security headers on every response: page, static file, 404, status, refusals', async (t) => {
  const publicDir = mkdtempSync(join(tmpdir(), 'tether-public-'));
  writeFileSync(join(publicDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(publicDir, 'styles.css'), 'body {}');
  const fx = await startFixture({ publicDir });
  t.after(async () => {
    await fx.close();
    rmSync(publicDir, { recursive: true, force: true });
  });
  const port = fx.server.port;
  const cases: Array<[string, Record<string, string>, number]> = [
    ['/', {}, 200],
    ['/styles.css', {}, 200],
    ['/no-such-file', {}, 404],
    ['/healthz', {}, 200],
    ['/status', ADMIN_HEADERS, 200],
    ['/status.json', {}, 401],
    ['/healthz', { host: 'evil.example' }, 421],
  ];
  for (const [path, headers, status] of cases) {
    const r = await get(port, path, headers);
    assert.equal(r.status, status, path);
    assert.equal(r.headers['content-security-policy'], CONTENT_SECURITY_POLICY, `${path}: CSP`);
    assert.equal(r.headers['x-frame-options'], 'DENY', `${path}: X-Frame-Options`);
    assert.equal(r.headers['referrer-policy'], 'no-referrer', `${path}: Referrer-Policy`);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', `${path}: nosniff`);
  }
});
