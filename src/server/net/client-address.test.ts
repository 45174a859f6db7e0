import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProxyTrust, addressKey, clientAddress } from './client-address.js';

test('an untrusted peer is the client, whatever its headers say', () => {
  const none = new ProxyTrust([]);
  assert.equal(clientAddress('203.0.113.9', { 'x-forwarded-for': '1.1.1.1' }, none), '203.0.113.9');
  assert.equal(clientAddress('127.0.0.1', { 'x-forwarded-for': '1.1.1.1' }, none), '127.0.0.1', 'loopback is not trusted by default');
  assert.equal(clientAddress('::ffff:198.51.100.7', {}, none), '198.51.100.7');
});

test('behind trusted proxies the rightmost untrusted hop is the client; what the client wrote on the left is ignored', () => {
  const trust = new ProxyTrust(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
  assert.equal(clientAddress('127.0.0.1', { 'x-forwarded-for': '198.51.100.7' }, trust), '198.51.100.7');
  // The client forged "6.6.6.6"; the edge proxy 10.1.1.1 appended the real peer.
  assert.equal(clientAddress('127.0.0.1', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.1.1.1' }, trust), '198.51.100.7');
  assert.equal(clientAddress('::ffff:127.0.0.1', { 'x-forwarded-for': '198.51.100.7:5555' }, trust), '198.51.100.7');
  assert.equal(clientAddress('127.0.0.1', { 'x-forwarded-for': '[2001:db8::5]:443' }, trust), '2001:db8::5');
  assert.equal(clientAddress('127.0.0.1', { 'x-forwarded-for': '10.0.0.2, 10.0.0.3' }, trust), '10.0.0.2', 'all trusted: the leftmost');
  assert.equal(clientAddress('127.0.0.1', { 'x-forwarded-for': 'unknown' }, trust), '127.0.0.1', 'garbage: the proxy itself');
  assert.equal(clientAddress('127.0.0.1', {}, trust), '127.0.0.1');
  assert.equal(clientAddress('fd00::1', { 'x-forwarded-for': '2001:db8::9' }, trust), '2001:db8::9');
  const fwd = { forwarded: 'for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https, For=10.9.9.9;by=10.0.0.1' };
  assert.equal(clientAddress('127.0.0.1', fwd, trust, 'forwarded'), '2001:db8:cafe::17');
  assert.equal(clientAddress('127.0.0.1', fwd, trust), '127.0.0.1', 'the header not configured is not read');
});

test('bad trust entries are refused', () => {
  for (const bad of ['localhost', '10.0.0.0/33', '::1/129', '1.2.3.4/8/9', '1.2.3.4/x']) assert.throws(() => new ProxyTrust([bad]), /trusted proxy/);
});

test('limits count an IPv6 /64 as one address, IPv4 (mapped or not) by address', () => {
  assert.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:0db8:0001:0002:ffff:eeee:dddd:cccc'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(addressKey('64:ff9b::192.0.2.33'), '64:ff9b:0:0::/64');
  assert.equal(addressKey('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(addressKey('192.0.2.1'), '192.0.2.1');
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
});
