/**
 * Password guessing on a `--password` server: a loop of fresh connections from one address gets
 * its few free tries, then waits 1 s, 2 s, 4 s ... with nothing checked meanwhile; the log has a
 * line when the burst starts and one summary when it ends. Another address is not affected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture } from './support/server-fixture.js';
import { hello, openRaw } from './support/raw-socket.js';
import { CloseCode } from '../src/shared/close-codes.js';
import { FREE_FAILURES } from '../src/server/game/password-attempts.js';
import { SUBPROTOCOL } from '../src/shared/protocol.js';

test('a guessing loop gets a handful of tries in 3 s, not thousands, and two log lines per burst', async (t) => {
  const fx = await startFixture({ password: 'correct horse', trustProxy: ['127.0.0.1'] });
  t.after(() => fx.close());
  const guesser = { 'X-Forwarded-For': '198.51.100.66' };
  const attempts = fx.server.room.passwordAttempts;
  let tries = 0;
  let lockedOut = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 3000) {
    const raw = await openRaw(fx.wsUrl, [SUBPROTOCOL], guesser);
    raw.ws.send(hello('Guesser', { password: `guess${tries++}` }));
    const answer = await raw.next((m) => m['t'] === 'error');
    if (/try again in \d+ s/.test(String(answer['message']))) lockedOut++;
    raw.ws.terminate();
  }
  const seconds = (performance.now() - t0) / 1000;
  // FREE_FAILURES, then one after 1 s and one after 2 s more: at most 7 in 3 s (8 with timing slack).
  assert.ok(attempts.checked <= FREE_FAILURES + 3, `${attempts.checked} passwords checked in ${seconds.toFixed(1)} s (${tries} tries)`);
  assert.ok(attempts.checked >= FREE_FAILURES, 'the free tries were checked');
  assert.ok(lockedOut > 0 && lockedOut === attempts.refusedLocked, `locked-out tries told so: ${lockedOut}`);
  process.stdout.write(`# password guessing: ${tries} tries in ${seconds.toFixed(1)} s (${(tries / seconds).toFixed(0)}/s), ${attempts.checked} checked (${(attempts.checked / seconds).toFixed(1)}/s), ${lockedOut} refused unchecked\n`);

  // The right password from the locked address is refused too (nothing is checked while locked)...
  const locked = await openRaw(fx.wsUrl, [SUBPROTOCOL], guesser);
  locked.ws.send(hello('Guesser', { password: 'correct horse' }));
  const closed = await locked.closed;
  assert.equal(closed.code, CloseCode.Unauthorized);
  assert.match(closed.reason, /too many wrong passwords, try again in \d+ s/);
  // ...while another address joins.
  const friend = await openRaw(fx.wsUrl, [SUBPROTOCOL], { 'X-Forwarded-For': '203.0.113.5' });
  friend.ws.send(hello('Friend', { password: 'correct horse' }));
  await friend.next((m) => m['t'] === 'welcome');
  friend.ws.close();

  await fx.server.stop(0); // ends the burst: its summary is written
  const lines = fx.logs.filter((l) => l.event === 'password_guessing');
  assert.equal(lines.length, 2, `one line when the burst starts, one summary: ${JSON.stringify(lines)}`);
  assert.equal(lines[1]!['burst'], 'ended');
  assert.equal(lines[1]!['count'], tries + 1, 'every try, the locked right one included');
  assert.equal(lines[1]!['addr'], '198.51.100.66');
});
