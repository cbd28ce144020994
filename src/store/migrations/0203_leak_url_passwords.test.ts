import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { maskPassword } from '../../leaks/formats/password.js';
import { importLeaks } from '../../leaks/import/importer.js';
import { migrate } from '../store.js';
import { openTestStore, testDialects } from '../testing.js';

const ORG = 'lab.gov.vn';
const dir = mkdtempSync(join(tmpdir(), 'vigil-0203-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SITE = 'https://dichvucong.gov.vn/p/home/dvc-dang-nhap.html';
const HOST = 'portal.example.vn:8080/login';

describe.each(testDialects())('migration 0203 (passwords kept as URLs) on %s', (dialect) => {
  it('masks a password the old parser stored as the url, rates it plaintext, and keeps real sites', async () => {
    const t = await openTestStore(dialect);
    try {
      const dump = join(dir, `dump-${dialect}.txt`);
      writeFileSync(
        dump,
        [
          `old.date@${ORG}:x1`,
          `old.name@${ORG}:x2`,
          `old.both@${ORG}:x3`,
          `old.field@${ORG}:Field-pw-1`,
          `${SITE}:new.site@${ORG}:Site-pw-7731`,
          `${HOST}:new.host@${ORG}:Host-pw-8842`,
          `old.hostish@${ORG}`,
        ].join('\n'),
      );
      await importLeaks(t.store, [dump], { source: 'Before the fix', orgDomains: [ORG], workers: 0 });
      // The rows as the parser before formats/site.ts wrote them for `12/05/1990:old.date@…`,
      // `ngoc.anh:old.name@…`, `matkhau.vn:old.hostish@…`, and `12/05/1990:old.field@…:Field-pw-1`.
      const asAddress = { severity: 'address', severity_rank: 1, password_kind: 'none', password_mask: null, password_fingerprint: null };
      for (const [local, url] of [
        ['old.date', '12/05/1990'],
        ['old.name', 'ngoc.anh'],
        ['old.hostish', 'matkhau.vn'],
      ] as const) {
        await t.store.db
          .updateTable('leak_account_sources')
          .set({ ...asAddress, url })
          .where('email', '=', `${local}@${ORG}`)
          .execute();
        await t.store.db.updateTable('leak_accounts').set(asAddress).where('email', '=', `${local}@${ORG}`).execute();
      }
      await t.store.db.updateTable('leak_account_sources').set({ url: '12/05/1990' }).where('email', '=', `old.field@${ORG}`).execute();
      // old.both: plaintext in one source, a password-as-url row in a second source: the account keeps its rating.
      const source = await t.store.db.selectFrom('leak_sources').select('id').executeTakeFirstOrThrow();
      await t.store.db
        .insertInto('leak_sources')
        .values({ ...(await t.store.db.selectFrom('leak_sources').selectAll().executeTakeFirstOrThrow()), id: 'second', name: 'Second' })
        .execute();
      const both = await t.store.db.selectFrom('leak_account_sources').selectAll().where('email', '=', `old.both@${ORG}`).executeTakeFirstOrThrow();
      await t.store.db
        .insertInto('leak_account_sources')
        .values({ ...both, ...asAddress, source_id: 'second', url: 'thu.trang/1992' })
        .execute();
      const bothAccount = await t.store.db.selectFrom('leak_accounts').selectAll().where('email', '=', `old.both@${ORG}`).executeTakeFirstOrThrow();

      await sql`DELETE FROM kysely_migration WHERE name = '0203_leak_url_passwords'`.execute(t.store.db);
      expect(await migrate(t.store)).toEqual(['0203_leak_url_passwords']);

      const pairs = await t.store.db
        .selectFrom('leak_account_sources')
        .select(['email', 'source_id', 'severity', 'password_kind', 'password_mask', 'url'])
        .orderBy('email')
        .orderBy('source_id')
        .execute();
      const pair = (local: string, sourceId = source.id) => pairs.find((p) => p.email === `${local}@${ORG}` && p.source_id === sourceId);
      for (const [local, password] of [
        ['old.date', '12/05/1990'],
        ['old.name', 'ngoc.anh'],
        ['old.hostish', 'matkhau.vn'],
      ] as const) {
        expect(pair(local)).toMatchObject({ severity: 'plaintext', password_kind: 'plaintext', password_mask: maskPassword(password), url: null });
      }
      expect(pair('old.both', 'second')).toMatchObject({ severity: 'plaintext', password_mask: maskPassword('thu.trang/1992'), url: null });
      expect(pair('old.field')).toMatchObject({ password_kind: 'plaintext', password_mask: maskPassword('Field-pw-1'), url: null });
      expect(pair('new.site')?.url).toBe(SITE);
      expect(pair('new.host')?.url).toBe(HOST);

      const accounts = await t.store.db.selectFrom('leak_accounts').selectAll().orderBy('email').execute();
      for (const local of ['old.date', 'old.name', 'old.hostish']) {
        expect(accounts.find((a) => a.email === `${local}@${ORG}`)).toMatchObject({ severity: 'plaintext', password_kind: 'plaintext' });
      }
      // Already plaintext from its first source: unchanged.
      expect(accounts.find((a) => a.email === `old.both@${ORG}`)).toEqual(bothAccount);

      const everything = JSON.stringify({ pairs, accounts });
      expect(['12/05/1990', 'ngoc.anh', 'matkhau.vn', 'thu.trang/1992'].filter((p) => everything.includes(p))).toEqual([]);
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
