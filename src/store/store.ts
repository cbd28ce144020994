import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { VigilError } from '../errors.js';
import { migrationProvider } from './migrations/index.js';
import type { SqlDialect } from './migrations/helpers.js';
import type { Database } from './schema.js';

export interface StoreOptions {
  /** Folder for the SQLite file (and other data files). */
  dataDir: string;
  /** postgres://… — use PostgreSQL instead of the embedded SQLite store. */
  databaseUrl?: string | undefined;
  /** Run migrations on open (default true). */
  migrate?: boolean;
}

/**
 * The one store interface for every capability. `db` is a typed kysely handle that compiles to
 * SQLite or PostgreSQL; capability repositories take a Store and use only portable SQL.
 */
export class Store {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: SqlDialect,
    readonly dataDir: string,
    /** The raw better-sqlite3 handle (SQLite only), for backup and bulk inserts. */
    readonly sqlite: SQLite.Database | undefined,
  ) {}

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
   * A random per-installation secret (hex), created on first use. Used as the HMAC key for
   * leaked-password fingerprints and for signed links; never leaves the store.
   */
  async installationSecret(name: string): Promise<Buffer> {
    const key = `secret.${name}`;
    const existing = await this.getSetting(key);
    if (existing) return Buffer.from(existing, 'hex');
    const fresh = randomBytes(32).toString('hex');
    await this.db
      .insertInto('settings')
      .values({ key, value: fresh })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return Buffer.from((await this.getSetting(key)) ?? fresh, 'hex');
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
    const result = await this.sqlite.backup(resolve(destination));
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
    store = new Store(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres', dataDir, undefined);
  } else {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (error) {
      throw new VigilError('store.data-dir', `cannot create the data folder ${dataDir}: ${(error as Error).message}`, {
        hint: 'choose a writable folder with --data DIR or VIGIL_DATA',
      });
    }
    const sqlite = new SQLite(resolve(dataDir, 'vigil.sqlite'));
    // 16 KiB pages for a new database (ignored by an existing one): B-trees of wide rows (leak
    // accounts, check results) are shallower and a bulk import touches 4x fewer pages.
    sqlite.pragma('page_size = 16384');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    store = new Store(new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), 'sqlite', dataDir, sqlite);
  }
  if (options.migrate !== false) await migrate(store);
  return store;
}

/** Apply pending migrations; versioned, forward-only. */
export async function migrate(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new VigilError('store.migration-failed', `database migration ${failed ?? ''} failed: ${(error as Error).message}`, {
      hint: 'the store was left as it was before this migration; restore from `vigil backup` if it was modified by hand',
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
