import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REPLAY_LIMITS, HISTORY_ON_JOIN, MAX_REPLAY_LINES, ReplayPolicy, type ChatHistory } from './replay-policy.js';
import type { StoredChatLine } from '../store/store.js';

function historyOf(n: number): ChatHistory & { push(count: number): void } {
  const lines: StoredChatLine[] = [];
  const h = {
    get lastSeq() {
      return lines.at(-1)?.seq ?? 0;
    },
    after(seq: number, limit: number) {
      return lines.filter((l) => l.seq > seq).slice(-limit);
    },
    push(count: number) {
      for (let i = 0; i < count; i++) lines.push({ seq: lines.length + 1, from: 1, clientId: `c${lines.length}`, name: 'A', text: 'x'.repeat(100), atMs: 0 });
    },
  };
  h.push(n);
  return h;
}

const SIZE = 200;

test('a fresh join gets the short history; a session cannot be replayed anything from before it began', () => {
  const h = historyOf(500);
  // Allowances out of the way: this is about the window.
  const p = new ReplayPolicy(h, () => SIZE, { ...DEFAULT_REPLAY_LIMITS, accountBurstBytes: 1e9, addressBurstBytes: 1e9 });
  assert.equal(p.linesFor(7, 'a', undefined, 0).length, HISTORY_ON_JOIN);
  p.sessionOpened(7);
  h.push(10);
  const replay = p.linesFor(7, 'a', 0, 0);
  assert.equal(replay.length, HISTORY_ON_JOIN + 10, 'lastChatSeq 0 gets only the session window');
  assert.equal(replay[0]!.seq, 500 - HISTORY_ON_JOIN + 1);
  assert.deepEqual(p.linesFor(7, 'a', 505, 0).map((l) => l.seq), [506, 507, 508, 509, 510], 'an honest claim is served exactly');
  h.push(1000);
  assert.equal(p.linesFor(7, 'a', 0, 0).length, MAX_REPLAY_LINES, 'never more than the line cap');
});

test('asking again and again: fewer lines (the newest), then none, until the allowance refills', () => {
  const h = historyOf(200);
  const p = new ReplayPolicy(h, () => SIZE);
  p.sessionOpened(7);
  h.push(100);
  let total = 0;
  const sizes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const got = p.linesFor(7, 'a', 0, 0);
    sizes.push(got.length);
    total += got.length * SIZE;
    if (got.length > 0) assert.equal(got.at(-1)!.seq, 300, 'the newest line is kept');
  }
  assert.ok(total <= DEFAULT_REPLAY_LIMITS.accountBurstBytes, `total ${total}`);
  assert.equal(sizes.at(-1), 0);
  assert.ok(p.linesFor(7, 'a', 0, 10_000).length > 0, 'ten seconds later some allowance is back');
});

test('requests past the burst are refused with a retry time, per account and per address', () => {
  const p = new ReplayPolicy(historyOf(0), () => SIZE);
  for (let i = 0; i < DEFAULT_REPLAY_LIMITS.accountJoinBurst; i++) assert.equal(p.admitAccount(1, 0).ok, true);
  const refused = p.admitAccount(1, 0);
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.ok(refused.retryAfterMs > 0);
  assert.equal(p.admitAccount(2, 0).ok, true, 'another account is not affected');
  let n = 0;
  while (p.admitAddress('b', 0).ok) n++;
  assert.equal(n, DEFAULT_REPLAY_LIMITS.addressJoinBurst);
});
