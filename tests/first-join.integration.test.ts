/**
 * A new player's first join whose welcome is lost (the link dies right after the hello): the
 * client brought the account secret for the name itself, so the retry gets the same profile back
 * instead of "name taken" — a player on a flaky link never loses the name it just picked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TetherClient } from '../src/client/core/tether-client.js';
import { wsTransport } from '../src/client/node/ws-transport.js';
import { systemClock } from '../src/shared/system-clock.js';
import { hello, openRaw } from './support/raw-socket.js';
import { joined, startFixture } from './support/server-fixture.js';

test('a first join that never saw its welcome is taken back by the secret the client brought', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const secret = 'Own-secret_0123456789abcdefABCDEF';
  // The hello goes out; the socket dies before the welcome is read.
  const first = await openRaw(fx.wsUrl);
  first.ws.send(hello('Newcomer', { accountToken: secret }));
  const lost = await first.next((m) => m['t'] === 'welcome');
  first.ws.terminate();
  // The retry, with the same secret: the same player, not a refusal.
  const again = await openRaw(fx.wsUrl);
  again.ws.send(hello('Newcomer', { accountToken: secret }));
  const welcome = await again.next((m) => m['t'] === 'welcome' || m['t'] === 'error');
  assert.equal(welcome['t'], 'welcome');
  assert.equal((welcome['you'] as { id: number }).id, (lost['you'] as { id: number }).id);
  // Without the secret the name is someone else's.
  const stranger = await openRaw(fx.wsUrl);
  stranger.ws.send(hello('Newcomer'));
  assert.equal((await stranger.next((m) => m['t'] === 'error'))['code'], 'name_taken');
});

test('the client makes that secret itself and hands it to its keeper before the first hello', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const kept: string[] = [];
  const c = new TetherClient({ url: fx.wsUrl, transport: wsTransport, clock: systemClock, name: 'Keeper', character: 0 });
  t.after(() => c.dispose());
  c.on('account', (_name, token) => kept.push(token));
  c.start();
  assert.equal(kept.length, 1, 'told before any network answer (a reload before the welcome keeps it)');
  assert.match(kept[0]!, /^[A-Za-z0-9_-]{32}$/);
  await joined(c);
  assert.equal(c.accountToken, kept[0], 'the profile was created with it');
});
