import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeClientMessage, decodeServerMessage, encodeMessage, PROTOCOL_VERSION, type ClientMessage } from './protocol.js';
import { parseResumeOffer, subprotocolsFor } from './resume-offer.js';

test('client messages round-trip through encode and decode', () => {
  const msgs: ClientMessage[] = [
    { t: 'hello', v: PROTOCOL_VERSION, name: '葬爱', character: 3, accountToken: 'A'.repeat(32), lastChatSeq: 7 },
    { t: 'input', seq: 1, dirs: 9 },
    { t: 'inputs', first: 5, dirs: [1, 2, 3] },
    { t: 'chat', id: 'abc_-1', text: 'hi' },
    { t: 'ping', id: 3, ct: 12.5 },
    { t: 'leave' },
  ];
  for (const m of msgs) {
    const r = decodeClientMessage(encodeMessage(m));
    assert.ok(r.ok, JSON.stringify(m));
    assert.deepEqual(r.value, m);
  }
});

test('bad frames decode to a reason, never a throw', () => {
  const cases: Array<[string, string]> = [
    ['not json', 'malformed'],
    ['[1,2]', 'malformed'],
    ['null', 'malformed'],
    ['{"t":"teleport","x":5}', 'unknown_type'],
    ['{"x":1}', 'unknown_type'],
    ['{"t":"input","seq":"1","dirs":1}', 'invalid'],
    ['{"t":"input","seq":1,"dirs":16}', 'invalid'],
    ['{"t":"input","seq":0,"dirs":1}', 'invalid'],
    ['{"t":"hello","v":1,"name":"a","character":6}', 'invalid'],
    ['{"t":"inputs","first":1,"dirs":[1,1,1,1,1,1,1,1,1]}', 'invalid'],
  ];
  for (const [text, kind] of cases) {
    const r = decodeClientMessage(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.equal(r.kind, kind, text);
  }
});

test('decoding never yields prototype pollution or behaviour', () => {
  const r = decodeClientMessage('{"t":"leave","__proto__":{"polluted":true},"constructor":{"x":1}}');
  assert.ok(r.ok);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.deepEqual(Object.keys(r.value), ['t']);
});

test('server messages decode with their schema', () => {
  const r = decodeServerMessage(encodeMessage({ t: 'pong', id: 1, ct: 2, st: 3, tick: 4 }));
  assert.ok(r.ok);
  assert.equal(decodeServerMessage('{"t":"pong"}').ok, false);
});

test('the resume offer rides in the subprotocol list and parses back', () => {
  const protocols = subprotocolsFor({ resumeToken: 'x'.repeat(32), lastChatSeq: 42 });
  assert.equal(protocols[0], 'tether.3');
  assert.equal(protocols[1], 'tether.2', 'a server not yet upgraded still takes the client');
  assert.deepEqual(parseResumeOffer(protocols), { resumeToken: 'x'.repeat(32), lastChatSeq: 42 });
  assert.equal(parseResumeOffer(['tether.2']), null);
  assert.equal(parseResumeOffer(['tether.2', 'resume.short.1']), null);
  assert.deepEqual(subprotocolsFor(null), ['tether.3', 'tether.2']);
});

test('a refused message says which field broke which rule', () => {
  const r = decodeClientMessage('{"t":"input","seq":1,"dirs":16}');
  assert.ok(!r.ok);
  assert.match(r.detail, /^input: dirs: too big \(max 15\)$/);
  const s = decodeServerMessage('{"t":"presence","id":1,"state":"asleep"}');
  assert.ok(!s.ok);
  assert.match(s.detail, /^presence: state: expected one of "live", "reconnecting"$/);
  const w = decodeServerMessage('{"t":"pong","id":1.5,"ct":0,"st":0,"tick":0}');
  assert.ok(!w.ok);
  assert.match(w.detail, /^pong: id: expected int$/);
});
