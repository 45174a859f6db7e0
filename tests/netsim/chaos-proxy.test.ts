import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { startChaosProxy, type ChaosProxy } from '../../src/netsim/chaos-proxy.js';
import { PROFILE_NAMES, PROFILES, tweakProfile, type Profile } from '../../src/shared/netsim-profiles.js';
import { collect, connect, control, patternBytes, sha, startTarget, type Target } from './net-helpers.js';

/** About 4 s of the profile's bandwidth per direction, capped at 2 MB (4 MB when unlimited). */
function sizeFor(bytesPerSec: number): number {
  return bytesPerSec === 0 ? 4 * 1024 * 1024 : Math.min(2 * 1024 * 1024, Math.round(bytesPerSec * 4));
}

type Got = { data: Buffer; error: string | null };

/** A target that records what it receives and sends `reply` (then FIN) on every connection. */
async function recordingTarget(reply: Buffer | null): Promise<{ target: Target; received: Promise<Got>[] }> {
  const received: Promise<Got>[] = [];
  const target = await startTarget((s) => {
    received.push(collect(s));
    if (reply) s.end(reply);
  });
  return { target, received };
}

async function withProxy(profile: string | Profile, reply: Buffer | null, body: (p: ChaosProxy, t: Target, received: Promise<Got>[]) => Promise<void>): Promise<void> {
  const { target, received } = await recordingTarget(reply);
  const proxy = await startChaosProxy({ listenPort: 0, targetHost: '127.0.0.1', targetPort: target.port, profile, seed: 42, controlPort: 0 });
  try {
    await body(proxy, target, received);
  } finally {
    await proxy.close();
    await target.close();
  }
}

describe('every byte arrives intact and in order, both directions, under every profile', { concurrency: true }, () => {
  for (const name of PROFILE_NAMES) {
    test(name, { timeout: 25_000 }, async () => {
      const profile = PROFILES[name];
      const upBytes = patternBytes(1, sizeFor(profile.up.bandwidthBytesPerSec));
      const downBytes = patternBytes(2, sizeFor(profile.down.bandwidthBytesPerSec));
      await withProxy(name, downBytes, async (proxy, _t, received) => {
        const client = await connect(proxy.port);
        const clientGot = collect(client);
        client.end(upBytes);
        const got = await clientGot;
        assert.equal(got.error, null);
        assert.equal(got.data.length, downBytes.length, 'down length');
        assert.equal(sha(got.data), sha(downBytes), 'down bytes');
        const server = await received[0]!;
        assert.equal(server.error, null);
        assert.equal(server.data.length, upBytes.length, 'up length');
        assert.equal(sha(server.data), sha(upBytes), 'up bytes');
      });
    });
  }
});

