import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store/store.js';
import { openTestStore, type TestStore, testDialects } from '../../store/testing.js';
import { parseStaffCsv } from './staff.js';
import { ACCOUNT_COLUMNS, type AccountAppearance, type BatchContext, openImportWriter } from './writer.js';

const ORG = 'lab.gov.vn';
const FP = (c: string) => c.repeat(64);

function appearance(
  email: string,
  severity: AccountAppearance['severity'],
  kind: AccountAppearance['kind'],
  offset: number,
  extra: Partial<AccountAppearance> = {},
): AccountAppearance {
  return {
    email,
    orgDomain: ORG,
    severity,
    kind,
    mask: kind === 'none' ? null : 'm*****3 (8)',
    fingerprint: kind === 'none' ? null : FP('a'),
    url: null,
    offset,
    ...extra,
  };
}

async function addSource(store: Store, id: string, fileKey: string) {
  await store.db
    .insertInto('leak_sources')
    .values({
      id,
      name: id,
      title: id,
      breach_date: null,
      added_date: '2026-11-25T00:00:00.000Z',
      pwn_count: 0,
      org_count: 0,
      data_classes: '[]',
      flags: '{}',
      census: null,
    })
    .execute();
  await store.db
    .insertInto('leak_files')
    .values({ source_id: id, file_key: fileKey, path: `/x/${fileKey}`, size: 1000, checkpoint_offset: 0, completed_at: null })
    .execute();
}

const staff = parseStaffCsv(
  'Họ tên,Email,Đơn vị,Điện thoại,Bí danh\nNguyễn Văn A,a.nguyen@lab.gov.vn,Phòng CNTT,0900000000,anv\nTrần Thị B,b.tran@lab.gov.vn,,,\n',
  [ORG],
);

function context(sourceId: string, seenAt: string, now: string): BatchContext {
  return { sourceId, seenAt, now, actor: 'tester', staff, fileKey: `${sourceId}-file` };
}

async function accounts(store: Store) {
  return await store.db
    .selectFrom('leak_accounts')
    .select([...ACCOUNT_COLUMNS])
    .orderBy('email')
    .execute();
}

async function pairs(store: Store) {
  return await store.db
    .selectFrom('leak_account_sources')
    .select(['email', 'source_id', 'severity', 'severity_rank', 'password_kind', 'password_mask', 'password_fingerprint', 'url', 'seen_at'])
    .orderBy('email')
    .orderBy('source_id')
    .execute();
}

async function history(store: Store) {
  return await store.db.selectFrom('leak_state_history').select(['email', 'from_state', 'to_state', 'actor', 'at', 'note']).orderBy('id').execute();
}

