import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DumpTruth, generateFormats } from '../src/leaks/generate.js';
import { importLeaks } from '../src/leaks/import/importer.js';
import { parseStaffCsv } from '../src/leaks/import/staff.js';
import { listAccounts, setState, unitProgress } from '../src/leaks/triage/triage.js';
import type { Store } from '../src/store/store.js';
import { openTestStore, testDialects } from '../src/store/testing.js';

const ORG = ['lab.gov.vn'];
let dir: string;
let dump: string;
let truth: DumpTruth;
const NOW = new Date('2026-11-25T08:00:00.000Z');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-import-'));
  dump = join(dir, 'dump');
  truth = generateFormats(dump, { seed: 21, bytes: 400_000, orgDomains: ORG, orgEvery: 30 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function snapshot(store: Store) {
  const accounts = await store.db.selectFrom('leak_accounts').selectAll().orderBy('email').execute();
  const pairs = await store.db
    .selectFrom('leak_account_sources')
    .innerJoin('leak_sources', 'leak_sources.id', 'leak_account_sources.source_id')
    .select(['email', 'leak_sources.name', 'leak_account_sources.severity', 'password_kind', 'password_mask', 'url', 'seen_at'])
    .orderBy('email')
    .execute();
  const history = await store.db.selectFrom('leak_state_history').select(['email', 'from_state', 'to_state']).orderBy('email').execute();
  // Fingerprints depend on each store's own secret: compare their presence only.
  return { accounts: accounts.map((a) => ({ ...a, password_fingerprint: a.password_fingerprint !== null })), pairs, history };
}

function walk(p: string): string[] {
  return statSync(p).isDirectory() ? readdirSync(p).flatMap((n) => walk(join(p, n))) : [p];
}

describe.each(testDialects())('leak import on %s', (dialect) => {
  it('stores one account per organisation address with the truth’s severity, matched to the staff directory', async () => {
    const t = await openTestStore(dialect);
    try {
      // On the directory's own domain: a bare local part is an alias there, not on mail.lab.gov.vn.
      const someone = [...truth.org.keys()].find((a) => a.endsWith('@lab.gov.vn'))!;
      const [local] = someone.split('@');
      const staff = parseStaffCsv(`Họ tên,Email,Đơn vị,Điện thoại,Bí danh\nNguyễn Văn A,a.nguyen@lab.gov.vn,Phòng CNTT,0900000000,${local}\n`, ORG);
      const summary = await importLeaks(t.store, [dump], { source: 'Combo 2026', breachDate: '2026-01-02', orgDomains: ORG, staff, now: NOW, workers: 0 });
      expect(summary.accounts).toBeGreaterThan(0);
      const accounts = await listAccounts(t.store);
      expect(accounts.map((a) => a.email).sort()).toEqual([...truth.org.keys()].sort());
      for (const a of accounts) expect({ email: a.email, severity: a.severity }).toEqual({ email: a.email, severity: truth.org.get(a.email)!.severity });
      expect(accounts.every((a) => a.sources.length === 1 && a.sources[0] === 'Combo 2026' && a.state === 'detected')).toBe(true);
      const matched = accounts.find((a) => a.email === someone)!;
      expect(matched.staffName).toBe('Nguyễn Văn A');
      expect(matched.unit).toBe('Phòng CNTT');
      const src = await t.store.db.selectFrom('leak_sources').selectAll().executeTakeFirstOrThrow();
      expect(src.breach_date).toBe('2026-01-02');
      expect(JSON.parse(src.data_classes)).toEqual(expect.arrayContaining(['Email addresses', 'Passwords', 'Password hashes', 'Stealer logs']));
      expect(JSON.parse(src.flags).stealerLog).toBe(true);
      // PwnCount sums the unique addresses of each file (an address in two files counts twice).
      expect(src.pwn_count).toBeGreaterThanOrEqual(truth.all!.size);
      expect(src.org_count).toBe(truth.org.size);
      // Masks, never passwords.
      expect(accounts.filter((a) => a.passwordMask).every((a) => /\(\d+\)$/.test(a.passwordMask!))).toBe(true);

      // Importing the same files again changes nothing.
      const before = await snapshot(t.store);
      const again = await importLeaks(t.store, [dump], { source: 'Combo 2026', orgDomains: ORG, staff, now: new Date('2026-11-26T00:00:00Z'), workers: 0 });
      expect(again.files.every((f) => f.skipped)).toBe(true);
      expect(await snapshot(t.store)).toEqual(before);

      // Triage: lifecycle with history and audit; a closed account seen in a newer leak reopens.
      const moved = await setState(t.store, [someone], 'notified', 'analyst1');
      expect(moved.changed).toEqual([someone]);
      expect((await setState(t.store, [someone], 'closed', 'analyst1')).refused).toHaveLength(1);
      await setState(t.store, [someone], 'remediated', 'analyst1');
      await setState(t.store, [someone], 'closed', 'analyst2', 'password changed 2026-11-25');
      const progress = await unitProgress(t.store);
      expect(progress.find((p) => p.unit === 'Phòng CNTT')?.states.closed).toBe(1);
      const reopened = await importLeaks(t.store, [join(dump, 'combo.txt'), join(dump, 'users.csv'), join(dump, 'stealer')], {
        source: 'Newer leak',
        breachDate: '2026-10-01',
        orgDomains: ORG,
        now: new Date('2026-11-27T00:00:00Z'),
        workers: 0,
      });
      const after = (await listAccounts(t.store)).find((a) => a.email === someone)!;
      if (after.sources.includes('Newer leak')) {
        expect(after.state).toBe('detected');
        expect(reopened.reopened).toBe(1);
      }
      const history = await t.store.db.selectFrom('leak_state_history').selectAll().where('email', '=', someone).orderBy('id').execute();
      expect(history.map((h) => h.to_state).slice(0, 4)).toEqual(['detected', 'notified', 'remediated', 'closed']);
      expect(history[3]!.actor).toBe('analyst2');
      const audit = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'leaks.set-state').execute();
      expect(audit.length).toBe(3);
    } finally {
      await t.cleanup();
    }
  }, 60_000);

  it('a run that dies between batches, run again, ends with the same store as an uninterrupted run', async () => {
    const crashed = await openTestStore(dialect);
    const clean = await openTestStore(dialect);
    try {
      let batches = 0;
      let stored = 0;
      await expect(
        importLeaks(crashed.store, [dump], {
          source: 'S',
          orgDomains: ORG,
          now: NOW,
          workers: 0,
          batchSize: 3,
          afterBatch: (_file, committed) => {
            stored = committed;
            if (++batches === 2) throw new Error('simulated crash');
          },
        }),
      ).rejects.toThrow('simulated crash');
      const partial = await crashed.store.db.selectFrom('leak_files').selectAll().execute();
      const cut = partial.find((f) => f.completed_at === null && f.checkpoint_offset > 0)!;
      expect(cut).toBeDefined();
      // Run again with another batch size: it continues from the checkpoint, the committed batches are not written again.
      const resumed = await importLeaks(crashed.store, [dump], { source: 'S', orgDomains: ORG, now: NOW, workers: 0, batchSize: 5 });
      expect(resumed.resumed).toBe(true);
      const again = resumed.files.find((f) => f.resumedFromByte !== null)!;
      expect(again.resumedFromByte).toBe(Number(cut.checkpoint_offset));
      expect(again.accounts - again.written).toBe(stored);
      // One "detected" history row per account: nothing was written twice.
      const history = await crashed.store.db.selectFrom('leak_state_history').select('email').execute();
      expect(history.length).toBe(new Set(history.map((h) => h.email)).size);
      await importLeaks(clean.store, [dump], { source: 'S', orgDomains: ORG, now: NOW, workers: 0 });
      expect(await snapshot(crashed.store)).toEqual(await snapshot(clean.store));
    } finally {
      await crashed.cleanup();
      await clean.cleanup();
    }
  }, 60_000);

  if (dialect === 'sqlite') {
    it('no plaintext password of the dump appears anywhere in the data folder after import', async () => {
      const t = await openTestStore(dialect);
      try {
        await importLeaks(t.store, [dump], { source: 'P', orgDomains: ORG, now: NOW, workers: 0 });
        t.store.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
        const plain = [...truth.plaintexts].filter((p) => p.length >= 6);
        expect(plain.length).toBeGreaterThan(100);
        for (const file of walk(t.store.dataDir)) {
          const bytes = readFileSync(file);
          const text = bytes.toString('latin1') + bytes.toString('utf8');
          expect({ file, leaked: plain.filter((p) => text.includes(p)) }).toEqual({ file, leaked: [] });
        }
      } finally {
        await t.cleanup();
      }
    }, 60_000);
  }
});
