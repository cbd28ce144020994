import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import { VigilError } from '../../errors.js';
import { type PasswordKind, SEVERITY_RANK, type Severity } from '../formats/password.js';
import type { StaffDirectory } from './staff.js';
import type { AccountAppearance, BatchContext, BatchCounts, ImportWriter } from './writer-types.js';

/**
 * The SQLite import writer. better-sqlite3 is synchronous and each call into it costs 1–2 µs
 * plus ~0.3 µs per bound value on this kind of machine, while SQLite's own work per row of an
 * INSERT … SELECT is a fraction of that. So each account costs exactly one call — a row of a
 * staging table in an attached in-memory database, with 5 values — and the batch is then
 * applied by a handful of set-based statements that run entirely inside SQLite: the history
 * rows, the updates of accounts already stored, the new accounts (joined to the staff directory,
 * loaded once per import into the same in-memory database), and the (account, source) pairs.
 * Everything constant for the batch (source, dates, actor) is bound once per statement.
 *
 * The batch is staged in address order, so every B-tree the statements touch (the account and
 * pair keys, the history index) is walked forwards page by page instead of at random.
 *
 * While the writer is open, the connection does not checkpoint the WAL after each commit
 * (`wal_autocheckpoint = 0`): a checkpoint copies every page the batch touched back into the
 * database file, and with several batches the same pages were copied again and again. The
 * writer checkpoints a file's batches on another thread while the import goes on, and once more
 * when it closes (PASSIVE: it never waits for readers such as `vigil serve`, which keep working
 * throughout), then restores the connection's settings.
 */

const requireHere = createRequire(import.meta.url);

/** Password kinds by their code in the staging row (bits 3–5 of `code`). */
const KIND_CODES: readonly PasswordKind[] = ['none', 'plaintext', 'md5', 'sha1', 'sha256', 'bcrypt', 'ntlm', 'hash'];
const KIND_CODE = new Map(KIND_CODES.map((k, i) => [k, i]));

/** Staging row `code`: severity rank (bits 0–2), password kind (bits 3–5), organisation domain index (bits 6+). */
const RANK_SQL = 's.code & 7';
const SEVERITY_SQL = `CASE s.code & 7 ${(Object.entries(SEVERITY_RANK) as [Severity, number][]).map(([name, rank]) => `WHEN ${rank} THEN '${name}'`).join(' ')} END`;
const KIND_SQL = `CASE (s.code >> 3) & 7 ${KIND_CODES.map((k, i) => `WHEN ${i} THEN '${k}'`).join(' ')} END`;

/** Page cache of the import's connection (KiB): the account, pair and history indexes stay in memory. */
const IMPORT_CACHE_KIB = 128 * 1024;

/** Attached in-memory databases (staging tables, staff directory, domains): one per writer, so imports on one connection never share one. */
let scratchCount = 0;

/**
 * The connection's settings while any import writer is open on it, saved by the first writer and
 * restored by the last (two imports in one process must not restore each other's values).
 */
const sessions = new WeakMap<SQLite.Database, { writers: number; autocheckpoint: number; cacheSize: number }>();

interface Statements {
  sort: SQLite.Statement;
  clearStaged: SQLite.Statement;
  stage: SQLite.Statement;
  clear: SQLite.Statement;
  checkpoint: SQLite.Statement;
  history: SQLite.Statement;
  update: SQLite.Statement;
  accounts: SQLite.Statement;
  pairs: SQLite.Statement;
}

export class SqliteImportWriter implements ImportWriter {
  private readonly statements: Statements;
  private readonly domainIndex = new Map<string, number>();
  private readonly addDomain: SQLite.Statement;
  private readonly scratch = `leak_import_${++scratchCount}`;
  private closed = false;
  private background: Promise<void> | undefined;
  private settleAgain = false;

