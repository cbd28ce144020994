import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { type PasswordKind, SEVERITY_RANK } from '../formats/password.js';
import type { LeakMatch } from '../scan/accumulator.js';
import { expandPaths, type ScanResult, scanPaths } from '../scan/engine.js';
import { ensureFileSketch, refreshSourceTotals } from './source-census.js';
import { countBelow, decodeOffsets, encodeOffsets, hasOffset, type StoredScan, scanTail } from './resume.js';
import { StaffDirectory } from './staff.js';
import { type AccountAppearance, type BatchContext, type ImportWriter, openImportWriter } from './writer.js';

export type { AccountAppearance } from './writer.js';

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
  /** Accounts per transaction (default 100,000). */
  batchSize?: number;
  /** Test hook: called after each committed batch with the file's accounts stored so far (to simulate a crash between batches). */
  afterBatch?: (file: string, committed: number) => void;
}

export interface ImportedFile {
  path: string;
  key: string;
  /** Already imported into this source by an earlier run: nothing read or written. */
  skipped: boolean;
  /** The file's accounts (unique organisation addresses). */
  accounts: number;
  /** Accounts written by this run (fewer than `accounts` when it resumed). */
  written: number;
  /** An earlier run was cut off: this one continued from this byte (its checkpoint). */
  resumedFromByte: number | null;
  /** Bytes this run's scan read (less than the file's size when it resumed from the checkpoint). */
  scannedBytes: number;
}

export interface ImportSummary {
  source: string;
  sourceId: string;
  files: ImportedFile[];
  accounts: number;
  written: number;
  newAccounts: number;
  reopened: number;
  /** Some file continued from an earlier, interrupted run's checkpoint. */
  resumed: boolean;
  durationMs: number;
  /** Accounts written per second of writing (the store's part: the batches' transactions, committed). */
  accountsPerSecond: number | null;
  /** Time to copy the import's pages from SQLite's WAL into the database file once at the end (0 on PostgreSQL). */
  checkpointMs: number;
  /** Accounts written per second of the whole import (hashing, scan, writing). */
  wholeAccountsPerSecond: number | null;
}

const KIND_RANK: Record<PasswordKind, number> = { none: 0, hash: 1, md5: 2, ntlm: 2, sha1: 3, sha256: 4, bcrypt: 5, plaintext: 6 };

/**
 * Fold a file's matches into one appearance per address: the strongest severity, then kind, then
 * the earliest line; its offset is the address's first line in the file. Sorted by that offset
 * (then address), so a batch is a prefix of the file and its last offset a checkpoint.
 */
export function strongestPerAccount(matches: LeakMatch[]): AccountAppearance[] {
  // Parallel arrays by slot (address → slot), not an object per address: this runs once per match
  // and a Map lookup is most of its cost. The appearance objects are built once at the end.
  const slot = new Map<string, number>();
  const best: LeakMatch[] = [];
  const score: number[] = [];
  const first: number[] = [];
  for (const m of matches) {
    const s = SEVERITY_RANK[m.severity] * 16 + KIND_RANK[m.passwordKind];
    const i = slot.get(m.email);
    if (i === undefined) {
      slot.set(m.email, best.length);
      best.push(m);
      score.push(s);
      first.push(m.offset);
      continue;
    }
    if (s > score[i]! || (s === score[i]! && m.offset < best[i]!.offset)) {
      best[i] = m;
      score[i] = s;
    }
    if (m.offset < first[i]!) first[i] = m.offset;
  }
  const out: AccountAppearance[] = new Array(best.length);
  // Matches usually arrive in file order, so slots are already in first-offset order: sort only when not.
  let sorted = true;
  for (let i = 0; i < best.length; i++) {
    const m = best[i]!;
    out[i] = {
      email: m.email,
      orgDomain: m.orgDomain,
      severity: m.severity,
      kind: m.passwordKind,
      mask: m.passwordMask,
      fingerprint: m.fingerprint,
      url: m.url,
      offset: first[i]!,
    };
    if (sorted && i > 0 && byFirstOffset(out[i - 1]!, out[i]!) > 0) sorted = false;
  }
  return sorted ? out : out.sort(byFirstOffset);
}

