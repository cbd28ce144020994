import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, type MigrationResultSet, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { VigilError } from '../errors.js';
import { mkdirPrivate, restrictMode, touchPrivate } from '../private-files.js';
import { migrationProvider, migrations } from './migrations/index.js';
import type { SqlDialect } from './migrations/helpers.js';
import type { Database } from './schema.js';
import { checkSecretName, ensureSecretFolder, readSecretFile, SECRET_FILE_NAME, secretFilePath, updateSecretFile } from './secrets.js';

export interface StoreOptions {
  /** Folder for the SQLite file (and other data files). */
  dataDir: string;
  /** postgres://… — use PostgreSQL instead of the embedded SQLite store. */
  databaseUrl?: string | undefined;
  /** Run migrations on open (default true). */
  migrate?: boolean;
  /** The installation secrets file (`VIGIL_SECRET_FILE`); default `<dataDir>/secrets.json`. */
  secretFile?: string | undefined;
}

/**
 * The one store interface for every capability. `db` is a typed kysely handle that compiles to
 * SQLite or PostgreSQL; capability repositories take a Store and use only portable SQL.
 */
export class Store {
  private readonly secrets = new Map<string, Buffer>();
  /** Where the installation secrets live (see secrets.ts). */
  readonly secretFile: string;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: SqlDialect,
    readonly dataDir: string,
    /** The raw better-sqlite3 handle (SQLite only), for backup and bulk inserts. */
    readonly sqlite: SQLite.Database | undefined,
    secretFile?: string,
  ) {
    this.secretFile = secretFilePath(dataDir, secretFile);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  /**
   * A random per-installation secret (32 bytes), created on first use. Used as the HMAC key for
   * leaked-password fingerprints and for signed links. It lives in the secret file, never in the
   * database; the database keeps only a check value (an HMAC of a constant under the key), so a
   * missing or foreign secret file is an error instead of a new key that silently stops every
   * earlier fingerprint and link from matching.
   */
  async installationSecret(name: string): Promise<Buffer> {
    const cached = this.secrets.get(name);
    if (cached) return cached;
    checkSecretName(name);
    // A store opened without migrating (migrate: false) may still hold an older vigil's keys in
    // the database: move them first, so a new key is never made beside an existing one.
    await this.moveLegacySecrets();
    let hex = readSecretFile(this.secretFile)?.[name];
    if (!hex) {
      if (this.secretFile === resolve(this.dataDir, SECRET_FILE_NAME)) ensureSecretFolder(this.secretFile);
      // Decided under the file's lock: a process that created the key a moment ago has written
      // the file before recording its check value, so seeing the check value here while the
      // file has no key really means the file is missing, not that we raced.
      const all = await updateSecretFile(this.secretFile, async (current) => {
        if (current[name]) return undefined;
        if (await this.getSetting(secretCheckKey(name))) {
          throw new VigilError('store.secret-missing', `the installation secret "${name}" is not in ${this.secretFile}, but this store was used with one`, {
            hint: 'put back the secret file that belongs to this store (the one next to the store it came from, or set VIGIL_SECRET_FILE to it); without it earlier leak fingerprints and signed links cannot be matched',
          });
        }
        return { ...current, [name]: randomBytes(32).toString('hex') };
      });
      hex = all[name]!;
    }
    const key = Buffer.from(hex, 'hex');
    await this.recordSecretCheck(name, key);
    this.secrets.set(name, key);
    return key;
  }

  /** Record the key's check value on first use; afterwards refuse a key that does not match it. */
  private async recordSecretCheck(name: string, key: Buffer): Promise<void> {
    const check = secretCheck(key);
    await this.db
      .insertInto('settings')
      .values({ key: secretCheckKey(name), value: check })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    if ((await this.getSetting(secretCheckKey(name))) !== check) {
      throw new VigilError('store.secret-mismatch', `the installation secret "${name}" in ${this.secretFile} is not the one this store was used with`, {
        hint: 'use the secret file that belongs to this store (all machines on one PostgreSQL store share one file: copy it, or set VIGIL_SECRET_FILE)',
      });
    }
  }

  /**
   * Stores made before the secret file kept `secret.<name>` rows in settings: move them to the
   * secret file (kept values, so earlier fingerprints still match), then delete the rows. A
   * secret file that already holds a different value for a name is not overwritten.
   */
  async moveLegacySecrets(): Promise<string[]> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).where('key', 'like', 'secret.%').execute();
    const legacy = rows
      .map((r) => ({ name: r.key.slice('secret.'.length), hex: r.value }))
      .filter((r) => /^[a-z][a-z0-9-]{0,40}$/.test(r.name) && /^[0-9a-f]{64}$/.test(r.hex));
    if (legacy.length === 0) return [];
    if (this.secretFile === resolve(this.dataDir, SECRET_FILE_NAME)) ensureSecretFolder(this.secretFile);
    await updateSecretFile(this.secretFile, (current) => {
      const conflicting = legacy.filter((r) => current[r.name] !== undefined && current[r.name] !== r.hex).map((r) => r.name);
      if (conflicting.length > 0) {
        throw new VigilError(
          'store.secret-conflict',
          `the database holds installation secrets (${conflicting.join(', ')}) that differ from those in ${this.secretFile}`,
          {
            hint: "the secret file belongs to another store: move it away (or set VIGIL_SECRET_FILE to this store's own file) and start vigil again, which moves the database's secrets into a new file",
          },
        );
      }
      if (legacy.every((r) => current[r.name] === r.hex)) return undefined;
      const next = { ...current };
      for (const r of legacy) next[r.name] = r.hex;
      return next;
    });
    // Only once the file holds them (written and synced) do the rows go; a crash in between
    // leaves both, which the next start reconciles the same way.
    for (const r of legacy) await this.recordSecretCheck(r.name, Buffer.from(r.hex, 'hex'));
    await this.db
      .deleteFrom('settings')
      .where(
        'key',
        'in',
        legacy.map((r) => `secret.${r.name}`),
      )
      .execute();
    return legacy.map((r) => r.name);
  }

  /** Append to the audit log: who did what to which thing, and when. */
  async audit(actor: string, action: string, target?: string | null, detail?: unknown): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        at: new Date().toISOString(),
        actor,
        action,
        target: target ?? null,
        detail: detail === undefined ? null : JSON.stringify(detail),
      })
      .execute();
  }

  /**
   * A consistent copy of the SQLite store taken while vigil runs (SQLite's online backup API,
   * which copies a snapshot page by page without blocking writers for long).
   */
  async backup(destination: string): Promise<{ bytes: number; pages: number }> {
    if (!this.sqlite) {
      throw new VigilError('store.backup-postgres', 'vigil backup copies the embedded SQLite store; this installation uses PostgreSQL', {
        hint: 'back up PostgreSQL with its own tools: pg_dump --format=custom "$VIGIL_DATABASE_URL" > vigil.dump',
      });
    }
    // Created 0600 before SQLite writes into it: the copy holds everything the store holds.
    touchPrivate(resolve(destination));
    const result = await this.sqlite.backup(resolve(destination));
    restrictMode(resolve(destination));
    const { statSync } = await import('node:fs');
    return { bytes: statSync(resolve(destination)).size, pages: result.totalPages };
  }
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const dataDir = resolve(options.dataDir);
  let store: Store;
  if (options.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
      throw new VigilError('store.bad-url', `VIGIL_DATABASE_URL must start with postgres://, got "${options.databaseUrl.split(':')[0]}:…"`, {
        hint: 'unset VIGIL_DATABASE_URL to use the embedded SQLite store',
      });
    }
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection the server drops (restart, admin termination) makes the pool emit
    // 'error'; unhandled, that would kill vigil. The pool discards that client and opens a new
    // one at the next query, so noting it is enough.
    pool.on('error', (error) => {
      process.emitWarning(`PostgreSQL closed an idle connection: ${error.message}`, { code: 'VIGIL_PG_IDLE' });
    });
    // Portable integer columns: return int8 as a JS number (counts and ids stay below 2^53).
    pg.types.setTypeParser(20, (value) => Number(value));
    store = new Store(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres', dataDir, undefined, options.secretFile);
  } else {
    const sqlite = openSqlite(dataDir);
    store = new Store(new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), 'sqlite', dataDir, sqlite, options.secretFile);
  }
  if (options.migrate !== false) {
    try {
      await migrate(store);
      await store.moveLegacySecrets();
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}

/** How long a start waits for another process's migrations (an old store's may take a while). */
const MIGRATION_WAIT_MS = 120_000;
const BUSY_TIMEOUT_MS = 5000;

/**
 * Open the SQLite file, safe when many processes do it at once on a new data folder: the folder
 * and the file are created 0700/0600 by whoever comes first, and the switch to WAL (which needs
 * the file to itself for a moment) is retried until it took.
 */
function openSqlite(dataDir: string): SQLite.Database {
  try {
    mkdirPrivate(dataDir);
  } catch (error) {
    throw new VigilError('store.data-dir', `cannot create the data folder ${dataDir}: ${(error as Error).message}`, {
      hint: 'choose a writable folder with --data DIR or VIGIL_DATA',
    });
  }
  const file = resolve(dataDir, 'vigil.sqlite');
  // SQLite gives the -wal and -shm files the mode of the database file, so a 0600 database file
  // made before SQLite opens it keeps all three private whatever the umask.
  let sqlite: SQLite.Database;
  try {
    touchPrivate(file);
    sqlite = new SQLite(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new VigilError('store.open', `cannot open the SQLite store ${file}: ${(error as Error).message}`, {
      hint: 'run vigil as the user that owns the data folder, or choose another with --data DIR or VIGIL_DATA',
      cause: error,
    });
  }
  // 16 KiB pages for a new database (ignored by an existing one): B-trees of wide rows (leak
  // accounts, check results) are shallower and a bulk import touches 4x fewer pages.
  sqlite.pragma('page_size = 16384');
  // While another process holds the file, `journal_mode = WAL` either fails busy or quietly
  // answers the old mode: try again until it says wal.
  const deadline = Date.now() + MIGRATION_WAIT_MS;
  for (;;) {
    let mode: unknown;
    try {
      mode = sqlite.pragma('journal_mode = WAL', { simple: true });
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY') !== true) throw error;
    }
    if (mode === 'wal') break;
    if (Date.now() > deadline) {
      sqlite.close();
      throw new VigilError('store.busy', `the SQLite store ${file} stayed locked by another process`, {
        hint: 'another vigil process holds the store; try again when it is done',
      });
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.random() * 30);
  }
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) restrictMode(file + suffix);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

/** Names of the migrations recorded in the store; undefined when there is no migration table yet. */
async function appliedMigrations(store: Store): Promise<Set<string> | undefined> {
  try {
    const result = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
    return new Set(result.rows.map((r) => r.name));
  } catch {
    return undefined;
  }
}

/**
 * Apply pending migrations; versioned, forward-only. Serialised across processes — cron jobs,
 * `vigil serve`, workers on several machines may start together on a new or an older store:
 * on SQLite inside one `BEGIN IMMEDIATE` transaction (the write lock, taken before the version
 * is read, so the second process reads what the first wrote), on PostgreSQL under an advisory
 * lock held around the whole migrator, including its creation of its own tables.
 */
export async function migrate(store: Store): Promise<string[]> {
  const applied = await appliedMigrations(store);
  // Nothing to do (every start after the first): no lock, no write.
  if (applied && Object.keys(migrations).every((name) => applied.has(name))) return [];
  const result = store.dialect === 'sqlite' ? await migrateSqlite(store) : await migratePostgres(store);
  const { error, results } = result;
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new VigilError('store.migration-failed', `database migration ${failed ?? ''} failed: ${(error as Error).message}`, {
      hint: 'the store was left as it was before this migration; restore from `vigil backup` if it was modified by hand',
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function migrateSqlite(store: Store): Promise<MigrationResultSet> {
  const sqlite = store.sqlite!;
  sqlite.pragma(`busy_timeout = ${MIGRATION_WAIT_MS}`);
  try {
    try {
      sqlite.exec('BEGIN IMMEDIATE');
    } catch (error) {
      throw new VigilError('store.migration-busy', `another process kept the store locked for ${MIGRATION_WAIT_MS / 1000} s while vigil waited to migrate it`, {
        hint: 'wait until the other vigil process has finished, then start again',
        cause: error,
      });
    }
    // kysely's SQLite migration lock is a no-op and its own transaction is deferred; the
    // migrations run inside the immediate transaction taken above instead.
    const migrator = new Migrator({ db: store.db, provider: migrationProvider, allowUnorderedMigrations: true, disableTransactions: true });
    let result: MigrationResultSet;
    try {
      result = await migrator.migrateToLatest();
    } catch (error) {
      result = { error };
    }
    if (result.error) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      // The transaction (and every migration in it) was undone: none of them was applied.
      return { error: result.error, results: result.results?.map((r) => (r.status === 'Success' ? { ...r, status: 'NotExecuted' } : r)) };
    }
    sqlite.exec('COMMIT');
    return result;
  } finally {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/** A fixed key for vigil's migrations in pg_advisory_lock's bigint space ("vigilmig"). */
const PG_MIGRATION_LOCK = sql.raw(0x76696769_6c6d6967n.toString());

async function migratePostgres(store: Store): Promise<MigrationResultSet> {
  return store.db.connection().execute(async (conn) => {
    // A session lock on a connection of its own, held while the migrator (on other pooled
    // connections) creates its tables and applies the migrations. Polled with a deadline rather
    // than waited on, so a stuck holder gives a clear error instead of a hang.
    const deadline = Date.now() + MIGRATION_WAIT_MS;
    for (;;) {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${PG_MIGRATION_LOCK}) as locked`.execute(conn);
      if (rows[0]?.locked) break;
      if (Date.now() > deadline) {
        throw new VigilError(
          'store.migration-busy',
          `another process kept the migration lock for ${MIGRATION_WAIT_MS / 1000} s while vigil waited to migrate the store`,
          {
            hint: 'wait until the other vigil process has finished migrating, then start again',
          },
        );
      }
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
    try {
      const migrator = new Migrator({ db: store.db, provider: migrationProvider, allowUnorderedMigrations: true });
      return await migrator.migrateToLatest();
    } finally {
      await sql`select pg_advisory_unlock(${PG_MIGRATION_LOCK})`.execute(conn);
    }
  });
}

/** The check value of a secret stored in settings: reveals nothing of the 32-byte key. */
function secretCheck(key: Buffer): string {
  return createHmac('sha256', key).update('vigil installation secret check').digest('hex');
}

function secretCheckKey(name: string): string {
  return `secret-check.${name}`;
}
