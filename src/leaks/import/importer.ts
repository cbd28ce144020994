import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { sql } from 'kysely';
import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { type PasswordKind, SEVERITY_RANK, type Severity } from '../formats/password.js';
import type { LeakMatch } from '../scan/accumulator.js';
import { expandPaths, type ScanResult, scanPaths } from '../scan/engine.js';
import { StaffDirectory } from './staff.js';

export interface ImportOptions {
  source: string;
  title?: string;
  /** YYYY-MM-DD */
  breachDate?: string;
  orgDomains: string[];
  staff?: StaffDirectory;
  actor?: string;
  workers?: number;
  now?: Date;
  onProgress?: (done: number, total: number) => void;
  /** Accounts per transaction (default 50,000). */
  batchSize?: number;
  /** Test hook: called after each committed batch (to simulate a crash between batches). */
  afterBatch?: (file: string, committed: number) => void;
}

export interface ImportSummary {
  source: string;
  sourceId: string;
  files: { path: string; key: string; skipped: boolean; accounts: number }[];
  accounts: number;
  newAccounts: number;
  reopened: number;
  durationMs: number;
  accountsPerSecond: number | null;
}

/** One account's strongest appearance in a source (what the store keeps). */
interface AccountAppearance {
  email: string;
  orgDomain: string;
  severity: Severity;
  kind: PasswordKind;
  mask: string | null;
  fingerprint: string | null;
  url: string | null;
  offset: number;
}

const KIND_RANK: Record<PasswordKind, number> = { none: 0, hash: 1, md5: 2, ntlm: 2, sha1: 3, sha256: 4, bcrypt: 5, plaintext: 6 };

/** Fold a file's matches into one appearance per address: the strongest severity, then kind. */
export function strongestPerAccount(matches: LeakMatch[]): AccountAppearance[] {
  const by = new Map<string, AccountAppearance>();
  for (const m of matches) {
    const prev = by.get(m.email);
    const stronger =
      !prev ||
      SEVERITY_RANK[m.severity] > SEVERITY_RANK[prev.severity] ||
      (SEVERITY_RANK[m.severity] === SEVERITY_RANK[prev.severity] && KIND_RANK[m.passwordKind] > KIND_RANK[prev.kind]) ||
      (SEVERITY_RANK[m.severity] === SEVERITY_RANK[prev.severity] && KIND_RANK[m.passwordKind] === KIND_RANK[prev.kind] && m.offset < prev.offset);
    if (stronger) {
      by.set(m.email, {
        email: m.email,
        orgDomain: m.orgDomain,
        severity: m.severity,
        kind: m.passwordKind,
        mask: m.passwordMask,
        fingerprint: m.fingerprint,
        url: m.url,
        offset: Math.min(m.offset, prev?.offset ?? m.offset),
      });
    }
  }
  return [...by.values()].sort((a, b) => a.offset - b.offset || (a.email < b.email ? -1 : 1));
}

async function fileKey(path: string): Promise<{ key: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { key: `${hash.digest('hex')}:${size}`, size };
}

function dataClasses(appearances: AccountAppearance[]): { classes: string[]; stealer: boolean } {
  const classes = new Set<string>(['Email addresses']);
  let stealer = false;
  for (const a of appearances) {
    if (a.kind === 'plaintext') classes.add('Passwords');
    else if (a.kind !== 'none') classes.add('Password hashes');
    if (a.url) classes.add('URLs');
    if (a.severity === 'stealer') stealer = true;
  }
  if (stealer) classes.add('Stealer logs');
  return { classes: [...classes].sort(), stealer };
}

const BATCH = 50_000;

/**
 * Import leak files into the store as a source and the organisation's accounts. Each file is
 * keyed by its SHA-256 and size: a file already imported into this source is skipped. Accounts
 * are written in batches with the file's byte offset as a checkpoint; every write is an
 * idempotent upsert (strongest appearance wins), so a run killed at any point and run again
 * ends with the same store as an uninterrupted one.
 */
