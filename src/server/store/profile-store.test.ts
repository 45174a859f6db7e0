import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStorage } from './sqlite-store.js';
import { NAME_KEY_VERSION, nameKey } from '../game/name-key.js';
import { DAY_MS, expireProfiles, rekeyProfiles } from '../game/profile-upkeep.js';
import { createMemoryLogger } from '../logger.js';

function tempDb(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tether-profiles-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'tether.sqlite');
}

const base = { character: 0, x: 1, y: 2, accountTokenHash: 'ab' };

test('start-up recomputes keys made by an older nameKey; a look-alike pair that slipped past the old keys: the older profile keeps the name', async (t) => {
  const path = tempDb(t);
  const old = openSqliteStorage({ path, chatHistoryLimit: 10 });
  // Keys as the first nameKey made them: it did not fold Cyrillic "М" or "І".
  const admin = await old.profiles.create({ ...base, name: 'ADMIN', nameKey: 'admln' });
  const twin = await old.profiles.create({ ...base, name: 'АDМІN', nameKey: 'adмln' });
  const bob = await old.profiles.create({ ...base, name: 'Bob', nameKey: 'bob' });
  await old.close();

  const storage = openSqliteStorage({ path, chatHistoryLimit: 10 });
  t.after(() => storage.close());
  const logger = createMemoryLogger();
  await rekeyProfiles(storage.profiles, logger);
  assert.equal((await storage.profiles.findByNameKey(nameKey('ADMIN')))?.id, admin.id);
  assert.equal((await storage.profiles.findByNameKey(nameKey('АDМІN')))?.id, admin.id, 'the look-alike now finds the original');
  assert.equal((await storage.profiles.findByNameKey(nameKey('Bob')))?.id, bob.id);
  const collision = logger.lines.find((l) => l.event === 'name_key_collision');
  assert.equal(collision?.['id'], twin.id);
  assert.ok(logger.lines.some((l) => l.event === 'name_keys_recomputed'));
  // Once per version: a second start does nothing.
  const again = await storage.profiles.rekey(NAME_KEY_VERSION, () => 'x');
  assert.deepEqual(again, { changed: 0, shadowed: [] });
});

test('expiry deletes profiles unused for the period, keeps recent ones and players in the world; the name is free again', async (t) => {
  const path = tempDb(t);
  const storage = openSqliteStorage({ path, chatHistoryLimit: 10 });
  t.after(() => storage.close());
  const stale = await storage.profiles.create({ ...base, name: 'Stale', nameKey: nameKey('Stale') });
  const online = await storage.profiles.create({ ...base, name: 'Online', nameKey: nameKey('Online') });
  const fresh = await storage.profiles.create({ ...base, name: 'Fresh', nameKey: nameKey('Fresh') });
  const touched = await storage.profiles.create({ ...base, name: 'Touched', nameKey: nameKey('Touched') });
  const db = new Database(path);
  t.after(() => db.close());
  const longAgo = Date.now() - 200 * DAY_MS;
  db.prepare('UPDATE profiles SET updated_at = ? WHERE id IN (?, ?, ?)').run(longAgo, stale.id, online.id, touched.id);
  await storage.profiles.touch(touched.id);
  const deleted = await expireProfiles(storage.profiles, 180, new Set([online.id]), Date.now(), createMemoryLogger());
  assert.equal(deleted, 1);
  assert.equal(await storage.profiles.findByNameKey(nameKey('Stale')), undefined);
  for (const p of [online, fresh, touched]) assert.ok(await storage.profiles.findByNameKey(p.nameKey), p.name);
  assert.equal(await expireProfiles(storage.profiles, 0, new Set(), Date.now(), createMemoryLogger()), 0, '0 keeps profiles for ever');
  const reborn = await storage.profiles.create({ ...base, name: 'Stale', nameKey: nameKey('Stale') });
  assert.ok(reborn.id > touched.id, 'a new profile, never the old id');
});

test('npm run admin -- free-name frees a squatted name (and its look-alikes); an unknown name is an error', async (t) => {
  const path = tempDb(t);
  const storage = openSqliteStorage({ path, chatHistoryLimit: 10 });
  await storage.profiles.rekey(NAME_KEY_VERSION, nameKey);
  await storage.profiles.create({ ...base, name: 'Squatter', nameKey: nameKey('Squatter') });
  await storage.close();
  const run = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', ...args, '--db', path], { encoding: 'utf8' });
  assert.match(run('free-name', 'SQUATTER'), /freed "Squatter"/);
  assert.throws(() => run('free-name', 'Squatter'), /no profile holds the name/);
  const after = openSqliteStorage({ path, chatHistoryLimit: 10 });
  t.after(() => after.close());
  assert.equal(await after.profiles.findByNameKey(nameKey('Squatter')), undefined);
});