  constructor(
    private readonly db: SQLite.Database,
    staff: StaffDirectory,
  ) {
    db.exec(`ATTACH DATABASE ':memory:' AS ${this.scratch}`);
    try {
      db.exec(`
        CREATE TABLE ${this.scratch}.staged (email TEXT NOT NULL, code INTEGER NOT NULL, mask TEXT, fingerprint TEXT, url TEXT);
        CREATE TABLE ${this.scratch}.batch (email TEXT PRIMARY KEY, code INTEGER NOT NULL, mask TEXT, fingerprint TEXT, url TEXT) WITHOUT ROWID;
        CREATE TABLE ${this.scratch}.staff (address TEXT PRIMARY KEY, full_name TEXT NOT NULL, email TEXT NOT NULL, unit TEXT) WITHOUT ROWID;
        CREATE TABLE ${this.scratch}.domains (i INTEGER PRIMARY KEY, name TEXT NOT NULL);`);
      const addStaff = db.prepare(`INSERT OR REPLACE INTO ${this.scratch}.staff VALUES (?, ?, ?, ?)`);
      // The directory's own lookup decides which person an address (or alias) means; the table
      // mirrors it so the join finds the same person.
      db.transaction(() => {
        for (const m of staff.members) {
          for (const address of [m.email, ...m.aliases]) {
            const person = staff.lookup(address)!;
            addStaff.run(address, person.fullName, person.email, person.unit);
          }
        }
      })();
      this.addDomain = db.prepare(`INSERT INTO ${this.scratch}.domains VALUES (?, ?)`);
      this.statements = prepare(db, this.scratch);
    } catch (error) {
      db.exec(`DETACH DATABASE ${this.scratch}`);
      throw error;
    }
    let session = sessions.get(db);
    if (!session) {
      session = {
        writers: 0,
        autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }) as number,
        cacheSize: db.pragma('cache_size', { simple: true }) as number,
      };
      sessions.set(db, session);
      db.pragma('wal_autocheckpoint = 0');
      if (session.cacheSize > -IMPORT_CACHE_KIB) db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
    }
    session.writers++;
  }

  private domainCode(domain: string): number {
    let i = this.domainIndex.get(domain);
    if (i === undefined) {
      i = this.domainIndex.size;
      this.addDomain.run(i, domain);
      this.domainIndex.set(domain, i);
    }
    return i;
  }

  async write(ctx: BatchContext, batch: AccountAppearance[], checkpoint: number): Promise<BatchCounts> {
    const s = this.statements;
    // Codes first: a new domain is a write of its own, outside the batch's transaction is fine (scratch database).
    const codes = batch.map((a) => SEVERITY_RANK[a.severity] | (KIND_CODE.get(a.kind)! << 3) | (this.domainCode(a.orgDomain) << 6));
    const constants = {
      sourceId: ctx.sourceId,
      seenAt: ctx.seenAt,
      now: ctx.now,
      actor: ctx.actor,
      createdNote: `source ${ctx.sourceId}`,
      reopenNote: `reopened: seen in a newer leak (source ${ctx.sourceId})`,
    };
    let counts: BatchCounts = { created: 0, reopened: 0 };
    // Foreign keys are checked by construction here, not per row (two index probes per pair): every
    // pair's account is stored or inserted just before it, and the source's file row is updated
    // first in the same write transaction, which no other connection can interleave with.
    // (The pragma cannot change inside a transaction; all of this is synchronous, so no other
    // query of this connection runs while it is off.)
    const foreignKeys = this.db.pragma('foreign_keys', { simple: true }) as number;
    if (foreignKeys) this.db.pragma('foreign_keys = OFF');
    try {
      this.db.transaction(() => {
        // The file's row first: it takes the write lock, and proves the source is still there.
        if (s.checkpoint.run(checkpoint, ctx.sourceId, ctx.fileKey).changes !== 1)
          throw new VigilError('leaks.import-source-gone', `source ${ctx.sourceId} or its file ${ctx.fileKey} was deleted while importing`, {
            hint: 'run the import again',
          });
        // Staged in the batch's order (an append), then copied once in address order into the table
        // the statements read (SQLite's sorter, in C: sorting the strings in JavaScript cost several µs per account).
        for (let i = 0; i < batch.length; i++) {
          const a = batch[i]!;
          s.stage.run(a.email, codes[i], a.mask, a.fingerprint, a.url);
        }
        s.sort.run();
        s.clearStaged.run();
        // Order matters: history and updates read the accounts and pairs as they were before the batch.
        const history = s.history.run(pick(constants, 'actor', 'now', 'createdNote', 'reopenNote', 'sourceId')).changes;
        s.update.run(pick(constants, 'sourceId', 'seenAt', 'now'));
        const created = s.accounts.run(pick(constants, 'seenAt', 'now')).changes;
        s.pairs.run(pick(constants, 'sourceId', 'seenAt'));
        s.clear.run();
        counts = { created, reopened: history - created };
      })();
    } finally {
      if (foreignKeys) this.db.pragma('foreign_keys = ON');
    }
    return counts;
  }

  /**
   * The batches written so far are committed: copy them from the WAL into the database file on
   * another thread while this one goes on (the file's census, the next file).
   * The copy is mostly waiting for the disk (fsync), so it overlaps well even on two cores.
   * One pass at a time; a call during a pass asks for one more after it.
   */
  settle(): void {
    if (this.closed || this.db.memory) return;
    if (this.background) {
      this.settleAgain = true; // more was committed while it ran: one more pass after it
      return;
    }
    this.background = (async () => {
      do {
        this.settleAgain = false;
        await checkpointInBackground(this.db.name).catch(() => undefined);
      } while (this.settleAgain && !this.closed);
      this.background = undefined;
    })();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const db = this.db;
    await this.background;
    try {
      if (db.open && !db.inTransaction) db.exec(`DETACH DATABASE ${this.scratch}`);
    } finally {
      const session = sessions.get(db)!;
      if (--session.writers === 0) {
        sessions.delete(db);
        if (db.open) restoreConnection(db, session);
      }
    }
  }
}

