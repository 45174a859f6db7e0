import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import { storageConformance } from '../../../tests/support/storage-conformance.js';
import { openSqliteStorage } from './sqlite-store.js';

describe('SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-store-'));
  let file = 0;
  after(() => rmSync(dir, { recursive: true, force: true }));
  storageConformance({
    async open(chatHistoryLimit) {
      return openSqliteStorage({ path: join(dir, `db-${file}.sqlite`), chatHistoryLimit });
    },
    async reset() {
      file++;
    },
  });
});
