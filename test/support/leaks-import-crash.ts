import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { generateCombolist } from '../../src/leaks/generate.js';
import { importLeaks } from '../../src/leaks/import/importer.js';
import { openStore, type Store } from '../../src/store/store.js';
import { createScratchDatabase } from '../../src/store/testing.js';
import { repoRoot } from './cli.js';

/**
 * `vigil leaks import` killed with SIGKILL in the middle of writing, then run again with the same
 * command: it continues from its checkpoint and the store ends equal to an uninterrupted
 * import's. The CLI runs as a user runs it — one node process (tsx as a loader, not as a
 * wrapper process, so the signal hits the process that does the work).
 */
const ORG = 'lab.gov.vn';
const BREACH = '2026-03-04';
let dir: string;
let dump: string;
let config: string;

function makeDump(): void {
  dir = mkdtempSync(join(tmpdir(), 'vigil-import-crash-'));
  dump = join(dir, 'combolist.txt');
  // Every line is one of 100,000 organisation addresses: ~45,000 accounts to write.
  const orgAddresses = Array.from({ length: 100_000 }, (_, i) => `nv${i}.x@${ORG}`);
  generateCombolist(dump, { seed: 99, bytes: 6 * 1024 * 1024, orgDomains: [ORG], orgAddresses, orgEvery: 1, trackAll: false });
  config = join(dir, 'vigil.yaml');
  writeFileSync(config, stringify({ mail: { domains: [ORG] } }));
}

