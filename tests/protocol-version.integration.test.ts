/**
 * Protocol versions at the upgrade (docs/protocol.md, "Versions"): the server speaks tether.2
 * and still serves tether.1 clients as version 1 promised; anything else, or no subprotocol at
 * all, is accepted only to be closed with 4000 and a reason that says what the server speaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture } from './support/server-fixture.js';
import { hello, openRaw } from './support/raw-socket.js';
import { CloseCode } from '../src/shared/close-codes.js';

test('tether.2 is chosen when offered; its pongs after joining ride with state and say how long they waited', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const raw = await openRaw(fx.wsUrl, ['tether.1', 'tether.2']);
  t.after(() => raw.ws.terminate());
  assert.equal(raw.ws.protocol, 'tether.2');
  raw.ws.send(hello('Zwei', { v: 2 }));
  const welcome = await raw.next((m) => m['t'] === 'welcome');
  assert.equal(welcome['v'], 2);
  raw.ws.send(JSON.stringify({ t: 'ping', id: 5, ct: 123.5 }));
  const pong = await raw.next((m) => m['t'] === 'pong');
  assert.equal(pong['id'], 5);
  assert.equal(pong['ct'], 123.5);
  assert.equal(typeof pong['held'], 'number');
});

test('a tether.1 client joins and plays as version 1 said: pongs at once, without held', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const raw = await openRaw(fx.wsUrl, ['tether.1']);
  t.after(() => raw.ws.terminate());
  assert.equal(raw.ws.protocol, 'tether.1');
  raw.ws.send(hello('Eins', { v: 1 }));
  const welcome = await raw.next((m) => m['t'] === 'welcome');
  assert.equal((welcome['you'] as { name: string }).name, 'Eins');
  assert.equal(welcome['v'], 2, 'welcome names the newest version the server speaks');
  raw.ws.send(JSON.stringify({ t: 'input', seq: 1, dirs: 8 }));
  raw.ws.send(JSON.stringify({ t: 'ping', id: 9, ct: 1 }));
  const pong = await raw.next((m) => m['t'] === 'pong');
  assert.equal(pong['id'], 9);
  assert.equal('held' in pong, false, 'no field a version 1 client does not know');
});

test('another tether version, or no subprotocol, is accepted and closed with 4000 and what the server speaks', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  for (const offered of [['tether.3'], []]) {
    const raw = await openRaw(fx.wsUrl, offered);
    const closed = await raw.closed;
    assert.equal(closed.code, CloseCode.VersionMismatch, JSON.stringify(offered));
    assert.match(closed.reason, /server speaks tether\.2 and tether\.1, client offered (tether\.3|none)/);
  }
  const wrongHello = await openRaw(fx.wsUrl);
  wrongHello.ws.send(hello('Drei', { v: 3 }));
  const closed = await wrongHello.closed;
  assert.equal(closed.code, CloseCode.VersionMismatch);
  assert.match(closed.reason, /server speaks 2 and 1, client sent 3/);
});
