/**
 * One contract, every storage: the SQLite store and the PostgreSQL store run these same
 * assertions (src/server/store/*-store.test.ts). A backend supplies `open` (a Storage on its
 * backing data, which survives close and open) and `reset` (empty backing data).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { NameTakenError, type NewProfile, type Storage, type StoredChatLine } from '../../src/server/store/store.js';

export interface StorageBackend {
  open(chatHistoryLimit: number): Promise<Storage>;
  reset(): Promise<void>;
}

const profile = (name: string, more: Partial<NewProfile> = {}): NewProfile => ({
  name,
  nameKey: name.toLowerCase(),
  character: 2,
  x: 10.5,
  y: 20.25,
  accountTokenHash: 'ab'.repeat(32),
  ...more,
});

const line = (seq: number, more: Partial<StoredChatLine> = {}): StoredChatLine => ({
  seq,
  from: 1,
  clientId: `c${seq}`,
  name: 'Ann',
  text: `line ${seq}`,
  atMs: 1_700_000_000_000 + seq,
  ...more,
});

export function storageConformance(backend: StorageBackend): void {
  const open: Storage[] = [];
  const openStore = async (limit = 1000) => {
    const s = await backend.open(limit);
    open.push(s);
    return s;
  };
  beforeEach(() => backend.reset());
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  test('a created profile is found by its name key with every field', async () => {
    const s = await openStore();
    const created = await s.profiles.create(profile('Ann', { name: '安娜 🐱', nameKey: 'anna-key' }));
    assert.equal(created.facing, 0);
    assert.ok(Number.isInteger(created.id) && created.id > 0);
    assert.deepEqual(await s.profiles.findByNameKey('anna-key'), { ...created });
    assert.equal(await s.profiles.findByNameKey('nobody'), undefined);
    assert.deepEqual(await s.profiles.findById(created.id), { ...created });
    assert.equal(await s.profiles.findById(created.id + 1000), undefined);
  });

  test('a taken name key is refused with NameTakenError and ids are never reused', async () => {
    const s = await openStore();
    const a = await s.profiles.create(profile('Ann'));
    await assert.rejects(s.profiles.create(profile('ANN', { nameKey: 'ann' })), NameTakenError);
    const b = await s.profiles.create(profile('Bob'));
    assert.ok(b.id > a.id, `ids grow: ${a.id} then ${b.id}`);
  });

  test('appearance and positions persist across close and open', async () => {
    const s = await openStore();
    const a = await s.profiles.create(profile('Ann'));
    const b = await s.profiles.create(profile('Bob'));
    await s.profiles.updateAppearance(a.id, 'Annie', 5);
    await s.profiles.savePositions([
      { id: a.id, x: 1.5, y: 2.5, facing: 3 },
      { id: b.id, x: 900, y: 0, facing: 1 },
    ]);
    await s.profiles.savePositions([]);
    await s.close();
    open.pop();
    const again = await openStore();
    assert.deepEqual(await again.profiles.findByNameKey('ann'), { ...a, name: 'Annie', character: 5, x: 1.5, y: 2.5, facing: 3 });
    assert.deepEqual(await again.profiles.findByNameKey('bob'), { ...b, x: 900, y: 0, facing: 1 });
  });

  test('expiry deletes profiles unused since the cutoff except those kept; an operator can free a name', async () => {
    const s = await openStore();
    const a = await s.profiles.create(profile('Ann'));
    const b = await s.profiles.create(profile('Bob'));
    const c = await s.profiles.create(profile('Cy'));
    await s.profiles.touch(a.id);
    assert.equal(await s.profiles.expireUnused(0, new Set()), 0, 'nothing was used before the epoch');
    assert.equal(await s.profiles.expireUnused(Date.now() + 60_000, new Set([b.id])), 2);
    assert.equal(await s.profiles.findByNameKey('ann'), undefined);
    assert.equal((await s.profiles.findByNameKey('bob'))?.id, b.id, 'a kept profile stays');
    assert.equal(await s.profiles.findByNameKey('cy'), undefined);
    assert.deepEqual(await s.profiles.deleteByNameKey('bob'), { ...b });
    assert.equal(await s.profiles.findByNameKey('bob'), undefined);
    assert.equal(await s.profiles.deleteByNameKey('bob'), undefined);
    assert.ok((await s.profiles.create(profile('Cy'))).id > c.id, 'a freed name joins as a new profile with a new id');
  });

  test('rekey recomputes keys once per version; of a pair that now collides the older keeps the key', async () => {
    const s = await openStore();
    const ann = await s.profiles.create(profile('Ann', { nameKey: 'old-1' }));
    const twin = await s.profiles.create(profile('ANN', { nameKey: 'old-2' }));
    const result = await s.profiles.rekey(7, (name) => name.toLowerCase());
    assert.deepEqual(result.shadowed, [{ id: twin.id, name: 'ANN', collidesWith: 'Ann' }]);
    assert.equal(result.changed, 2);
    assert.equal((await s.profiles.findByNameKey('ann'))?.id, ann.id);
    assert.deepEqual(await s.profiles.rekey(7, () => 'unused'), { changed: 0, shadowed: [] }, 'the same version again is a no-op');
    assert.equal((await s.profiles.findByNameKey('ann'))?.id, ann.id);
  });

  test('chat: recent is oldest first, bounded by its limit, and a repeated seq is kept once', async () => {
    const s = await openStore();
    for (let seq = 1; seq <= 5; seq++) await s.chat.append('lobby', line(seq));
    await s.chat.append('lobby', line(3, { text: 'a different text for seq 3' }));
    assert.deepEqual(await s.chat.recent('lobby', 3), [line(3), line(4), line(5)]);
    assert.deepEqual((await s.chat.recent('lobby', 100)).map((l) => l.seq), [1, 2, 3, 4, 5]);
  });

  test('chat: each world has its own numbering and history', async () => {
    const s = await openStore();
    for (let seq = 1; seq <= 3; seq++) await s.chat.append('lobby', line(seq));
    await s.chat.append('forest', line(1, { text: 'the forest line 1' }));
    assert.deepEqual(await s.chat.recent('forest', 10), [line(1, { text: 'the forest line 1' })]);
    assert.deepEqual((await s.chat.recent('lobby', 10)).map((l) => l.text), [line(1).text, line(2).text, line(3).text]);
    assert.deepEqual(await s.chat.recent('nowhere', 10), []);
  });

  test('chat history survives close and open and is trimmed to its bound', async () => {
    const s = await openStore(50);
    for (let seq = 1; seq <= 200; seq++) await s.chat.append('lobby', line(seq));
    await s.close();
    open.pop();
    const again = await openStore(50);
    const kept = await again.chat.recent('lobby', 1000);
    assert.equal(kept.at(-1)?.seq, 200);
    assert.ok(kept.length >= 50 && kept.length < 200, `trimmed to about the bound, kept ${kept.length}`);
  });
}
