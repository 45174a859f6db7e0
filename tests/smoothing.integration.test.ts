/**
 * Smoothing end to end: a client behind a real chaos proxy on the `3g` profile walks a scripted
 * path; its prediction must land exactly where the server has it, and while it walks the
 * renderer's view must show every input in the frame it is read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, joined, until } from './support/server-fixture.js';
import { startChaosProxy } from '../src/netsim/chaos-proxy.js';
import { DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP, stepBody, type Body } from '../src/shared/movement.js';

const PATH: ReadonlyArray<readonly [number, number]> = [
  [DIR_RIGHT, 600],
  [DIR_DOWN, 400],
  [0, 300],
  [DIR_LEFT, 500],
  [DIR_UP | DIR_RIGHT, 700],
  [DIR_UP, 300],
  [DIR_LEFT | DIR_DOWN, 400],
  [DIR_RIGHT, 500],
];

test('3g: a scripted walk ends with the predicted position exactly equal to the server position', async (t) => {
  const fx = await startFixture();
  const proxy = await startChaosProxy({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: fx.server.port, profile: '3g', seed: 11, log: () => {} });
  t.after(async () => {
    await proxy.close();
    await fx.close();
  });
  const c = fx.client('Walker3g', { url: `ws://127.0.0.1:${proxy.port}/ws` });
  await joined(c, 15000);
  const id = c.selfId!;
  const rules = c.rules!;
  const start = performance.now();
  let segment = 0;
  let segmentEnd = start + PATH[0]![1];
  let sent: number[] = [];
  const seqBefore = c.predictor!.lastAckSeq;
  let prevSelf: { x: number; y: number } | null = null;
  let frames = 0;
  let sameFrameMisses = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      while (segment < PATH.length && now >= segmentEnd) {
        segment++;
        if (segment < PATH.length) segmentEnd += PATH[segment]![1];
      }
      const dirs = segment < PATH.length ? PATH[segment]![0] : 0;
      c.setHeldDirs(dirs);
      const pendingBefore = c.predictor!.pending.length;
      c.advance(now);
      if (c.predictor!.pending.length > pendingBefore) sent.push(dirs);
      const self = c.view.frame(now).self!;
      if (prevSelf && dirs !== 0 && c.status.kind === 'live') {
        frames++;
        const probe = stepBody({ x: 500, y: 500, facing: 0, moving: false }, dirs, rules);
        const ux = probe.x - 500;
        const uy = probe.y - 500;
        const along = ((self.x - prevSelf.x) * ux + (self.y - prevSelf.y) * uy) / Math.hypot(ux, uy);
        if (along <= 0) sameFrameMisses++;
      }
      prevSelf = self;
      if (segment >= PATH.length) {
        clearInterval(timer);
        resolve();
      }
    }, 16);
  });
  c.setHeldDirs(0);
  // Everything sent is acknowledged and the server's queue is empty.
  await until(c, () => c.predictor!.pending.length === 0 && fx.server.room.world.bodies.get(id)!.queue.length === 0, 'all inputs acknowledged', 20000);
  const server: Body = fx.server.room.world.bodies.get(id)!.body;
  const predicted = c.predictor!.body;
  assert.equal(predicted.x, server.x, 'x');
  assert.equal(predicted.y, server.y, 'y');
  assert.ok(c.predictor!.lastAckSeq > seqBefore, 'inputs were acknowledged');
  assert.ok(sent.length > 40, `walked ${sent.length} ticks`);
  // A snap (a correction too large to smooth: the server dropped inputs) may move against the input.
  const snaps = c.predictor!.snaps;
  assert.ok(sameFrameMisses <= snaps, `frames where a held direction did not move the drawn player: ${sameFrameMisses} of ${frames} (snaps ${snaps}, server drops ${fx.server.room.world.droppedInputs})`);
  // Without a server-side disagreement (inputs dropped by the server's queue) nothing was corrected.
  if (fx.server.room.world.droppedInputs === 0 && c.resumes === 0) assert.equal(c.predictor!.corrections, 0, 'no correction without a disagreement');
});

test('resume: players who did not move are drawn exactly where they were, all through the drop', async (t) => {
  const fx = await startFixture();
  const proxy = await startChaosProxy({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: fx.server.port, profile: 'mobile', seed: 3, log: () => {} });
  t.after(async () => {
    await proxy.close();
    await fx.close();
  });
  const stander = fx.client('Stander');
  const c = fx.client('Resumer', { url: `ws://127.0.0.1:${proxy.port}/ws` });
  await joined(stander);
  await joined(c, 10000);
  const otherId = stander.selfId!;
  await until(c, () => c.players.has(otherId), 'sees the stander');
  const drawn: Array<{ self: string; other: string | undefined }> = [];
  const key = (b: { x: number; y: number } | null | undefined) => (b ? `${b.x},${b.y}` : undefined);
  const timer = setInterval(() => {
    const now = performance.now();
    c.advance(now);
    const f = c.view.frame(now);
    if (f.self) drawn.push({ self: key(f.self)!, other: key(f.others.get(otherId)) });
  }, 16);
  t.after(() => clearInterval(timer));
  await new Promise((r) => setTimeout(r, 1500));
  proxy.resetAll();
  await until(c, () => c.resumes === 1 && c.status.kind === 'live', 'resumed', 15000);
  await new Promise((r) => setTimeout(r, 1500));
  clearInterval(timer);
  assert.ok(drawn.length > 100, `${drawn.length} frames`);
  assert.deepEqual(new Set(drawn.map((d) => d.self)).size, 1, 'own player never moved on screen');
  assert.deepEqual(new Set(drawn.map((d) => d.other)).size, 1, 'the other player never moved on screen');
  assert.equal(c.predictor!.pending.length, 0);
});
