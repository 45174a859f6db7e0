/**
 * The per-address WebSocket limit behind a reverse proxy and without one: only a trusted proxy's
 * X-Forwarded-For is believed, loopback is limited like any address, and an IPv6 /64 is one
 * address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_HEADERS, startFixture } from './support/server-fixture.js';
import { hello, openRaw, type RawSocket } from './support/raw-socket.js';
import { SUBPROTOCOL } from '../src/shared/protocol.js';

const xff = (addr: string) => ({ 'X-Forwarded-For': addr });

test('behind a trusted proxy each forwarded client has its own limit; an IPv6 /64 counts as one; the address shows with ?ips=1', async (t) => {
  const fx = await startFixture({ trustProxy: ['127.0.0.1'], maxConnectionsPerAddress: 2 });
  t.after(() => fx.close());
  const open: RawSocket[] = [];
  t.after(() => open.forEach((r) => r.ws.terminate()));
  for (let i = 0; i < 2; i++) open.push(await openRaw(fx.wsUrl, [SUBPROTOCOL], xff('198.51.100.7')));
  await assert.rejects(openRaw(fx.wsUrl, [SUBPROTOCOL], xff('198.51.100.7')), /upgrade refused: 429/);
  // A forged address on the left does not help: the proxy's own hop on the right counts.
  await assert.rejects(openRaw(fx.wsUrl, [SUBPROTOCOL], xff('9.9.9.9, 198.51.100.7')), /upgrade refused: 429/);
  open.push(await openRaw(fx.wsUrl, [SUBPROTOCOL], xff('198.51.100.8')), await openRaw(fx.wsUrl, [SUBPROTOCOL], xff('203.0.113.1')));
  // Rotating addresses inside one /64 does not get around the limit.
  open.push(await openRaw(fx.wsUrl, [SUBPROTOCOL], xff('2001:db8:1:2::1')), await openRaw(fx.wsUrl, [SUBPROTOCOL], xff('2001:db8:1:2::dead:beef')));
  await assert.rejects(openRaw(fx.wsUrl, [SUBPROTOCOL], xff('2001:db8:1:2:ffff::3')), /upgrade refused: 429/);
  open.push(await openRaw(fx.wsUrl, [SUBPROTOCOL], xff('2001:db8:1:3::1')));
  assert.ok(fx.logs.some((l) => l.event === 'upgrade_refused' && l['addr'] === '2001:db8:1:2::/64'), 'logged by /64');

  const player = open[2]!;
  player.ws.send(hello('Proxied'));
  await player.next((m) => m['t'] === 'welcome');
  const status = (await (await fetch(`http://127.0.0.1:${fx.server.port}/status.json?ips=1`, { headers: ADMIN_HEADERS })).json()) as { players: Array<{ name: string; address: string }> };
  assert.equal(status.players.find((p) => p.name === 'Proxied')?.address, '198.51.100.8');
});

test('without --trust-proxy the forwarding header is ignored and loopback clients are limited', async (t) => {
  const fx = await startFixture({ maxConnectionsPerAddress: 2 });
  t.after(() => fx.close());
  const open = [await openRaw(fx.wsUrl, [SUBPROTOCOL], xff('198.51.100.1')), await openRaw(fx.wsUrl, [SUBPROTOCOL], xff('198.51.100.2'))];
  t.after(() => open.forEach((r) => r.ws.terminate()));
  await assert.rejects(openRaw(fx.wsUrl, [SUBPROTOCOL], xff('198.51.100.3')), /upgrade refused: 429/);
  await assert.rejects(openRaw(fx.wsUrl), /upgrade refused: 429/);
  assert.ok(fx.logs.some((l) => l.event === 'upgrade_refused' && l['addr'] === '127.0.0.1'));
});
