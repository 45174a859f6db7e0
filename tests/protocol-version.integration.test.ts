/**
 * Protocol versions at the upgrade (docs/protocol.md, "Versions"): the server speaks tether.3
 * and still serves tether.2 and tether.1 clients as their versions promised; anything else, or no subprotocol at
 * all, is accepted only to be closed with 4000 and a reason that says what the server speaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture } from './support/server-fixture.js';
import { hello, openRaw } from './support/raw-socket.js';
import { CloseCode } from '../src/shared/close-codes.js';

test('the newest version offered is chosen: tether.3 over 2 and 1, tether.2 over 1', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const three = await openRaw(fx.wsUrl, ['tether.1', 'tether.3', 'tether.2']);
  t.after(() => three.ws.terminate());
  assert.equal(three.ws.protocol, 'tether.3');
  three.ws.send(hello('Drei', { v: 3 }));
  const welcome = await three.next((m) => m['t'] === 'welcome');
  assert.equal(welcome['v'], 3);
  assert.equal(welcome['world'], 'lobby', 'version 3 says which world');
});

test('tether.2 is chosen when offered with 1; its pongs after joining ride with state and say how long they waited', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const raw = await openRaw(fx.wsUrl, ['tether.1', 'tether.2']);
  t.after(() => raw.ws.terminate());
  assert.equal(raw.ws.protocol, 'tether.2');
  raw.ws.send(hello('Zwei', { v: 2 }));
  const welcome = await raw.next((m) => m['t'] === 'welcome');
  assert.equal(welcome['v'], 3, 'welcome names the newest version the server speaks');
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
  assert.equal(welcome['v'], 3, 'welcome names the newest version the server speaks');
  raw.ws.send(JSON.stringify({ t: 'input', seq: 1, dirs: 8 }));
  raw.ws.send(JSON.stringify({ t: 'ping', id: 9, ct: 1 }));
  const pong = await raw.next((m) => m['t'] === 'pong');
  assert.equal(pong['id'], 9);
  assert.equal('held' in pong, false, 'no field a version 1 client does not know');
});

test('another tether version, or no subprotocol, is accepted and closed with 4000 and what the server speaks', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  for (const offered of [['tether.4'], []]) {
    const raw = await openRaw(fx.wsUrl, offered);
    const closed = await raw.closed;
    assert.equal(closed.code, CloseCode.VersionMismatch, JSON.stringify(offered));
    assert.match(closed.reason, /server speaks tether\.3 and tether\.2 and tether\.1, client offered (tether\.4|none)/);
  }
  const wrongHello = await openRaw(fx.wsUrl);
  wrongHello.ws.send(hello('Vier', { v: 4 }));
  const closed = await wrongHello.closed;
  assert.equal(closed.code, CloseCode.VersionMismatch);
  assert.match(closed.reason, /server speaks 3 and 2 and 1, client sent 4/);
});
