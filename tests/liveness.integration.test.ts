import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_HEADERS, startFixture } from './support/server-fixture.js';
import { hello, openRaw } from './support/raw-socket.js';

test('a client that pings costs no server pings and its RTT report is shown; a silent one is pinged and kept', async (t) => {
  const fx = await startFixture({ heartbeatMs: 200, deadAfterMs: 1500 });
  t.after(() => fx.close());
  const talker = await openRaw(fx.wsUrl);
  const quiet = await openRaw(fx.wsUrl);
  talker.ws.send(hello('Talker'));
  quiet.ws.send(hello('Quiet'));
  await talker.next((m) => m['t'] === 'welcome');
  await quiet.next((m) => m['t'] === 'welcome');
  let talkerPinged = 0;
  let quietPinged = 0;
  // Heartbeat pings have no payload; read probes (8 random bytes, read-probe.ts) ride in the
  // state frame's write and cost no extra send.
  talker.ws.on('ping', (data: Buffer) => data.length === 0 && talkerPinged++);
  quiet.ws.on('ping', (data: Buffer) => data.length === 0 && quietPinged++);

  // The talker pings every 50 ms (well inside a heartbeat), reporting an RTT of 42 ms.
  let id = 0;
  const pinger = setInterval(() => {
    id++;
    talker.ws.send(JSON.stringify({ t: 'ping', id, ct: 1000 + id, rtt: 42 }));
  }, 50);
  t.after(() => clearInterval(pinger));
  // Four heartbeats pass (the quiet socket hears pings, the event to wait on); it stays open.
  await new Promise<void>((resolve) => quiet.ws.on('ping', () => quietPinged >= 4 && resolve()));
  clearInterval(pinger);
  assert.equal(talkerPinged, 0, 'a link that keeps talking is not pinged');
  assert.equal(quiet.ws.readyState, quiet.ws.OPEN, 'answering pings keeps a silent client alive');

  // Every ping was answered; a pong that waited for the next state frame says how long.
  const pongs = talker.messages.filter((m): m is Record<string, number> => (m as { t?: string }).t === 'pong');
  assert.ok(pongs.length >= id - 2, `${pongs.length} pongs for ${id} pings`);
  const tickMs = 1000 / fx.config.rules.tickRateHz;
  for (const p of pongs) {
    assert.equal(p['ct'], 1000 + p['id']!);
    assert.ok(p['held']! >= 0 && p['held']! <= tickMs * 3, `held ${p['held']} ms`);
  }

  const status = (await (await fetch(`http://127.0.0.1:${fx.server.port}/status.json`, { headers: ADMIN_HEADERS })).json()) as { players: Array<{ name: string; rttMs: number | null }> };
  assert.equal(status.players.find((p) => p.name === 'Talker')?.rttMs, 42, 'the reported RTT is on the status page');
  const quietRtt = status.players.find((p) => p.name === 'Quiet')?.rttMs;
  assert.ok(quietRtt !== null && quietRtt !== undefined && quietRtt < 1000, `the quiet one's RTT comes from protocol pings: ${quietRtt}`);
  talker.ws.close();
  quiet.ws.close();
});