describe.each(testDialects())('import writer on %s', (dialect) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('applies the import rules: new accounts with staff (aliases too), stronger severity wins, seen dates widen, a closed account seen in a new source reopens, a pair keeps its strongest appearance', async () => {
    t = await openTestStore(dialect);
    const store = t.store;
    await addSource(store, 's1', 's1-file');
    await addSource(store, 's2', 's2-file');
    const writer = openImportWriter(store, staff);
    try {
      // Source 1 (seen 2026-05-01): four new accounts, one by the staff alias, one by a staff address.
      const c1 = context('s1', '2026-05-01T00:00:00.000Z', '2026-11-25T01:00:00.000Z');
      expect(
        await writer.write(
          c1,
          [
            appearance('zed@lab.gov.vn', 'plaintext', 'plaintext', 10),
            appearance('anv@lab.gov.vn', 'address', 'none', 20),
            appearance('b.tran@lab.gov.vn', 'hashed', 'md5', 30, { fingerprint: FP('b'), mask: '5f4d*****99 (32)' }),
            appearance('nobody@mail.lab.gov.vn', 'stealer', 'plaintext', 40, { url: 'https://portal.lab.gov.vn/login' }),
          ],
          41,
        ),
      ).toEqual({ created: 4, reopened: 0 });
      // zed is triaged to closed before source 2 arrives.
      await store.db
        .updateTable('leak_accounts')
        .set({ state: 'closed', state_changed_at: '2026-11-25T02:00:00.000Z' })
        .where('email', '=', 'zed@lab.gov.vn')
        .execute();

      // Source 2 (seen earlier, 2026-01-01) in two batches.
      const c2 = context('s2', '2026-01-01T00:00:00.000Z', '2026-11-25T03:00:00.000Z');
      expect(
        await writer.write(
          c2,
          [
            appearance('zed@lab.gov.vn', 'address', 'none', 5), // weaker: severity stays, but it reopens and first_seen widens
            appearance('anv@lab.gov.vn', 'stealer', 'plaintext', 6, { fingerprint: FP('c'), url: 'android://x@com.app/' }), // stronger: takes over
            appearance('new@lab.gov.vn', 'hashed', 'sha1', 7),
          ],
          8,
        ),
      ).toEqual({ created: 1, reopened: 1 });
      // Source 2 again (another file of it): zed is now in source 2, so no second reopen; its pair rises to hashed.
      await store.db
        .insertInto('leak_files')
        .values({ source_id: 's2', file_key: 's2-file-b', path: '/x/b', size: 10, checkpoint_offset: 0, completed_at: null })
        .execute();
      await store.db.updateTable('leak_accounts').set({ state: 'closed' }).where('email', '=', 'zed@lab.gov.vn').execute();
      expect(
        await writer.write(
          { ...c2, fileKey: 's2-file-b' },
          [appearance('zed@lab.gov.vn', 'hashed', 'ntlm', 1, { fingerprint: FP('d') }), appearance('anv@lab.gov.vn', 'plaintext', 'plaintext', 2)],
          3,
        ),
      ).toEqual({ created: 0, reopened: 0 });
    } finally {
      await writer.close();
    }

    const files = await store.db.selectFrom('leak_files').select(['file_key', 'checkpoint_offset']).orderBy('file_key').execute();
    expect(files.map((f) => [f.file_key, Number(f.checkpoint_offset)])).toEqual([
      ['s1-file', 41],
      ['s2-file', 8],
      ['s2-file-b', 3],
    ]);

    const now1 = '2026-11-25T01:00:00.000Z';
    const may = '2026-05-01T00:00:00.000Z';
    const jan = '2026-01-01T00:00:00.000Z';
    expect(await accounts(store)).toEqual([
      // Alias of Nguyễn Văn A: matched to the person; source 2's stealer appearance is stronger and takes over.
      {
        email: 'anv@lab.gov.vn',
        org_domain: ORG,
        first_seen: jan,
        last_seen: may,
        severity: 'stealer',
        severity_rank: 4,
        password_kind: 'plaintext',
        password_mask: 'm*****3 (8)',
        password_fingerprint: FP('c'),
        state: 'detected',
        state_changed_at: now1,
        staff_name: 'Nguyễn Văn A',
        staff_email: 'a.nguyen@lab.gov.vn',
        unit: 'Phòng CNTT',
        assigned_unit: 'Phòng CNTT',
      },
      {
        email: 'b.tran@lab.gov.vn',
        org_domain: ORG,
        first_seen: may,
        last_seen: may,
        severity: 'hashed',
        severity_rank: 2,
        password_kind: 'md5',
        password_mask: '5f4d*****99 (32)',
        password_fingerprint: FP('b'),
        state: 'detected',
        state_changed_at: now1,
        staff_name: 'Trần Thị B',
        staff_email: 'b.tran@lab.gov.vn',
        unit: null,
        assigned_unit: null,
      },
      {
        email: 'new@lab.gov.vn',
        org_domain: ORG,
        first_seen: jan,
        last_seen: jan,
        severity: 'hashed',
        severity_rank: 2,
        password_kind: 'sha1',
        password_mask: 'm*****3 (8)',
        password_fingerprint: FP('a'),
        state: 'detected',
        state_changed_at: '2026-11-25T03:00:00.000Z',
        staff_name: null,
        staff_email: null,
        unit: null,
        assigned_unit: null,
      },
      {
        email: 'nobody@mail.lab.gov.vn',
        org_domain: ORG,
        first_seen: may,
        last_seen: may,
        severity: 'stealer',
        severity_rank: 4,
        password_kind: 'plaintext',
        password_mask: 'm*****3 (8)',
        password_fingerprint: FP('a'),
        state: 'detected',
        state_changed_at: now1,
        staff_name: null,
        staff_email: null,
        unit: null,
        assigned_unit: null,
      },
      // Reopened by source 2 (weaker there: severity and password stay); closed again by hand, then not reopened by the same source.
      {
        email: 'zed@lab.gov.vn',
        org_domain: ORG,
        first_seen: jan,
        last_seen: may,
        severity: 'plaintext',
        severity_rank: 3,
        password_kind: 'plaintext',
        password_mask: 'm*****3 (8)',
        password_fingerprint: FP('a'),
        state: 'closed',
        state_changed_at: '2026-11-25T03:00:00.000Z',
        staff_name: null,
        staff_email: null,
        unit: null,
        assigned_unit: null,
      },
    ]);

    const pair = (
      email: string,
      source_id: string,
      severity: string,
      severity_rank: number,
      kind: string,
      fp: string | null,
      url: string | null,
      seen: string,
      mask: string | null = 'm*****3 (8)',
    ) => ({
      email,
      source_id,
      severity,
      severity_rank,
      password_kind: kind,
      password_mask: mask,
      password_fingerprint: fp,
      url,
      seen_at: seen,
    });
    expect(await pairs(store)).toEqual([
      pair('anv@lab.gov.vn', 's1', 'address', 1, 'none', null, null, may, null),
      pair('anv@lab.gov.vn', 's2', 'stealer', 4, 'plaintext', FP('c'), 'android://x@com.app/', jan),
      pair('b.tran@lab.gov.vn', 's1', 'hashed', 2, 'md5', FP('b'), null, may, '5f4d*****99 (32)'),
      pair('new@lab.gov.vn', 's2', 'hashed', 2, 'sha1', FP('a'), null, jan),
      pair('nobody@mail.lab.gov.vn', 's1', 'stealer', 4, 'plaintext', FP('a'), 'https://portal.lab.gov.vn/login', may),
      pair('zed@lab.gov.vn', 's1', 'plaintext', 3, 'plaintext', FP('a'), null, may),
      // First seen in source 2 as an address only, then as an NTLM hash in its second file: the pair keeps the stronger.
      pair('zed@lab.gov.vn', 's2', 'hashed', 2, 'ntlm', FP('d'), null, jan),
    ]);

    const rows = await history(store);
    const created = (email: string, source: string, at: string) => ({
      email,
      from_state: null,
      to_state: 'detected',
      actor: 'tester',
      at,
      note: `source ${source}`,
    });
    expect(rows.filter((r) => r.note?.startsWith('source ')).sort((a, b) => a.email.localeCompare(b.email))).toEqual([
      created('anv@lab.gov.vn', 's1', now1),
      created('b.tran@lab.gov.vn', 's1', now1),
      created('new@lab.gov.vn', 's2', '2026-11-25T03:00:00.000Z'),
      created('nobody@mail.lab.gov.vn', 's1', now1),
      created('zed@lab.gov.vn', 's1', now1),
    ]);
    expect(rows.filter((r) => r.from_state === 'closed')).toEqual([
      {
        email: 'zed@lab.gov.vn',
        from_state: 'closed',
        to_state: 'detected',
        actor: 'tester',
        at: '2026-11-25T03:00:00.000Z',
        note: 'reopened: seen in a newer leak (source s2)',
      },
    ]);
    expect(rows).toHaveLength(6);
  });

  if (dialect === 'sqlite') {
    it('leaves the connection as it found it: settings restored, the scratch database detached, the WAL checkpointed (in the background, then the rest) and truncated', async () => {
      t = await openTestStore(dialect);
      const db = t.store.sqlite!;
      await addSource(t.store, 's1', 's1-file');
      const before = { autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }), cache: db.pragma('cache_size', { simple: true }) };
      const writer = openImportWriter(t.store, staff);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const batch = Array.from({ length: 3000 }, (_, i) => appearance(`u${i}@lab.gov.vn`, 'plaintext', 'plaintext', i));
      await writer.write(context('s1', '2026-05-01T00:00:00.000Z', '2026-11-25T01:00:00.000Z'), batch, 3000);
      writer.settle(); // the checkpoint on another thread, while this one goes on
      await writer.write(context('s1', '2026-05-01T00:00:00.000Z', '2026-11-25T01:00:00.000Z'), [appearance('after@lab.gov.vn', 'hashed', 'md5', 3000)], 3001);
      await writer.close();
      await writer.close(); // idempotent (the importer closes in finally too)
      expect({ autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }), cache: db.pragma('cache_size', { simple: true }) }).toEqual(before);
      expect((db.pragma('database_list') as { name: string }[]).map((d) => d.name)).toEqual(['main']);
      // Everything the import wrote is in the database file: a checkpoint now has no frame left to copy.
      const [state] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      expect(state!.log).toBe(state!.checkpointed);
      // …and the WAL file's space was given back (no reader held it).
      expect(statSync(join(t.store.dataDir, 'vigil.sqlite-wal')).size).toBe(0);
      expect(Number((db.prepare('SELECT count(*) AS n FROM leak_accounts').get() as { n: number }).n)).toBe(3001);
      // Two writers open at once on the same connection (two imports in one process): each its own
      // scratch database; the settings come back when the last one closes, whichever it is.
      const one = openImportWriter(t.store, staff);
      const two = openImportWriter(t.store, staff);
      await one.write(context('s1', '2026-05-01T00:00:00.000Z', '2026-11-25T01:00:00.000Z'), [appearance('late@lab.gov.vn', 'address', 'none', 1)], 3001);
      await two.write(context('s1', '2026-05-01T00:00:00.000Z', '2026-11-25T01:00:00.000Z'), [appearance('later@lab.gov.vn', 'address', 'none', 2)], 3002);
      await one.close();
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      await two.close();
      expect({ autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }), cache: db.pragma('cache_size', { simple: true }) }).toEqual(before);
      expect((db.pragma('database_list') as { name: string }[]).map((d) => d.name)).toEqual(['main']);
      expect(Number((db.prepare('SELECT count(*) AS n FROM leak_accounts').get() as { n: number }).n)).toBe(3003);
    });
  }
});
