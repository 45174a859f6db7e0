import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../shared/rng.js';
import { checkName, graphemeCount } from '../shared/names.js';
import { botName } from './names.js';

test('bot names are valid, at most 16 characters and mix Chinese and Latin (collisions: src/server/game/name-key.test.ts)', () => {
  const root = createRng(7);
  for (let i = 0; i < 5000; i++) {
    const name = botName(root.fork(`bot.${i}`).fork('name'), i);
    const checked = checkName(name);
    assert.ok(checked.ok, name);
    assert.ok(graphemeCount(name) <= 16, name);
    assert.match(name, /\p{Script=Han}/u);
    assert.match(name, /[A-Za-z]/);
  }
  // Seeded: the same run gives the same names.
  assert.equal(botName(createRng(7).fork('bot.3').fork('name'), 3), botName(createRng(7).fork('bot.3').fork('name'), 3));
  assert.ok(checkName(botName(createRng(1), 12, 4)).ok);
});
