import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import { Migrator } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationProvider, migrations } from '../src/store/migrations/index.js';
import { openStore } from '../src/store/store.js';
import { createScratchDatabase, testDialects } from '../src/store/testing.js';
import { repoRoot } from './support/cli.js';

/**
 * Issue: ten `vigil …` started at once on a new data folder — one died with
 * "store.migration-failed: … table "assessment_runs" already exists". Here ten real OS processes
 * open the same store at the same moment (each waits for "go" after loading), on a new store
 * and on a store migrated only part of the way; every one must succeed, every migration must be
 * recorded exactly once and all must agree on one installation secret.
 */
const PROCESSES = 10;
const allMigrations = Object.keys(migrations).sort();
const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const child = join(repoRoot, 'test', 'support', 'store-open-child.ts');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function openTogether(dataDir: string, databaseUrl = ''): Promise<Outcome[]> {
  const children = Array.from({ length: PROCESSES }, () => {
    const proc = spawn(process.execPath, ['--import', tsxLoader, child, dataDir, databaseUrl], {
      cwd: repoRoot,
      env: { ...process.env, VIGIL_SECRET_FILE: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const outcome: Outcome = { code: null, stdout: '', stderr: '' };
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    proc.stdout.on('data', (chunk) => {
      outcome.stdout += chunk;
      if (outcome.stdout.includes('ready\n')) markReady();
    });
    proc.stderr.on('data', (chunk) => (outcome.stderr += chunk));
    const done = new Promise<Outcome>((resolve, reject) => {
      proc.on('error', reject);
      proc.on('close', (code) => {
        outcome.code = code;
        markReady();
        resolve(outcome);
      });
    });
    return { proc, ready, done };
  });
  const timer = setTimeout(() => {
    for (const c of children) c.proc.kill('SIGKILL');
  }, 150_000);
  try {
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.proc.stdin.end('go\n');
    return await Promise.all(children.map((c) => c.done));
  } finally {
    clearTimeout(timer);
  }
}

function expectAllSucceeded(outcomes: Outcome[]): void {
  const failures = outcomes.filter((o) => o.code !== 0).map((o) => `exit ${o.code}: ${o.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  expect(failures).toEqual([]);
  const secrets = new Set(outcomes.map((o) => (JSON.parse(o.stdout.split('\n').find((l) => l.startsWith('{'))!) as { leaks: string }).leaks));
  expect(secrets.size).toBe(1);
}

function sqliteMigrationRows(dataDir: string): { name: string; n: number }[] {
  const db = new SQLite(join(dataDir, 'vigil.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT name, count(*) AS n FROM kysely_migration GROUP BY name ORDER BY name').all() as { name: string; n: number }[];
  } finally {
    db.close();
  }
}

async function postgresMigrationRows(url: string): Promise<{ name: string; n: number }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query('SELECT name, count(*)::int AS n FROM kysely_migration GROUP BY name ORDER BY name');
    return result.rows as { name: string; n: number }[];
  } finally {
    await client.end();
  }
}

/** A store migrated up to (and including) `last` only, as an older vigil left it. */
async function olderStore(dataDir: string, databaseUrl: string | undefined, last: string): Promise<void> {
  const store = await openStore({ dataDir, databaseUrl, migrate: false });
  try {
    const { error } = await new Migrator({ db: store.db, provider: migrationProvider, allowUnorderedMigrations: true }).migrateTo(last);
    if (error) throw error;
  } finally {
    await store.close();
  }
}

const expected = allMigrations.map((name) => ({ name, n: 1 }));
const older = allMigrations[1]!;

describe.each(testDialects())(`%s store opened by ${PROCESSES} processes at once`, (dialect) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  async function target(): Promise<{ dataDir: string; url: string | undefined; rows: () => Promise<{ name: string; n: number }[]> }> {
    const base = mkdtempSync(join(tmpdir(), 'vigil-concurrent-'));
    cleanups.push(() => rmSync(base, { recursive: true, force: true }));
    // A data folder that does not exist yet: creating it is part of the race.
    const dataDir = join(base, 'data');
    if (dialect === 'sqlite') return { dataDir, url: undefined, rows: async () => sqliteMigrationRows(dataDir) };
    const scratch = await createScratchDatabase('vigil_concurrent');
    cleanups.push(() => scratch.drop());
    return { dataDir, url: scratch.url, rows: () => postgresMigrationRows(scratch.url) };
  }

  it('a new store: all succeed, each migration applied once', { timeout: 180_000 }, async () => {
    const t = await target();
    expectAllSucceeded(await openTogether(t.dataDir, t.url));
    expect(await t.rows()).toEqual(expected);
  });

  it(`an older store (migrated up to ${older}): all succeed, each migration applied once`, { timeout: 180_000 }, async () => {
    const t = await target();
    await olderStore(t.dataDir, t.url, older);
    expect((await t.rows()).map((r) => r.name)).toEqual(allMigrations.slice(0, 2));
    expectAllSucceeded(await openTogether(t.dataDir, t.url));
    expect(await t.rows()).toEqual(expected);
  });
});
