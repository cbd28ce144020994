import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { leaksRoutes } from '../src/http/routes/leaks.js';
import { routeModules } from '../src/http/routes/index.js';
import { type RunningServer, startServer } from '../src/http/server.js';
import { importLeaks } from '../src/leaks/import/importer.js';
import { checkPassword, loadPwned } from '../src/leaks/passwords/pwned.js';
import { type DumpTruth, generateFormats } from '../src/leaks/generate.js';
import { AuthService } from '../src/services/auth/auth-service.js';
import { openTestStore, suiteDialect, type TestStore } from '../src/store/testing.js';
import { runVigil } from './support/cli.js';

let dir: string;
let testStore: TestStore;
let server: RunningServer;
const tokens = { analyst: '', viewer: '' };
let truth: DumpTruth;
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex').toUpperCase();

async function api<T>(path: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
  return { status: response.status, body: body as T };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-api-'));
  testStore = await openTestStore(suiteDialect());
  const auth = new AuthService(testStore.store);
  for (const role of ['analyst', 'viewer'] as const) {
    await auth.users.create({ name: role, role, password: 'correct horse battery staple' }, 'test');
    tokens[role] = (await auth.tokens.create({ name: role, user: role }, 'test')).token;
  }
  writeFileSync(join(dir, 'leak.txt'), 'an@lab.gov.vn:Secret123\nbinh@lab.gov.vn:5f4dcc3b5aa765d61d8327deb882cf99\nx@gmail.com:y\n');
  await importLeaks(testStore.store, [join(dir, 'leak.txt')], { source: 'API test', orgDomains: ['lab.gov.vn'], workers: 0 });
  // A generated dump in every format (PHP-serialised rows included) as a second source.
  truth = generateFormats(join(dir, 'generated'), { seed: 44, bytes: 200_000, orgDomains: ['lab.gov.vn'], orgEvery: 30 });
  await importLeaks(testStore.store, [join(dir, 'generated')], { source: 'Generated', breachDate: '2026-01-02', orgDomains: ['lab.gov.vn'], workers: 0 });
  // A HASH:COUNT corpus (the HIBP downloader's single-file form).
  writeFileSync(join(dir, 'pwned.txt'), [`${sha1('password')}:3861493`, `${sha1('Secret123')}:42`, `${sha1('other')}:1`].join('\n'));
  await loadPwned(testStore.store.dataDir, join(dir, 'pwned.txt'));
  const config: LoadedConfig = {
    file: undefined,
    baseDir: dir,
    config: {
      organisation: { name: 'Sở Thông tin và Truyền thông Lab', parent: 'Ủy ban nhân dân tỉnh Lab' },
      mail: { domains: ['lab.gov.vn'], dkimSelectors: [], outboundIps: [] },
    },
  };
  server = await startServer({
    store: testStore.store,
    config,
    host: '127.0.0.1',
    port: 0,
    webRoot: false,
    modules: routeModules.includes(leaksRoutes) ? routeModules : [...routeModules, leaksRoutes],
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await testStore?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('leaks API', () => {
  it('lists sources with census, accounts with filters, and per-unit progress', async () => {
    const sources = await api<{ name: string; orgCount: number; census: unknown }[]>('/leaks/sources', tokens.viewer);
    expect(sources.status).toBe(200);
    expect(sources.body.map((s) => s.name).sort()).toEqual(['API test', 'Generated']);
    expect(sources.body.find((s) => s.name === 'API test')).toMatchObject({ name: 'API test', orgCount: 2 });
    const accounts = await api<{ total: number; accounts: { email: string; severity: string; passwordMask: string }[] }>(
      '/leaks/accounts?severity=plaintext&source=API%20test',
      tokens.viewer,
    );
    expect(accounts.body.total).toBe(1);
    expect(accounts.body.accounts.map((a) => a.email)).toEqual(['an@lab.gov.vn']);
    expect(accounts.body.accounts[0]!.passwordMask).toBe('S*******3 (9)');
    expect(JSON.stringify(accounts.body)).not.toContain('Secret123');
    const progress = await api<{ total: number }[]>('/leaks/progress', tokens.viewer);
    expect(progress.body.reduce((n, p) => n + p.total, 0)).toBe(2 + truth.org.size);
  });

  it('shows one source with the census of each file, HIBP-shaped fields, and 404 for an unknown id', async () => {
    const list = await api<{ id: string; name: string }[]>('/leaks/sources', tokens.viewer);
    const id = list.body.find((s) => s.name === 'Generated')!.id;
    type File = {
      name: string;
      lines: number;
      records: number;
      rejected: number;
      uniqueAddresses: number;
      categories: Record<string, number>;
      domains: Record<string, number>;
    };
    const detail = await api<{
      name: string;
      breachDate: string;
      pwnCount: number;
      orgCount: number;
      files: File[];
      accountsBySeverity: Record<string, number>;
    }>(`/leaks/sources/${id}`, tokens.viewer);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ name: 'Generated', breachDate: '2026-01-02', orgCount: truth.org.size });
    const names = detail.body.files.map((f) => f.name).sort();
    expect(names).toContain('users-php.txt');
    expect(names).toContain('dump.sql');
    expect(detail.body.files.reduce((n, f) => n + f.lines, 0)).toBe(truth.lines);
    const php = detail.body.files.find((f) => f.name === 'users-php.txt')!;
    expect(php.records).toBeGreaterThan(0);
    expect(php.categories).toHaveProperty('gov.vn');
    expect(Object.values(detail.body.accountsBySeverity).reduce((a, b) => a + b, 0)).toBe(truth.org.size);
    expect((await api('/leaks/sources/no-such-id', tokens.viewer)).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/leaks/sources/${id}`)).status).toBe(401);
  });

  it('exports a Vietnamese PDF report under the filters, with masks and never a password', async () => {
    const pdf = await api<Buffer>('/leaks/accounts/export.pdf', tokens.viewer);
    expect(pdf.status).toBe(200);
    expect(pdf.body.subarray(0, 4).toString()).toBe('%PDF');
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf.body);
    expect(existsSync('/usr/bin/pdftotext')).toBe(true);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const heading of [
      'BÁO CÁO XỬ LÝ TÀI KHOẢN BỊ LỘ LỌT',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'TIẾN ĐỘ XỬ LÝ THEO ĐƠN VỊ',
      'NGUỒN DỮ LIỆU LỘ LỌT',
      'DANH SÁCH TÀI KHOẢN',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('SỞ THÔNG TIN VÀ TRUYỀN THÔNG LAB');
    expect(text).toContain('S*******3 (9)');
    const plain = [...truth.plaintexts, 'Secret123'].filter((p) => p.length >= 6);
    expect(plain.filter((p) => text.includes(p))).toEqual([]);
    expect(plain.filter((p) => pdf.body.includes(p))).toEqual([]);
    // Filters apply: only the hashed account of the small source.
    const filtered = await api<Buffer>('/leaks/accounts/export.pdf?severity=hashed&source=API%20test', tokens.viewer);
    writeFileSync(file, filtered.body);
    const filteredText = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(filteredText).toContain('binh@lab.gov.vn');
    expect(filteredText).not.toContain('an@lab.gov.vn');
    expect(filteredText).toContain('nguồn: API test');
    expect((await fetch(`${server.url}/api/v1/leaks/accounts/export.pdf`)).status).toBe(401);
  }, 60_000);

  it('moves accounts through triage for analysts only', async () => {
    const denied = await api('/leaks/accounts/state', tokens.viewer, {
      method: 'POST',
      body: JSON.stringify({ emails: ['an@lab.gov.vn'], state: 'notified' }),
    });
    expect(denied.status).toBe(403);
    const moved = await api<{ changed: string[] }>('/leaks/accounts/state', tokens.analyst, {
      method: 'POST',
      body: JSON.stringify({ emails: ['an@lab.gov.vn', 'binh@lab.gov.vn'], state: 'reset_requested' }),
    });
    expect(moved.status).toBe(200);
    expect(moved.body.changed).toHaveLength(2);
    const filtered = await api<{ total: number; accounts: unknown[] }>('/leaks/accounts?state=reset_requested', tokens.viewer);
    expect(filtered.body.total).toBe(2);
    expect(filtered.body.accounts).toHaveLength(2);
    const xlsx = await api<Buffer>('/leaks/accounts/export.xlsx', tokens.viewer);
    expect(xlsx.status).toBe(200);
    expect(xlsx.body.subarray(0, 2).toString()).toBe('PK');
  });

  it('serves Pwned Passwords ranges by 5-hex prefix only, and the CLI checks a password from stdin', async () => {
    const hash = sha1('Secret123');
    const range = await api<{ prefix: string; suffixes: string[] }>(`/passwords/range/${hash.slice(0, 5).toLowerCase()}`, tokens.viewer);
    expect(range.status).toBe(200);
    expect(range.body.suffixes).toContain(`${hash.slice(5)}:42`);
    expect((await api(`/passwords/range/${hash.slice(0, 6)}`, tokens.viewer)).status).toBe(400);
    expect(checkPassword(testStore.store.dataDir, 'Secret123').count).toBe(42);
    const pwned = await runVigil(['--data', testStore.store.dataDir, '--json', 'passwords', 'check'], { input: 'password\n' });
    expect(pwned.code).toBe(1);
    expect(JSON.parse(pwned.stdout)).toEqual({ pwned: true, count: 3861493 });
    const fine = await runVigil(['--data', testStore.store.dataDir, '--json', 'passwords', 'check'], { input: 'a long unusual passphrase 2026\n' });
    expect(fine.code).toBe(0);
    expect(JSON.parse(fine.stdout).pwned).toBe(false);
  }, 60_000);
});