describe('faults', () => {
  test('a black hole forwards nothing and keeps both sockets open; lifting it delivers in order', async () => {
    await withProxy('ideal', null, async (proxy, target) => {
      const client = await connect(proxy.port);
      const server = await target.nextConnection();
      let closed = false;
      client.on('close', () => (closed = true));
      server.on('close', () => (closed = true));
      const r = await control(proxy.controlPort!, 'POST', '/blackhole', '{"on":true}');
      assert.equal(r.status, 200);
      const arrived: Buffer[] = [];
      server.on('data', (b: Buffer) => arrived.push(b));
      const payload = patternBytes(3, 50_000);
      client.write(payload);
      // Nothing to await for "nothing happens": give it a generous window.
      await new Promise((res) => setTimeout(res, 400));
      assert.equal(arrived.length, 0, 'no byte crossed the black hole');
      assert.equal(closed, false);
      assert.ok(!client.destroyed && !server.destroyed);
      assert.equal(proxy.stats().connections[0]!.queuedUp, payload.length);
      proxy.blackhole(false);
      while (Buffer.concat(arrived).length < payload.length) await once(server, 'data');
      assert.equal(sha(Buffer.concat(arrived)), sha(payload));
    });
  });

  test('reset gives both ends an abrupt close (ECONNRESET)', async () => {
    await withProxy('ideal', null, async (proxy, target) => {
      const client = await connect(proxy.port);
      const server = await target.nextConnection();
      const serverErr = new Promise<string>((res) => server.once('error', (e: NodeJS.ErrnoException) => res(e.code ?? '')));
      const got = collect(client);
      const r = await control(proxy.controlPort!, 'POST', '/reset');
      assert.deepEqual(r.json, { reset: 1 });
      assert.equal((await got).error, 'ECONNRESET');
      assert.equal(await serverErr, 'ECONNRESET');
    });
  });

  test('clean close sends FIN to both ends', async () => {
    await withProxy('ideal', null, async (proxy, target) => {
      const client = await connect(proxy.port);
      const server = await target.nextConnection();
      const ends = Promise.all([once(client, 'end'), once(server, 'end')]);
      assert.deepEqual((await control(proxy.controlPort!, 'POST', '/close')).json, { closed: 1 });
      await ends;
    });
  });

  test('a profile with cut faults closes mid-chunk, after a byte-exact prefix', async () => {
    const cutty = tweakProfile(PROFILES.ideal, { name: 'cutty', faults: { minIntervalMs: 200, maxIntervalMs: 300, weights: { cut: 1 }, slowCloseMs: [0, 0], serverDownMs: [0, 0] } });
    const stream = patternBytes(4, 8 * 1024 * 1024);
    await withProxy(cutty, null, async (proxy, target) => {
      const client = await connect(proxy.port);
      const server = await target.nextConnection();
      const got = collect(client);
      // Trickle so the cut lands on a live chunk.
      let off = 0;
      const timer = setInterval(() => {
        if (off < stream.length && !server.destroyed) server.write(stream.subarray(off, (off += 4096)));
      }, 5);
      const { data } = await got;
      clearInterval(timer);
      assert.ok(data.length > 0 && data.length < stream.length, `got ${data.length}`);
      assert.equal(sha(data), sha(stream.subarray(0, data.length)), 'a prefix, never different bytes');
      assert.equal(proxy.stats().counters.cuts, 1);
    });
  });

  test('flapping faults of every kind end connections but never alter the bytes', { timeout: 30_000 }, async () => {
    const fast = tweakProfile(PROFILES.flapping, {
      name: 'fast-flapping',
      faults: { minIntervalMs: 150, maxIntervalMs: 300, weights: { reset: 1, close: 1, cut: 1, slowClose: 1, serverDown: 1 }, slowCloseMs: [100, 300], serverDownMs: [100, 300] },
    });
    const stream = patternBytes(5, 4 * 1024 * 1024);
    const timers: NodeJS.Timeout[] = [];
    const { target } = await recordingTarget(null);
    const proxy = await startChaosProxy({ listenPort: 0, targetHost: '127.0.0.1', targetPort: target.port, profile: fast, seed: 3 });
    const events: string[] = [];
    try {
      for (let i = 0; proxy.stats().counters.accepted! < 25; i++) {
        // While the "server" is down every attempt is refused at once: wait the window out.
        const downMs = proxy.stats().downForMs;
        if (downMs > 0) await new Promise((res) => setTimeout(res, downMs + 5));
        const accepted = target.nextConnection();
        const got = collect(net.connect(proxy.port, '127.0.0.1'));
        // Serve a steady stream once the proxy has connected upstream (refused attempts never do).
        void accepted.then((s) => {
          let off = 0;
          const t = setInterval(() => {
            if (off < stream.length && !s.destroyed && s.writable) s.write(stream.subarray(off, (off += 2048)));
          }, 5);
          timers.push(t);
          s.on('close', () => clearInterval(t));
        });
        const { data, error } = await got;
        events.push(error ?? 'end');
        assert.equal(sha(data), sha(stream.subarray(0, data.length)), `connection ${i}: a prefix, never different bytes`);
      }
      const c = proxy.stats().counters;
      for (const k of ['resets', 'closes', 'cuts', 'slowCloses', 'serverDowns'] as const) assert.ok(c[k]! > 0, `saw ${k}: ${JSON.stringify(c)}`);
      assert.ok(events.includes('ECONNRESET') && events.includes('end'));
    } finally {
      for (const t of timers) clearInterval(t);
      await proxy.close();
      await target.close();
    }
  });

  test('server down refuses new connections with RST, then accepts again', async () => {
    await withProxy('ideal', null, async (proxy) => {
      assert.equal((await control(proxy.controlPort!, 'POST', '/down', '{"durationMs":300}')).status, 200);
      // The RST may beat the 'connect' event, so do not wait for it.
      const refused = await collect(net.connect(proxy.port, '127.0.0.1'));
      assert.equal(refused.error, 'ECONNRESET');
      await new Promise((res) => setTimeout(res, 350));
      const ok = await connect(proxy.port);
      ok.destroy();
      const status = await control(proxy.controlPort!, 'GET', '/status');
      assert.equal((status.json.counters as Record<string, number>).refused, 1);
    });
  });

  test('an unreachable target resets the client instead of hanging', async () => {
    const t = await startTarget();
    const deadPort = t.port;
    await t.close();
    const proxy = await startChaosProxy({ listenPort: 0, targetHost: '127.0.0.1', targetPort: deadPort, profile: 'ideal', seed: 1 });
    try {
      const got = await collect(await connect(proxy.port));
      assert.equal(got.error, 'ECONNRESET');
      assert.equal(proxy.stats().counters.upstreamErrors, 1);
    } finally {
      await proxy.close();
    }
  });
});

