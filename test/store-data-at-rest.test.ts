import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VigilError } from '../src/errors.js';
import { exportMatches } from '../src/leaks/export.js';
import { passwordFingerprint } from '../src/leaks/formats/password.js';
import { openStore, type Store } from '../src/store/store.js';
import { createScratchDatabase, testDialects } from '../src/store/testing.js';
import { runVigil } from './support/cli.js';

/**
 * Data at rest: the data folder 0700, the SQLite files and every export 0600 whatever the umask;
 * the installation secrets in a secret file of their own (never in the database), moved there
 * from older stores without changing a key, and refused when the file does not belong to the store.
 */
const mode = (path: string) => statSync(path).mode & 0o777;
const base = mkdtempSync(join(tmpdir(), 'vigil-at-rest-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => join(base, `${name}-${++n}`);

async function errorOf(promise: Promise<unknown>): Promise<VigilError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VigilError);
  return error as VigilError;
}

describe('file modes, whatever the umask', () => {
  let previous: number;
  beforeEach(() => {
    // The most permissive umask: every mode below must come from vigil, not from the umask.
    previous = process.umask(0);
  });
  afterEach(() => {
    process.umask(previous);
  });

  it('a new data folder is 0700; the SQLite file, its -wal and -shm and the secret file are 0600', async () => {
    const data = join(fresh('modes'), 'nested', 'data');
    const store = await openStore({ dataDir: data });
    try {
      await store.installationSecret('leaks');
      expect(mode(data)).toBe(0o700);
      for (const file of ['vigil.sqlite', 'vigil.sqlite-wal', 'vigil.sqlite-shm', 'secrets.json']) {
        expect(existsSync(join(data, file)), file).toBe(true);
        expect(mode(join(data, file)), file).toBe(0o600);
      }
    } finally {
      await store.close();
    }
  });

  it('an existing store file left readable by others is tightened to 0600 on open', async () => {
    const data = fresh('tighten');
    await (await openStore({ dataDir: data })).close();
    chmodSync(join(data, 'vigil.sqlite'), 0o644);
    const store = await openStore({ dataDir: data });
    try {
      expect(mode(join(data, 'vigil.sqlite'))).toBe(0o600);
      expect(mode(join(data, 'vigil.sqlite-wal'))).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('leak exports (CSV and XLSX) and backups are 0600, also over an existing file', async () => {
    const dir = fresh('exports');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const matches = [
      {
        email: 'a.person@lab.gov.vn',
        orgDomain: 'lab.gov.vn',
        file: 'dump.txt',
        offset: 0,
        form: 'combo' as const,
        url: null,
        passwordKind: 'plaintext' as const,
        passwordMask: 's*****1 (7)',
        fingerprint: null,
        severity: 'plaintext' as const,
      },
    ] satisfies Parameters<typeof exportMatches>[1];
    for (const name of ['accounts.csv', 'accounts.xlsx']) {
      const file = join(dir, name);
      writeFileSync(file, 'old', { mode: 0o644 });
      await exportMatches(file, matches);
      expect(mode(file), name).toBe(0o600);
      expect(statSync(file).size, name).toBeGreaterThan(100);
    }
    const data = fresh('backup-data');
    const store = await openStore({ dataDir: data });
    try {
      await store.backup(join(dir, 'copy.sqlite'));
      expect(mode(join(dir, 'copy.sqlite'))).toBe(0o600);
    } finally {
      await store.close();
    }
  });
});

describe('vigil backup', () => {
  it('says where the secret file is and that a backup without it cannot match old fingerprints', async () => {
    const dir = fresh('backup-cli');
    const data = join(dir, 'data');
    const human = await runVigil(['--data', data, 'backup', join(dir, 'a.sqlite')], { env: { VIGIL_SECRET_FILE: '', VIGIL_DATABASE_URL: '' } });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(join(data, 'secrets.json'));
    expect(human.stdout).toContain('cannot match earlier leaked-password fingerprints');
    expect(human.stdout).toContain('không thể đối chiếu');
    const secretFile = join(dir, 'elsewhere.json');
    const json = await runVigil(['--data', data, 'backup', join(dir, 'b.sqlite'), '--json'], {
      env: { VIGIL_SECRET_FILE: secretFile, VIGIL_DATABASE_URL: '' },
    });
    expect(json.code, json.stderr).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body.secretFile).toBe(secretFile);
    expect(body.secretNote.en).toContain('NOT in the backup');
    expect(mode(join(dir, 'b.sqlite'))).toBe(0o600);
  }, 60_000);
});

describe.each(testDialects())('installation secrets on %s', (dialect) => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  /** Open (and reopen) one store of this dialect; `secretFile` as VIGIL_SECRET_FILE would give. */
  async function target() {
    const dataDir = fresh(`secrets-${dialect}`);
    let databaseUrl: string | undefined;
    if (dialect === 'postgres') {
      const scratch = await createScratchDatabase('vigil_secrets');
      drops.push(scratch.drop);
      databaseUrl = scratch.url;
    }
    return { dataDir, databaseUrl, open: (secretFile?: string) => openStore({ dataDir, databaseUrl, secretFile }) };
  }

  async function settingKeys(store: Store, prefix: string): Promise<string[]> {
    const rows = await store.db.selectFrom('settings').select('key').where('key', 'like', `${prefix}%`).orderBy('key').execute();
    return rows.map((r) => r.key);
  }

  it('are created in the secret file (0600), not in the database, and kept', async () => {
    const t = await target();
    const store = await t.open();
    try {
      const leaks = await store.installationSecret('leaks');
      const links = await store.installationSecret('links');
      expect(leaks.length).toBe(32);
      expect(leaks.equals(links)).toBe(false);
      expect(store.secretFile).toBe(join(t.dataDir, 'secrets.json'));
      const file = JSON.parse(readFileSync(store.secretFile, 'utf8'));
      expect(file.secrets).toEqual({ leaks: leaks.toString('hex'), links: links.toString('hex') });
      expect(mode(store.secretFile)).toBe(0o600);
      // The database holds no key, only the check values.
      const values = (await store.db.selectFrom('settings').select('value').execute()).map((r) => r.value);
      expect(values.some((v) => v.includes(leaks.toString('hex')) || v.includes(links.toString('hex')))).toBe(false);
      expect(await settingKeys(store, 'secret.')).toEqual([]);
      expect(await settingKeys(store, 'secret-check.')).toEqual(['secret-check.leaks', 'secret-check.links']);
    } finally {
      await store.close();
    }
    const again = await t.open();
    try {
      expect((await again.installationSecret('leaks')).toString('hex')).toBe(JSON.parse(readFileSync(again.secretFile, 'utf8')).secrets.leaks);
    } finally {
      await again.close();
    }
  });

  it('VIGIL_SECRET_FILE puts them elsewhere', async () => {
    const t = await target();
    const elsewhere = join(fresh('secret-elsewhere'), 'vigil-secrets.json');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(elsewhere, '..'));
    const store = await t.open(elsewhere);
    try {
      const key = await store.installationSecret('leaks');
      expect(store.secretFile).toBe(elsewhere);
      expect(JSON.parse(readFileSync(elsewhere, 'utf8')).secrets.leaks).toBe(key.toString('hex'));
      expect(mode(elsewhere)).toBe(0o600);
      expect(existsSync(join(t.dataDir, 'secrets.json'))).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('an older store’s secrets move from the database to the file, and earlier fingerprints still match', async () => {
    const t = await target();
    const oldLeaks = randomBytes(32).toString('hex');
    const oldLinks = randomBytes(32).toString('hex');
    const store = await t.open();
    // What the previous vigil left: the keys as settings rows, no secret file.
    await store.db
      .insertInto('settings')
      .values([
        { key: 'secret.leaks', value: oldLeaks },
        { key: 'secret.links', value: oldLinks },
      ])
      .execute();
    await store.close();
    expect(existsSync(join(t.dataDir, 'secrets.json'))).toBe(false);
    const before = passwordFingerprint(Buffer.from(oldLeaks, 'hex'), 'Matkhau@2024', 'plaintext');

    const upgraded = await t.open();
    try {
      expect(await settingKeys(upgraded, 'secret.')).toEqual([]);
      expect(JSON.parse(readFileSync(upgraded.secretFile, 'utf8')).secrets).toEqual({ leaks: oldLeaks, links: oldLinks });
      expect(mode(upgraded.secretFile)).toBe(0o600);
      expect(passwordFingerprint(await upgraded.installationSecret('leaks'), 'Matkhau@2024', 'plaintext')).toBe(before);
      expect((await upgraded.installationSecret('links')).toString('hex')).toBe(oldLinks);
    } finally {
      await upgraded.close();
    }
  });

  it('a store opened without migrating still uses an older store’s key instead of making a new one', async () => {
    const t = await target();
    const oldLeaks = randomBytes(32).toString('hex');
    const store = await t.open();
    await store.db.insertInto('settings').values({ key: 'secret.leaks', value: oldLeaks }).execute();
    await store.close();
    const unmigrated = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrate: false });
    try {
      expect((await unmigrated.installationSecret('leaks')).toString('hex')).toBe(oldLeaks);
      expect(await settingKeys(unmigrated, 'secret.')).toEqual([]);
    } finally {
      await unmigrated.close();
    }
  });

  it('a secret file holding other keys than the database is not overwritten: clear error', async () => {
    const t = await target();
    const store = await t.open();
    const key = await store.installationSecret('leaks');
    // An old vigil (or a restored database) put a different key in the database.
    await store.db
      .insertInto('settings')
      .values({ key: 'secret.leaks', value: randomBytes(32).toString('hex') })
      .execute();
    await store.close();
    const fileBefore = readFileSync(join(t.dataDir, 'secrets.json'), 'utf8');
    const error = await errorOf(t.open());
    expect(error.id).toBe('store.secret-conflict');
    expect(readFileSync(join(t.dataDir, 'secrets.json'), 'utf8')).toBe(fileBefore);
    expect(JSON.parse(fileBefore).secrets.leaks).toBe(key.toString('hex'));
  });

  it('a store used with a secret file refuses to make new keys when the file is missing or foreign', async () => {
    const t = await target();
    const first = await t.open();
    await first.installationSecret('leaks');
    await first.close();
    const file = join(t.dataDir, 'secrets.json');
    const original = readFileSync(file, 'utf8');

    rmSync(file);
    const missing = await t.open();
    try {
      expect((await errorOf(missing.installationSecret('leaks'))).id).toBe('store.secret-missing');
      expect(existsSync(file)).toBe(false);
    } finally {
      await missing.close();
    }

    writeFileSync(file, JSON.stringify({ format: 'vigil-secrets/1', secrets: { leaks: randomBytes(32).toString('hex') } }));
    const foreign = await t.open();
    try {
      expect((await errorOf(foreign.installationSecret('leaks'))).id).toBe('store.secret-mismatch');
    } finally {
      await foreign.close();
    }

    writeFileSync(file, '{"leaks": "not a key"}');
    const invalid = await t.open();
    try {
      expect((await errorOf(invalid.installationSecret('leaks'))).id).toBe('store.secret-file-invalid');
    } finally {
      await invalid.close();
    }

    writeFileSync(file, original);
    const restored = await t.open();
    try {
      expect((await restored.installationSecret('leaks')).toString('hex')).toBe(JSON.parse(original).secrets.leaks);
    } finally {
      await restored.close();
    }
  });
});
