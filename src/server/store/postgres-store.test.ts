import { after, before, describe } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/postgres-fixture.js';
import { storageConformance } from '../../../tests/support/storage-conformance.js';
import { openPostgresStorage } from './postgres-store.js';

describe('PostgreSQL store', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());
  storageConformance({
    open: (chatHistoryLimit) => openPostgresStorage({ url: db.url, chatHistoryLimit }),
    async reset() {
      // Empty backing data: no tables at all, so every test also runs the migrations.
      await db.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    },
  });
});