export async function importLeaks(store: Store, paths: string[], options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  if (options.orgDomains.length === 0) {
    throw new VigilError('leaks.no-domains', 'import needs the organisation’s mail domains', { hint: 'set mail.domains in vigil.yaml' });
  }
  if (options.breachDate && !/^\d{4}-\d{2}-\d{2}$/.test(options.breachDate)) {
    throw new VigilError('leaks.bad-date', `--breach-date must be YYYY-MM-DD, got "${options.breachDate}"`);
  }
  const actor = options.actor ?? 'import';
  const now = (options.now ?? new Date()).toISOString();
  const staff = options.staff ?? StaffDirectory.empty();
  const secret = await store.installationSecret('leaks');
  const source = await ensureSource(store, options, now);
  const seenAt = source.breach_date ? `${source.breach_date}T00:00:00.000Z` : source.added_date;
  const summary: ImportSummary = {
    source: source.name,
    sourceId: source.id,
    files: [],
    accounts: 0,
    newAccounts: 0,
    reopened: 0,
    durationMs: 0,
    accountsPerSecond: null,
  };
  let writeMs = 0;
  let written = 0;
  for (const file of expandPaths(paths)) {
    const { key, size } = await fileKey(file.path);
    const done = await store.db.selectFrom('leak_files').selectAll().where('source_id', '=', source.id).where('file_key', '=', key).executeTakeFirst();
    if (done?.completed_at) {
      summary.files.push({ path: file.path, key, skipped: true, accounts: 0 });
      continue;
    }
    if (!done) {
      await store.db
        .insertInto('leak_files')
        .values({ source_id: source.id, file_key: key, path: file.path, size, checkpoint_offset: 0, completed_at: null })
        .execute();
    }
    const result = await scanPaths([file.path], {
      orgDomains: options.orgDomains,
      census: true,
      secret,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const appearances = strongestPerAccount(result.matches);
    const t0 = performance.now();
    const batchSize = options.batchSize ?? BATCH;
    for (let i = 0; i < appearances.length; i += batchSize) {
      const batch = appearances.slice(i, i + batchSize);
      const checkpoint = batch[batch.length - 1]!.offset;
      const counts = await writeBatch(store, source.id, seenAt, now, actor, staff, batch, key, checkpoint);
      summary.newAccounts += counts.created;
      summary.reopened += counts.reopened;
      options.afterBatch?.(file.path, i + batch.length);
    }
    writeMs += performance.now() - t0;
    written += appearances.length;
    await finishFile(store, source.id, key, size, result, appearances, now);
    summary.files.push({ path: file.path, key, skipped: false, accounts: appearances.length });
    summary.accounts += appearances.length;
  }
  summary.durationMs = Math.round(performance.now() - started);
  summary.accountsPerSecond = written > 0 && writeMs > 0 ? Math.round(written / (writeMs / 1000)) : null;
  await store.audit(actor, 'leaks.import', source.name, {
    files: summary.files.map((f) => ({ key: f.key, skipped: f.skipped, accounts: f.accounts })),
    newAccounts: summary.newAccounts,
  });
  return summary;
}

async function ensureSource(store: Store, options: ImportOptions, now: string) {
  const existing = await store.db.selectFrom('leak_sources').selectAll().where('name', '=', options.source).executeTakeFirst();
  if (existing) return existing;
  const row = {
    id: randomUUID(),
    name: options.source,
    title: options.title ?? options.source,
    breach_date: options.breachDate ?? null,
    added_date: now,
    pwn_count: 0,
    org_count: 0,
    data_classes: JSON.stringify(['Email addresses']),
    flags: JSON.stringify({ verified: false, fabricated: false, sensitive: false, spamList: false, malware: false, stealerLog: false }),
    census: null,
  };
  await store.db
    .insertInto('leak_sources')
    .values(row)
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return await store.db.selectFrom('leak_sources').selectAll().where('name', '=', options.source).executeTakeFirstOrThrow();
}

/** Census and data classes of the source, and the file marked complete — one transaction. */
async function finishFile(store: Store, sourceId: string, key: string, size: number, result: ScanResult, appearances: AccountAppearance[], now: string) {
  await store.db.transaction().execute(async (trx) => {
    const src = await trx.selectFrom('leak_sources').selectAll().where('id', '=', sourceId).executeTakeFirstOrThrow();
    const census = src.census ? (JSON.parse(src.census) as { files: Record<string, unknown> }) : { files: {} };
    const { matches: _omit, ...counts } = result;
    census.files[key] = counts;
    const classes = new Set<string>(JSON.parse(src.data_classes) as string[]);
    const dc = dataClasses(appearances);
    for (const c of dc.classes) classes.add(c);
    const flags = JSON.parse(src.flags) as Record<string, boolean>;
    if (dc.stealer) flags.stealerLog = true;
    const orgCount = await trx
      .selectFrom('leak_account_sources')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source_id', '=', sourceId)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('leak_sources')
      .set({
        census: JSON.stringify(census),
        pwn_count: Object.values(census.files).reduce((n: number, f) => n + Number((f as { uniqueAddresses: number | null }).uniqueAddresses ?? 0), 0),
        org_count: Number(orgCount.n),
        data_classes: JSON.stringify([...classes].sort()),
        flags: JSON.stringify(flags),
      })
      .where('id', '=', sourceId)
      .execute();
    await trx
      .updateTable('leak_files')
      .set({ checkpoint_offset: size, completed_at: now })
      .where('source_id', '=', sourceId)
      .where('file_key', '=', key)
      .execute();
  });
}

interface BatchCounts {
  created: number;
  reopened: number;
}

async function writeBatch(
  store: Store,
  sourceId: string,
  seenAt: string,
  now: string,
  actor: string,
  staff: StaffDirectory,
  batch: AccountAppearance[],
  fileKeyValue: string,
  checkpoint: number,
): Promise<BatchCounts> {
  if (store.sqlite) return writeBatchSqlite(store, sourceId, seenAt, now, actor, staff, batch, fileKeyValue, checkpoint);
  return writeBatchKysely(store, sourceId, seenAt, now, actor, staff, batch, fileKeyValue, checkpoint);
}

/** SQLite: prepared statements in one transaction (better-sqlite3 is synchronous; ~10× kysely here). */
function writeBatchSqlite(
  store: Store,
  sourceId: string,
  seenAt: string,
  now: string,
  actor: string,
  staff: StaffDirectory,
  batch: AccountAppearance[],
  fileKeyValue: string,
  checkpoint: number,
): BatchCounts {
  const db = store.sqlite!;
  const insertPair = db.prepare(
    `INSERT INTO leak_account_sources (email, source_id, severity, severity_rank, password_kind, password_mask, password_fingerprint, url, seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (email, source_id) DO UPDATE SET severity = excluded.severity, severity_rank = excluded.severity_rank,
       password_kind = excluded.password_kind, password_mask = excluded.password_mask, password_fingerprint = excluded.password_fingerprint, url = excluded.url
     WHERE excluded.severity_rank > leak_account_sources.severity_rank`,
  );
  const pairExists = db.prepare('SELECT 1 FROM leak_account_sources WHERE email = ? AND source_id = ?').pluck();
  const getAccount = db.prepare('SELECT state, severity_rank, first_seen, last_seen FROM leak_accounts WHERE email = ?');
  const insertAccount = db.prepare(
    `INSERT INTO leak_accounts (email, org_domain, first_seen, last_seen, severity, severity_rank, password_kind, password_mask, password_fingerprint, state, state_changed_at, staff_name, staff_email, unit, assigned_unit)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'detected', ?, ?, ?, ?, ?)`,
  );
  const strengthen = db.prepare(
    `UPDATE leak_accounts SET severity = ?, severity_rank = ?, password_kind = ?, password_mask = ?, password_fingerprint = ? WHERE email = ? AND severity_rank < ?`,
  );
  const widen = db.prepare(`UPDATE leak_accounts SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE email = ?`);
  const reopen = db.prepare(`UPDATE leak_accounts SET state = 'detected', state_changed_at = ? WHERE email = ?`);
  const history = db.prepare('INSERT INTO leak_state_history (email, from_state, to_state, actor, at, note) VALUES (?, ?, ?, ?, ?, ?)');
  const checkpointStmt = db.prepare('UPDATE leak_files SET checkpoint_offset = ? WHERE source_id = ? AND file_key = ?');
  const counts: BatchCounts = { created: 0, reopened: 0 };
  db.transaction(() => {
    for (const a of batch) {
      const rank = SEVERITY_RANK[a.severity];
      const account = getAccount.get(a.email) as { state: string } | undefined;
      // No account means no (account, source) pair either (foreign key): one lookup saved per new account.
      const isNewPair = !account || pairExists.get(a.email, sourceId) === undefined;
      if (!account) {
        const person = staff.lookup(a.email);
        insertAccount.run(
          a.email,
          a.orgDomain,
          seenAt,
          seenAt,
          a.severity,
          rank,
          a.kind,
          a.mask,
          a.fingerprint,
          now,
          person?.fullName ?? null,
          person?.email ?? null,
          person?.unit ?? null,
          person?.unit ?? null,
        );
        history.run(a.email, null, 'detected', actor, now, `source ${sourceId}`);
        counts.created++;
      } else {
        strengthen.run(a.severity, rank, a.kind, a.mask, a.fingerprint, a.email, rank);
        widen.run(seenAt, seenAt, a.email);
        if (isNewPair && account.state === 'closed') {
          reopen.run(now, a.email);
          history.run(a.email, 'closed', 'detected', actor, now, `reopened: seen in a newer leak (source ${sourceId})`);
          counts.reopened++;
        }
      }
      insertPair.run(a.email, sourceId, a.severity, rank, a.kind, a.mask, a.fingerprint, a.url, seenAt);
    }
    checkpointStmt.run(checkpoint, sourceId, fileKeyValue);
  })();
  return counts;
}

/** PostgreSQL (and any kysely dialect): the same upserts in one transaction per batch. */
async function writeBatchKysely(
  store: Store,
  sourceId: string,
  seenAt: string,
  now: string,
  actor: string,
  staff: StaffDirectory,
  batch: AccountAppearance[],
  fileKeyValue: string,
  checkpoint: number,
): Promise<BatchCounts> {
  const counts: BatchCounts = { created: 0, reopened: 0 };
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < batch.length; i += 1000) {
      const slice = batch.slice(i, i + 1000);
      const emails = slice.map((a) => a.email);
      const existing = new Map(
        (await trx.selectFrom('leak_accounts').select(['email', 'state']).where('email', 'in', emails).execute()).map((r) => [r.email, r.state]),
      );
      const pairs = new Set(
        (await trx.selectFrom('leak_account_sources').select('email').where('source_id', '=', sourceId).where('email', 'in', emails).execute()).map(
          (r) => r.email,
        ),
      );
      const fresh = slice.filter((a) => !existing.has(a.email));
      if (fresh.length) {
        await trx
          .insertInto('leak_accounts')
          .values(
            fresh.map((a) => {
              const person = staff.lookup(a.email);
              return {
                email: a.email,
                org_domain: a.orgDomain,
                first_seen: seenAt,
                last_seen: seenAt,
                severity: a.severity,
                severity_rank: SEVERITY_RANK[a.severity],
                password_kind: a.kind,
                password_mask: a.mask,
                password_fingerprint: a.fingerprint,
                state: 'detected',
                state_changed_at: now,
                staff_name: person?.fullName ?? null,
                staff_email: person?.email ?? null,
                unit: person?.unit ?? null,
                assigned_unit: person?.unit ?? null,
              };
            }),
          )
          .execute();
        await trx
          .insertInto('leak_state_history')
          .values(fresh.map((a) => ({ email: a.email, from_state: null, to_state: 'detected', actor, at: now, note: `source ${sourceId}` })))
          .execute();
        counts.created += fresh.length;
      }
      for (const a of slice) {
        const rank = SEVERITY_RANK[a.severity];
        if (existing.has(a.email)) {
          await trx
            .updateTable('leak_accounts')
            .set({ severity: a.severity, severity_rank: rank, password_kind: a.kind, password_mask: a.mask, password_fingerprint: a.fingerprint })
            .where('email', '=', a.email)
            .where('severity_rank', '<', rank)
            .execute();
          await trx
            .updateTable('leak_accounts')
            .set({ first_seen: sql`least(first_seen, ${seenAt})`, last_seen: sql`greatest(last_seen, ${seenAt})` })
            .where('email', '=', a.email)
            .execute();
          if (!pairs.has(a.email) && existing.get(a.email) === 'closed') {
            await trx.updateTable('leak_accounts').set({ state: 'detected', state_changed_at: now }).where('email', '=', a.email).execute();
            await trx
              .insertInto('leak_state_history')
              .values({
                email: a.email,
                from_state: 'closed',
                to_state: 'detected',
                actor,
                at: now,
                note: `reopened: seen in a newer leak (source ${sourceId})`,
              })
              .execute();
            counts.reopened++;
          }
        }
      }
      await trx
        .insertInto('leak_account_sources')
        .values(
          slice.map((a) => ({
            email: a.email,
            source_id: sourceId,
            severity: a.severity,
            severity_rank: SEVERITY_RANK[a.severity],
            password_kind: a.kind,
            password_mask: a.mask,
            password_fingerprint: a.fingerprint,
            url: a.url,
            seen_at: seenAt,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['email', 'source_id'])
            .doUpdateSet((eb) => ({
              severity: eb.ref('excluded.severity'),
              severity_rank: eb.ref('excluded.severity_rank'),
              password_kind: eb.ref('excluded.password_kind'),
              password_mask: eb.ref('excluded.password_mask'),
              password_fingerprint: eb.ref('excluded.password_fingerprint'),
              url: eb.ref('excluded.url'),
            }))
            .where('excluded.severity_rank', '>', (eb) => eb.ref('leak_account_sources.severity_rank')),
        )
        .execute();
    }
    await trx.updateTable('leak_files').set({ checkpoint_offset: checkpoint }).where('source_id', '=', sourceId).where('file_key', '=', fileKeyValue).execute();
  });
  return counts;
}
