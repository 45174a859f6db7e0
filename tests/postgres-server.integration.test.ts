/**
 * A server started with --postgres keeps its players there: after a restart on the same
 * database a player comes back with the same id, name and position, and the profile row is in
 * PostgreSQL, not in a SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/server/config.js';
import { startFixture, joined, until } from './support/server-fixture.js';
import { createTestDatabase } from './support/postgres-fixture.js';

test('--postgres (or TETHER_POSTGRES) takes a postgres:// URL and refuses anything else', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/tether';
  assert.equal((loadConfig(['--postgres', url], {}) as { postgresUrl: string }).postgresUrl, url);
  assert.equal((loadConfig([], { TETHER_POSTGRES: url }) as { postgresUrl: string }).postgresUrl, url);
  assert.equal((loadConfig([], {}) as { postgresUrl: string }).postgresUrl, '');
  assert.throws(() => loadConfig(['--postgres', 'mysql://x/y'], {}), ConfigError);
  assert.throws(() => loadConfig(['--postgres', 'not a url'], {}), ConfigError);
});

test('a server on PostgreSQL: the player survives a restart with the same id, name and position', async (t) => {
  const db = await createTestDatabase();
  const fx = await startFixture({ postgresUrl: db.url });
  t.after(async () => {
    await fx.close();
    await db.drop();
  });
  const a = fx.client('Postgrés 🐘', { character: 3 });
  await joined(a);
  const id = a.selfId!;
  const { rows } = await db.query('SELECT id, name, character FROM profiles');
  assert.deepEqual(rows, [{ id, name: 'Postgrés 🐘', character: 3 }]);
  assert.equal(existsSync(join(fx.dir, 'tether.sqlite')), false, 'no SQLite file when --postgres is set');

  await fx.restart();
  await until(a, () => a.rejoins === 1 && a.status.kind === 'live', 'A back after the restart', 10000);
  assert.equal(a.selfId, id);
  assert.equal(fx.server.room.world.bodies.get(id)?.body.x, (await db.query('SELECT x FROM profiles WHERE id = $1', [id])).rows[0]?.x);
});