function byFirstOffset(a: AccountAppearance, b: AccountAppearance): number {
  return a.offset - b.offset || (a.email < b.email ? -1 : a.email > b.email ? 1 : 0);
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

/**
 * Accounts per transaction. Larger batches write each touched page to the WAL fewer times
 * (100,000 vs 50,000: ~10 % more accounts per CPU-second on SQLite); at ~100,000 accounts/s a
 * batch holds SQLite's write lock about a second, well under the 5 s other connections wait.
 */
const BATCH = 100_000;

/**
 * Cut the appearances (sorted by offset) into batches that never split one offset: then "every
 * appearance that starts before byte N is committed" is exact, whatever the batch size of the
 * run that resumes.
 */
function* batchesOf(appearances: AccountAppearance[], from: number, size: number): Generator<AccountAppearance[]> {
  let i = from;
  while (i < appearances.length) {
    let end = Math.min(i + size, appearances.length);
    while (end < appearances.length && appearances[end]!.offset === appearances[end - 1]!.offset) end++;
    yield appearances.slice(i, end);
    i = end;
  }
}

/**
 * Import leak files into the store as a source and the organisation's accounts. Each file is
 * keyed by its SHA-256 and size: a file already imported into this source is skipped. Accounts
 * are written in batches, each committed with the file's checkpoint (the byte up to which every
 * appearance is stored). A run killed at any point and run again re-scans the file (the scan is
 * deterministic), skips the appearances before the checkpoint and writes only the rest, so it
 * ends with the same store as an uninterrupted run; the writes are idempotent besides.
 */
export async function importLeaks(store: Store, paths: string[], options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  if (options.orgDomains.length === 0) {
    throw new VigilError('leaks.no-domains', 'import needs the organisation’s mail domains', { hint: 'set mail.domains in vigil.yaml' });
  }
  if (options.breachDate && !/^\d{4}-\d{2}-\d{2}$/.test(options.breachDate)) {
    throw new VigilError('leaks.bad-date', `--breach-date must be YYYY-MM-DD, got "${options.breachDate}"`);
  }
  const batchSize = options.batchSize ?? BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new VigilError('leaks.bad-batch-size', `batch size must be a positive integer, got ${batchSize}`);
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
    written: 0,
    newAccounts: 0,
    reopened: 0,
    resumed: false,
    durationMs: 0,
    accountsPerSecond: null,
    checkpointMs: 0,
    wholeAccountsPerSecond: null,
  };
  let writeMs = 0;
  let writer: ImportWriter | undefined;
  try {
    for (const file of expandPaths(paths)) {
      const { key, size } = await fileKey(file.path);
      const done = await store.db.selectFrom('leak_files').selectAll().where('source_id', '=', source.id).where('file_key', '=', key).executeTakeFirst();
      if (done?.completed_at) {
        summary.files.push({ path: file.path, key, skipped: true, accounts: 0, written: 0, resumedFromByte: null, scannedBytes: 0 });
        continue;
      }
      if (!done) {
        await store.db
          .insertInto('leak_files')
          .values({ source_id: source.id, file_key: key, path: file.path, size, checkpoint_offset: 0, completed_at: null })
          .execute();
      }
      const checkpoint = Number(done?.checkpoint_offset ?? 0);
      // Resume: read only from the checkpoint on when the interrupted run left its scan (resume.ts).
      const stored = checkpoint > 0 ? storedScan(done!) : null;
      const tail = stored ? scanTail(file.path, size, checkpoint, options.orgDomains, secret) : null;
      let result: ScanResult;
      let appearances: AccountAppearance[];
      let firstOffsets: Float64Array;
      let classes: { classes: string[]; stealer: boolean };
      let scannedBytes: number;
      if (stored && tail) {
        options.onProgress?.(size, size);
        result = { ...stored.scan.census, matches: [] };
        firstOffsets = stored.offsets;
        classes = { classes: stored.scan.dataClasses, stealer: stored.scan.stealer };
        // A tail offset that is no account's first offset belongs to an account stored already.
        appearances = strongestPerAccount(tail.matches).filter((a) => hasOffset(firstOffsets, a.offset));
        scannedBytes = tail.bytes;
      } else {
        result = await scanPaths([file.path], {
          orgDomains: options.orgDomains,
          census: true,
          // The file's mergeable sketch comes with the census (no second pass for the source's totals).
          sketch: true,
          secret,
          ...(options.workers !== undefined ? { workers: options.workers } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });
        appearances = strongestPerAccount(result.matches);
        firstOffsets = Float64Array.from(appearances, (a) => a.offset);
        classes = dataClasses(appearances);
        scannedBytes = result.bytes;
        const { matches: _matches, sketch: _sketch, ...census } = result;
        const scan: StoredScan = { census, dataClasses: classes.classes, stealer: classes.stealer };
        await store.db
          .updateTable('leak_files')
          .set({ scan: JSON.stringify(scan), first_offsets: encodeOffsets(firstOffsets) })
          .where('source_id', '=', source.id)
          .where('file_key', '=', key)
          .execute();
        // A full scan after an interruption (no stored scan): the appearances before the checkpoint were committed.
        if (checkpoint > 0) appearances = appearances.filter((a) => a.offset >= checkpoint);
      }
      // The file's mergeable census sketch, so the source's totals are unions, not sums
      // (source-census.ts). Stored before the batches and once: a resumed run finds it and reads
      // only the tail; only a file interrupted before sketches existed is read again for it.
      await ensureFileSketch(store, source.id, key, result, file.path, options.orgDomains);
      // Accounts of the file, and those an earlier, interrupted run committed (first seen before its checkpoint).
      const fileAccounts = firstOffsets.length;
      const committedBefore = countBelow(firstOffsets, checkpoint);
      const ctx: BatchContext = { sourceId: source.id, seenAt, now, actor, staff, fileKey: key };
      const t0 = performance.now();
      writer ??= openImportWriter(store, staff);
      for (const batch of batchesOf(appearances, 0, batchSize)) {
        const batchCheckpoint = batch[batch.length - 1]!.offset + 1;
        const counts = await writer.write(ctx, batch, batchCheckpoint);
        summary.newAccounts += counts.created;
        summary.reopened += counts.reopened;
        options.afterBatch?.(file.path, countBelow(firstOffsets, batchCheckpoint));
      }
      writeMs += performance.now() - t0;
      // The file's batches are checkpointed on another thread while this one goes on (not after
      // each batch: on two busy cores that thread then slowed the writing by ~15 %).
      writer.settle();
      summary.written += fileAccounts - committedBefore;
      await finishFile(store, source.id, key, size, result, classes, now);
      await refreshSourceTotals(store, source.id);
      summary.files.push({
        path: file.path,
        key,
        skipped: false,
        accounts: fileAccounts,
        written: fileAccounts - committedBefore,
        resumedFromByte: checkpoint > 0 ? checkpoint : null,
        scannedBytes,
      });
      if (checkpoint > 0) summary.resumed = true;
      summary.accounts += fileAccounts;
    }
    // The writer's close waits for its checkpoint, which ran while the census was stored (part of the whole time).
    const closing = performance.now();
    await writer?.close();
    summary.checkpointMs = Math.round(performance.now() - closing);
  } finally {
    await writer?.close();
  }
  summary.durationMs = Math.round(performance.now() - started);
  summary.accountsPerSecond = summary.written > 0 && writeMs > 0 ? Math.round(summary.written / (writeMs / 1000)) : null;
  summary.wholeAccountsPerSecond = summary.written > 0 && summary.durationMs > 0 ? Math.round(summary.written / (summary.durationMs / 1000)) : null;
  await store.audit(actor, 'leaks.import', source.name, {
    files: summary.files.map((f) => ({ key: f.key, skipped: f.skipped, accounts: f.accounts })),
    newAccounts: summary.newAccounts,
  });
  return summary;
}

/** The scan an interrupted run stored for its file, when it is there and readable. */
function storedScan(row: { scan: string | null; first_offsets: Uint8Array | null }): { scan: StoredScan; offsets: Float64Array } | null {
  const offsets = decodeOffsets(row.first_offsets);
  if (!row.scan || !offsets) return null;
  try {
    return { scan: JSON.parse(row.scan) as StoredScan, offsets };
  } catch {
    return null;
  }
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
async function finishFile(
  store: Store,
  sourceId: string,
  key: string,
  size: number,
  result: ScanResult,
  dc: { classes: string[]; stealer: boolean },
  now: string,
) {
  await store.db.transaction().execute(async (trx) => {
    const src = await trx.selectFrom('leak_sources').selectAll().where('id', '=', sourceId).executeTakeFirstOrThrow();
    const census = src.census ? (JSON.parse(src.census) as { files: Record<string, unknown> }) : { files: {} };
    const { matches: _omit, sketch: _sketchOmitted, ...counts } = result;
    census.files[key] = counts;
    const classes = new Set<string>(JSON.parse(src.data_classes) as string[]);
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
        // pwn_count is the union over the source's files: refreshSourceTotals sets it next (source-census.ts).
        org_count: Number(orgCount.n),
        data_classes: JSON.stringify([...classes].sort()),
        flags: JSON.stringify(flags),
      })
      .where('id', '=', sourceId)
      .execute();
    await trx
      .updateTable('leak_files')
      // The resume data is no longer needed once the file is complete.
      .set({ checkpoint_offset: size, completed_at: now, scan: null, first_offsets: null })
      .where('source_id', '=', sourceId)
      .where('file_key', '=', key)
      .execute();
  });
}