interface Running {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function startVigil(args: string[], env: NodeJS.ProcessEnv): Running {
  const loader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', loader, join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', VIGIL_DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

interface FileRow {
  checkpoint_offset: number;
  size: number;
  completed_at: string | null;
}

/** How each dialect is set up and watched from outside the importing process. */
interface Target {
  env: NodeJS.ProcessEnv;
  /** The file row as another connection sees it (null before the importer made it). */
  fileRow(): Promise<FileRow | null>;
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

function sqliteTarget(): Target {
  const data = mkdtempSync(join(dir, 'data-'));
  const path = join(data, 'vigil.sqlite');
  let reader: SQLite.Database | undefined;
  return {
    env: { VIGIL_DATA: data },
    async fileRow() {
      if (!existsSync(path)) return null;
      try {
        reader ??= new SQLite(path, { readonly: true, fileMustExist: true });
        return (reader.prepare('SELECT checkpoint_offset, size, completed_at FROM leak_files').get() as FileRow | undefined) ?? null;
      } catch {
        return null; // the schema is not there yet
      }
    },
    open: () => openStore({ dataDir: data }),
    async cleanup() {
      reader?.close();
    },
  };
}

async function postgresTarget(): Promise<Target> {
  const scratch = await createScratchDatabase('vigil_crash');
  const url = scratch.url;
  const reader = new pg.Client({ connectionString: url });
  await reader.connect();
  const data = mkdtempSync(join(dir, 'pgdata-'));
  return {
    env: { VIGIL_DATA: data, VIGIL_DATABASE_URL: url },
    async fileRow() {
      try {
        const r = await reader.query('SELECT checkpoint_offset, size, completed_at FROM leak_files');
        const row = r.rows[0] as { checkpoint_offset: string; size: string; completed_at: string | null } | undefined;
        return row ? { checkpoint_offset: Number(row.checkpoint_offset), size: Number(row.size), completed_at: row.completed_at } : null;
      } catch {
        return null;
      }
    },
    open: () => openStore({ dataDir: data, databaseUrl: url }),
    async cleanup() {
      await reader.end();
      await scratch.drop();
    },
  };
}

/** The store minus what legitimately differs between two runs (times of the run, ids, the per-installation secret). */
async function snapshot(store: Store) {
  const accounts = await store.db.selectFrom('leak_accounts').selectAll().orderBy('email').execute();
  const pairs = await store.db
    .selectFrom('leak_account_sources')
    .select(['email', 'severity', 'severity_rank', 'password_kind', 'password_mask', 'password_fingerprint', 'url', 'seen_at'])
    .orderBy('email')
    .execute();
  const history = await store.db.selectFrom('leak_state_history').select(['email', 'from_state', 'to_state', 'actor']).orderBy('email').execute();
  const sources = await store.db.selectFrom('leak_sources').selectAll().execute();
  const files = await store.db.selectFrom('leak_files').select(['file_key', 'size', 'checkpoint_offset', 'completed_at']).execute();
  return {
    accounts: accounts.map(({ state_changed_at: _t, password_fingerprint, ...a }) => ({ ...a, fingerprint: password_fingerprint !== null })),
    pairs: pairs.map(({ password_fingerprint, ...p }) => ({ ...p, fingerprint: password_fingerprint !== null })),
    history,
    sources: sources.map(({ id: _id, added_date: _added, census, ...s }) => {
      const files = (JSON.parse(census ?? '{}') as { files: Record<string, Record<string, unknown>> }).files;
      return { ...s, census: Object.fromEntries(Object.entries(files).map(([k, { durationMs: _d, ...c }]) => [k, c])) };
    }),
    files: files.map((f) => ({ ...f, completed: f.completed_at !== null, completed_at: undefined })),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registers the scenario for one dialect (one test file each: each takes tens of seconds). */
export function crashScenario(dialect: 'sqlite' | 'postgres'): void {
  beforeAll(makeDump);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  describe(`leaks import killed with SIGKILL on ${dialect}`, () => crashTest(dialect));
}

function crashTest(dialect: 'sqlite' | 'postgres'): void {
  it('the same command run again resumes from the checkpoint and ends with the store of an uninterrupted import', async () => {
    const crashed = dialect === 'sqlite' ? sqliteTarget() : await postgresTarget();
    const clean = dialect === 'sqlite' ? sqliteTarget() : await postgresTarget();
    const args = ['--config', config, 'leaks', 'import', dump, '--source', 'Combo crash', '--breach-date', BREACH, '--json'];
    try {
      // 1. Start, wait until a good part (not all) of the batches are committed, kill -9.
      const first = startVigil([...args, '--batch-size', '500'], crashed.env);
      let seen: FileRow | null = null;
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline && first.child.exitCode === null) {
        const row = await crashed.fileRow();
        if (row && row.completed_at === null && row.checkpoint_offset > row.size / 4 && row.checkpoint_offset < row.size) {
          first.child.kill('SIGKILL');
          seen = row;
          break;
        }
        await sleep(5);
      }
      const killed = await first.done;
      expect({ signal: killed.signal, stderr: killed.stderr.slice(-2000) }).toEqual({ signal: 'SIGKILL', stderr: expect.any(String) });
      expect(seen).not.toBeNull();
      const after = (await crashed.fileRow())!;
      expect(after.completed_at).toBeNull();
      expect(after.checkpoint_offset).toBeGreaterThanOrEqual(seen!.checkpoint_offset);
      expect(after.checkpoint_offset).toBeLessThan(after.size);

      // 2. The same command again: it says it resumed, and writes only what was missing.
      const second = startVigil([...args, '--batch-size', '500'], crashed.env);
      const resumed = await second.done;
      expect({ code: resumed.code, stderr: resumed.stderr.slice(-2000) }).toEqual({ code: 0, stderr: expect.any(String) });
      const body = JSON.parse(resumed.stdout) as {
        resumed: boolean;
        accounts: number;
        written: number;
        files: { resumedFromByte: number | null; accounts: number; written: number; scannedBytes: number }[];
      };
      expect(body.resumed).toBe(true);
      expect(body.files[0]!.resumedFromByte).toBe(after.checkpoint_offset);
      // It read only from the checkpoint on, not the whole file again.
      expect(body.files[0]!.scannedBytes).toBe(statSync(dump).size - after.checkpoint_offset);
      expect(body.files[0]!.scannedBytes).toBeLessThan(statSync(dump).size);
      expect(body.written).toBeGreaterThan(0);
      expect(body.written).toBeLessThan(body.accounts);
      expect(body.accounts).toBeGreaterThan(40_000);
      const text = await startVigil(
        args.filter((a) => a !== '--json'),
        crashed.env,
      ).done;
      expect(text.stdout).toContain('đã nhập trước đó / already imported');

      // 3. An uninterrupted import of the same file into another store.
      // (In-process, as the CLI calls it: the CLI's start-up is not what is compared.)
      const [a, b] = [await crashed.open(), await clean.open()];
      try {
        const uninterrupted = await importLeaks(b, [dump], {
          source: 'Combo crash',
          breachDate: BREACH,
          orgDomains: [ORG],
          actor: process.env.USER ? `cli:${process.env.USER}` : 'cli',
        });
        expect(uninterrupted.resumed).toBe(false);
        const [sa, sb] = [await snapshot(a), await snapshot(b)];
        expect(sa.accounts.length).toBe(body.accounts);
        // No duplicates, nothing missing: one pair and one history row per account.
        expect(new Set(sa.pairs.map((p) => p.email)).size).toBe(sa.accounts.length);
        expect(sa.pairs.length).toBe(sa.accounts.length);
        expect(sa.history.length).toBe(sa.accounts.length);
        expect(sa.files).toEqual([
          { file_key: expect.any(String), size: statSync(dump).size, checkpoint_offset: statSync(dump).size, completed: true, completed_at: undefined },
        ]);
        // Compared piece by piece so a failure prints a small diff.
        expect(sa.sources).toEqual(sb.sources);
        expect(sa.files).toEqual(sb.files);
        expect(sa.history.length).toBe(sb.history.length);
        expect(sa.history).toEqual(sb.history);
        expect(sa.pairs).toEqual(sb.pairs);
        expect(sa.accounts).toEqual(sb.accounts);
      } finally {
        await a.close();
        await b.close();
      }
    } finally {
      await crashed.cleanup();
      await clean.cleanup();
    }
  }, 120_000);
}