/** The last writer of a connection: settings back, the rest of the WAL into the database file. */
function restoreConnection(db: SQLite.Database, saved: { autocheckpoint: number; cacheSize: number }): void {
  db.pragma(`cache_size = ${saved.cacheSize}`);
  db.pragma(`wal_autocheckpoint = ${saved.autocheckpoint}`);
  // Copy what is left (all of it when nothing settled) into the database file, without waiting
  // for readers; then give the WAL file's space back unless a reader still uses it (busy_timeout
  // 0: never wait for one, e.g. vigil serve).
  db.pragma('wal_checkpoint(PASSIVE)');
  const busy = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.pragma(`busy_timeout = ${busy}`);
  }
}

/**
 * A PASSIVE checkpoint of the database file on its own connection in a worker thread (inline
 * code: no module file to find from sources or dist/). It never blocks a reader or a writer.
 */
function checkpointInBackground(path: string): Promise<void> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.path, { fileMustExist: true });
    try { db.pragma('wal_checkpoint(PASSIVE)'); } finally { db.close(); }
    parentPort.postMessage('done');`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { path, module: requireHere.resolve('better-sqlite3') } });
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`checkpoint worker exited with ${code}`))));
  });
}

function pick<T extends Record<string, unknown>, K extends keyof T>(values: T, ...keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = values[k];
  return out;
}

function prepare(db: SQLite.Database, scratch: string): Statements {
  const stagedPair = `SELECT 1 FROM main.leak_account_sources p WHERE p.email = s.email AND p.source_id = @sourceId`;
  return {
    stage: db.prepare(`INSERT INTO ${scratch}.staged (email, code, mask, fingerprint, url) VALUES (?, ?, ?, ?, ?)`),
    sort: db.prepare(`INSERT INTO ${scratch}.batch SELECT * FROM ${scratch}.staged ORDER BY email`),
    clear: db.prepare(`DELETE FROM ${scratch}.batch`),
    clearStaged: db.prepare(`DELETE FROM ${scratch}.staged`),
    checkpoint: db.prepare('UPDATE main.leak_files SET checkpoint_offset = ? WHERE source_id = ? AND file_key = ?'),
    // A new account gets a 'detected' row; a closed one seen in a source it was not in reopens.
    history: db.prepare(`
      INSERT INTO main.leak_state_history (email, from_state, to_state, actor, at, note)
      SELECT s.email, a.state, 'detected', @actor, @now, CASE WHEN a.email IS NULL THEN @createdNote ELSE @reopenNote END
      FROM ${scratch}.batch s LEFT JOIN main.leak_accounts a ON a.email = s.email
      WHERE a.email IS NULL OR (a.state = 'closed' AND NOT EXISTS (${stagedPair}))
      ORDER BY s.email`),
    // SET expressions read the row's old values: the severity only ever rises, seen dates widen.
    update: db.prepare(`
      UPDATE main.leak_accounts AS a SET
        severity = CASE WHEN u.rank > a.severity_rank THEN u.severity ELSE a.severity END,
        password_kind = CASE WHEN u.rank > a.severity_rank THEN u.kind ELSE a.password_kind END,
        password_mask = CASE WHEN u.rank > a.severity_rank THEN u.mask ELSE a.password_mask END,
        password_fingerprint = CASE WHEN u.rank > a.severity_rank THEN u.fingerprint ELSE a.password_fingerprint END,
        severity_rank = max(a.severity_rank, u.rank),
        first_seen = min(a.first_seen, @seenAt), last_seen = max(a.last_seen, @seenAt),
        state = CASE WHEN a.state = 'closed' AND u.unpaired THEN 'detected' ELSE a.state END,
        state_changed_at = CASE WHEN a.state = 'closed' AND u.unpaired THEN @now ELSE a.state_changed_at END
      FROM (SELECT s.email, ${RANK_SQL} AS rank, ${SEVERITY_SQL} AS severity, ${KIND_SQL} AS kind, s.mask, s.fingerprint,
                   NOT EXISTS (${stagedPair}) AS unpaired
            FROM ${scratch}.batch s) AS u
      WHERE a.email = u.email
        AND ((a.state = 'closed' AND u.unpaired) OR u.rank > a.severity_rank OR a.first_seen > @seenAt OR a.last_seen < @seenAt)`),
    accounts: db.prepare(`
      INSERT INTO main.leak_accounts (email, org_domain, first_seen, last_seen, severity, severity_rank, password_kind, password_mask,
                                      password_fingerprint, state, state_changed_at, staff_name, staff_email, unit, assigned_unit)
      SELECT s.email, d.name, @seenAt, @seenAt, ${SEVERITY_SQL}, ${RANK_SQL}, ${KIND_SQL}, s.mask, s.fingerprint, 'detected', @now,
             st.full_name, st.email, st.unit, st.unit
      FROM ${scratch}.batch s JOIN ${scratch}.domains d ON d.i = s.code >> 6 LEFT JOIN ${scratch}.staff st ON st.address = s.email
      WHERE true ORDER BY s.email
      ON CONFLICT (email) DO NOTHING`),
    pairs: db.prepare(`
      INSERT INTO main.leak_account_sources (email, source_id, severity, severity_rank, password_kind, password_mask, password_fingerprint, url, seen_at)
      SELECT s.email, @sourceId, ${SEVERITY_SQL}, ${RANK_SQL}, ${KIND_SQL}, s.mask, s.fingerprint, s.url, @seenAt
      FROM ${scratch}.batch s
      WHERE true ORDER BY s.email
      ON CONFLICT (email, source_id) DO UPDATE SET severity = excluded.severity, severity_rank = excluded.severity_rank,
        password_kind = excluded.password_kind, password_mask = excluded.password_mask, password_fingerprint = excluded.password_fingerprint, url = excluded.url
      WHERE excluded.severity_rank > leak_account_sources.severity_rank`),
  };
}
