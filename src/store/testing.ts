import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from './store.js';

/**
 * Test support: open a fresh, migrated store on each dialect.
 *
 * SQLite always. PostgreSQL when VIGIL_TEST_DATABASE_URL points at a server where the user may
 * CREATE DATABASE (.ci/run sets it); every call gets its own new database. On CI (CI=true) a
 * missing PostgreSQL is an error, never a skip.
 */
export interface TestStore {
  store: Store;
  dialect: 'sqlite' | 'postgres';
  cleanup(): Promise<void>;
}

export function testDialects(): ('sqlite' | 'postgres')[] {
  return postgresSkipReason() === undefined ? ['sqlite', 'postgres'] : ['sqlite'];
}

/**
 * Why the PostgreSQL tests cannot run here, or undefined when they can. The one place that decides
 * it: on CI (CI=true) a missing VIGIL_TEST_DATABASE_URL throws, so the test file fails instead of
 * passing or skipping; a set but unreachable server fails in `createScratchDatabase`. Locally the
 * reason is meant to be shown with the test's `skip(reason)`.
 */
export function postgresSkipReason(): string | undefined {
  if (process.env.VIGIL_TEST_DATABASE_URL) return undefined;
  if (process.env.CI) throw new Error('CI must run the tests on PostgreSQL too: set VIGIL_TEST_DATABASE_URL (see .ci/run)');
  return 'VIGIL_TEST_DATABASE_URL is not set: PostgreSQL tests do not run here (CI runs them)';
}

/**
 * The dialect a server-level suite (API, dashboard: one store and one server per file) runs on in
 * this vitest project: vitest.config.ts runs those files once more in its "postgres" project,
 * which sets VIGIL_TEST_DIALECT=postgres.
 */
export function suiteDialect(): 'sqlite' | 'postgres' {
  return process.env.VIGIL_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
}

export async function openTestStore(dialect: 'sqlite' | 'postgres'): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-store-'));
    const store = await openStore({ dataDir: dir });
    return {
      store,
      dialect,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const scratch = await createScratchDatabase('vigil_test');
  const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'vigil-pgstore-')), databaseUrl: scratch.url });
  return {
    store,
    dialect,
    cleanup: async () => {
      await store.close();
      await scratch.drop();
    },
  };
}

/**
 * A database of its own on the test server (VIGIL_TEST_DATABASE_URL), so test files running in
 * parallel never share one; `drop` removes it even while connections remain.
 */
export async function createScratchDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.VIGIL_TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('VIGIL_TEST_DATABASE_URL is not set');
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
