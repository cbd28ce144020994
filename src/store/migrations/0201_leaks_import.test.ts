import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCombolist } from '../../leaks/generate.js';
import { importLeaks } from '../../leaks/import/importer.js';
import { migrate, type Store } from '../store.js';
import { openTestStore, testDialects } from '../testing.js';

const ORG = 'lab.gov.vn';
const NOW = new Date('2026-11-25T08:00:00.000Z');
const dir = mkdtempSync(join(tmpdir(), 'vigil-0201-'));
const dump = join(dir, 'combo.txt');
generateCombolist(dump, {
  seed: 5,
  bytes: 300_000,
  orgDomains: [ORG],
  orgAddresses: Array.from({ length: 3000 }, (_, i) => `nv${i}@${ORG}`),
  orgEvery: 1,
  trackAll: false,
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function snapshot(store: Store) {
  const accounts = await store.db.selectFrom('leak_accounts').selectAll().orderBy('email').execute();
  const pairs = await store.db
    .selectFrom('leak_account_sources')
    .select(['email', 'severity', 'password_kind', 'password_mask', 'url', 'seen_at'])
    .orderBy('email')
    .execute();
  const history = await store.db.selectFrom('leak_state_history').select(['email', 'from_state', 'to_state', 'note']).orderBy('email').execute();
  // Fingerprints depend on each store's own secret; the source's id too.
  return {
    accounts: accounts.map((a) => ({ ...a, password_fingerprint: a.password_fingerprint !== null })),
    pairs,
    history: history.map((h) => ({ ...h, note: h.note?.replace(/source [0-9a-f-]+/, 'source ID') })),
  };
}

describe.each(testDialects())('migration 0201 (leak import resume data) on %s', (dialect) => {
  it('adds its columns to a store with an import in progress; that file then resumes by scanning it whole and ends like an uninterrupted import', async () => {
    const old = await openTestStore(dialect);
    const clean = await openTestStore(dialect);
    try {
      let batches = 0;
      await expect(
        importLeaks(old.store, [dump], {
          source: 'S',
          orgDomains: [ORG],
          now: NOW,
          workers: 0,
          batchSize: 200,
          afterBatch: () => {
            if (++batches === 2) throw new Error('simulated crash');
          },
        }),
      ).rejects.toThrow('simulated crash');
      // The store as it was before 0201: without its columns, and without the migration recorded.
      await sql`ALTER TABLE leak_files DROP COLUMN scan`.execute(old.store.db);
      await sql`ALTER TABLE leak_files DROP COLUMN first_offsets`.execute(old.store.db);
      await sql`DELETE FROM kysely_migration WHERE name = '0201_leaks_import'`.execute(old.store.db);

      expect(await migrate(old.store)).toEqual(['0201_leaks_import']);
      const [row] = await old.store.db.selectFrom('leak_files').selectAll().execute();
      expect({ scan: row!.scan, offsets: row!.first_offsets, inProgress: Number(row!.checkpoint_offset) > 0 && row!.completed_at === null }).toEqual({
        scan: null,
        offsets: null,
        inProgress: true,
      });

      const resumed = await importLeaks(old.store, [dump], { source: 'S', orgDomains: [ORG], now: NOW, workers: 0 });
      expect(resumed.resumed).toBe(true);
      expect(resumed.files[0]!.scannedBytes).toBe(statSync(dump).size);
      expect(resumed.files[0]!.written).toBe(resumed.files[0]!.accounts - 400);
      await importLeaks(clean.store, [dump], { source: 'S', orgDomains: [ORG], now: NOW, workers: 0 });
      expect(await snapshot(old.store)).toEqual(await snapshot(clean.store));
      const [done] = await old.store.db.selectFrom('leak_files').selectAll().execute();
      expect({ scan: done!.scan, offsets: done!.first_offsets, completed: done!.completed_at !== null }).toEqual({
        scan: null,
        offsets: null,
        completed: true,
      });
    } finally {
      await old.cleanup();
      await clean.cleanup();
    }
  }, 60_000);
});