describe('control API', () => {
  test('changes conditions mid-connection', async () => {
    await withProxy('ideal', null, async (proxy, target) => {
      const client = await connect(proxy.port);
      const server = await target.nextConnection();
      server.on('data', (b: Buffer) => server.write(b));
      const rtt = async (): Promise<number> => {
        const t0 = performance.now();
        client.write('x');
        await once(client, 'data');
        return performance.now() - t0;
      };
      assert.ok((await rtt()) < 50);
      const r = await control(proxy.controlPort!, 'POST', '/profile', '{"name":"3g"}');
      assert.deepEqual(r.json, { profile: '3g' });
      const slow = await rtt();
      assert.ok(slow >= 300, `3g round trip ${slow} ms`);
      const st = await control(proxy.controlPort!, 'GET', '/status');
      assert.equal(st.json.profile, '3g');
      assert.equal(st.json.seed, 42);
      assert.equal((st.json.connections as unknown[]).length, 1);
    });
  });

  test('malformed requests get 400 with a JSON error, unknown routes 404', async () => {
    await withProxy('ideal', null, async (proxy) => {
      const cp = proxy.controlPort!;
      const cases: [string, string, string | undefined][] = [
        ['POST', '/profile', '{"name":'],
        ['POST', '/profile', '{"name":"lte"}'],
        ['POST', '/profile', '[1]'],
        ['POST', '/profile', '{}'],
        ['POST', '/blackhole', '{"on":"yes"}'],
        ['POST', '/blackhole', '{"on":true,"durationMs":-5}'],
        ['POST', '/down', '{}'],
        ['POST', '/down', '{"durationMs":1e12}'],
        ['POST', '/down', '{"durationMs":"3000"}'],
      ];
      for (const [m, p, b] of cases) {
        const r = await control(cp, m, p, b);
        assert.equal(r.status, 400, `${m} ${p} ${b}`);
        assert.equal(typeof r.json.error, 'string');
      }
      assert.equal((await control(cp, 'GET', '/nope')).status, 404);
      assert.equal((await control(cp, 'GET', '/reset')).status, 405);
      assert.equal(proxy.profileName, 'ideal');
    });
  });
});

test('bad options fail with a clear error', async () => {
  await assert.rejects(startChaosProxy({ listenPort: 0, targetHost: '127.0.0.1', targetPort: 1, profile: 'lte', seed: 1 }), /unknown profile "lte"/);
  const t = await startTarget();
  try {
    await assert.rejects(startChaosProxy({ listenPort: t.port, targetHost: '127.0.0.1', targetPort: 1, profile: 'ideal', seed: 1 }), /EADDRINUSE/);
  } finally {
    await t.close();
  }
});
