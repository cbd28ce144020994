import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLeaks } from '../src/leaks/import/importer.js';
import { parseStaffCsv } from '../src/leaks/import/staff.js';
import { loadPwned } from '../src/leaks/passwords/pwned.js';
import { collectPageErrors, type DashboardApp, launchBrowser, newPage, signIn, startDashboard } from './support/browser.js';

let app: DashboardApp;
let browser: Browser;
let dir: string;
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex').toUpperCase();
const BULK = 60;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-web-'));
  [app, browser] = await Promise.all([startDashboard({ users: [{ name: 'analyst', role: 'analyst' }] }), launchBrowser()]);
  const staff = parseStaffCsv('full_name,email,unit\nNguyễn Văn An,an@lab.gov.vn,Phòng CNTT\nTrần Thị Bình,binh@lab.gov.vn,Văn phòng\n', ['lab.gov.vn']);
  writeFileSync(join(dir, 'leak.txt'), 'an@lab.gov.vn:Secret123\nbinh@lab.gov.vn:5f4dcc3b5aa765d61d8327deb882cf99\nx@gmail.com:y\nbad line without anything\n');
  await importLeaks(app.store, [join(dir, 'leak.txt')], { source: 'Web test', breachDate: '2025-03-04', orgDomains: ['lab.gov.vn'], staff, workers: 0 });
  // A second source: many address-only accounts (two pages) and one stealer-log block.
  const bulk = Array.from({ length: BULK }, (_, i) => `u${String(i).padStart(2, '0')}@lab.gov.vn`);
  writeFileSync(join(dir, 'bulk.txt'), [...bulk, 'URL: https://mail.lab.gov.vn/', 'Username: chi@lab.gov.vn', 'Password: Hunter2hunter2', ''].join('\n'));
  await importLeaks(app.store, [join(dir, 'bulk.txt')], { source: 'Bulk test', orgDomains: ['lab.gov.vn'], staff, workers: 0 });
  writeFileSync(join(dir, 'pwned.txt'), `${sha1('password')}:3861493\n`);
  await loadPwned(app.store.dataDir, join(dir, 'pwned.txt'));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('leaks page in Chromium', () => {
  it('lists accounts, moves one through triage, and checks a password by its hash prefix only', async () => {
    const { context, page } = await newPage(browser);
    const errors = collectPageErrors(page);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await signIn(page, app.url, 'analyst');
    await page.goto(`${app.url}/leaks`);
    const table = page.locator('[data-testid="leak-accounts"]');
    // 63 accounts, 50 on the first page, the stealer log first (sorted by severity).
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);
    expect(await table.locator('tbody tr').first().textContent()).toContain('chi@lab.gov.vn');
    expect(await table.textContent()).toContain('S*******3 (9)');
    expect(await table.textContent()).not.toContain('Secret123');
    await table.locator('tbody tr').first().locator('input[type="checkbox"]').check();
    await page.locator('select[aria-label="target state"]').selectOption('notified');
    await page.locator('button', { hasText: 'Chuyển 1' }).click();
    await expect.poll(async () => (await table.locator('tbody tr').first().textContent()) ?? '').toContain('Đã thông báo');
    // Assign it to a unit: the per-unit progress gains the unit.
    await table.locator('tbody tr').first().locator('input[type="checkbox"]').check();
    await page.locator('input[aria-label="assign unit"]').fill('Thanh tra');
    await page.locator('button', { hasText: 'Giao 1' }).click();
    await expect.poll(async () => (await page.locator('[data-testid="leak-progress"]').textContent()) ?? '').toContain('Thanh tra');
    expect(await table.locator('tbody tr').first().textContent()).toContain('Thanh tra');
    await page.locator('input[aria-label="password"]').fill('password');
    await page.locator('[data-testid="password-check"] button').click();
    await expect.poll(async () => (await page.locator('[data-testid="password-result"]').textContent()) ?? '').toContain('3861493');
    const rangeCalls = requested.filter((u) => u.includes('/passwords/range/'));
    expect(rangeCalls).toEqual([`${app.url}/api/v1/passwords/range/${sha1('password').slice(0, 5)}`]);
    expect(requested.some((u) => u.includes('password=') || u.includes(sha1('password')))).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('draws the per-unit chart, filters by severity, unit and source, sorts, pages, and exports with the filters', async () => {
    const { context, page } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'analyst');
    await page.goto(`${app.url}/leaks`);
    await page.locator('[data-testid="progress-chart"] canvas').first().waitFor();
    const progress = page.locator('[data-testid="leak-progress"]');
    await expect.poll(async () => (await progress.textContent()) ?? '').toContain('Phòng CNTT');
    expect(await progress.textContent()).toContain('Văn phòng');
    expect(await page.locator('[data-testid="leak-stats"]').textContent()).toContain(String(BULK + 3));
    const table = page.locator('[data-testid="leak-accounts"]');
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(50);

    // Paging: the second page holds the rest.
    expect(await page.locator('[data-testid="leak-page"]').textContent()).toContain('1 / 2');
    await page.locator('button', { hasText: 'Sau ›' }).click();
    await expect.poll(() => rows.count()).toBe(BULK + 3 - 50);

    // Severity filter (sent to the API, kept in the address bar, used by both exports).
    await page.locator('[data-testid="filter-severity"]').selectOption('hashed');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('binh@lab.gov.vn');
    expect(page.url()).toContain('severity=hashed');
    const pdfHref = await page.locator('[data-testid="export-pdf"]').getAttribute('href');
    const xlsxHref = await page.locator('[data-testid="export-xlsx"]').getAttribute('href');
    expect(pdfHref).toBe('/api/v1/leaks/accounts/export.pdf?severity=hashed');
    expect(xlsxHref).toBe('/api/v1/leaks/accounts/export.xlsx?severity=hashed');
    const pdf = await page.request.get(`${app.url}${pdfHref}`);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 4).toString()).toBe('%PDF');
    const xlsx = await page.request.get(`${app.url}${xlsxHref}`);
    expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');

    // Unit and source filters.
    await page.locator('[data-testid="filter-severity"]').selectOption('');
    await page.locator('[data-testid="filter-unit"]').selectOption('Phòng CNTT');
    // The severity filter's answer also had one row (binh): wait for the row of this filter, not for a count.
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('an@lab.gov.vn')]);
    await page.locator('[data-testid="filter-unit"]').selectOption('');
    await page.locator('[data-testid="filter-source"]').selectOption('Web test');
    await expect.poll(() => rows.count()).toBe(2);
    // Sorting: severity descending by default (plaintext before hashed), ascending on a click.
    expect(await rows.first().textContent()).toContain('an@lab.gov.vn');
    await table.locator('th button', { hasText: 'Mức độ' }).click();
    await expect.poll(async () => (await rows.first().textContent()) ?? '').toContain('binh@lab.gov.vn');
    // The text search narrows the rows in the page.
    await page.locator('[data-testid="filter-search"]').fill('Bình');
    await expect.poll(() => rows.count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('opens a source: HIBP-shaped fields, the census of each file with a chart, and its accounts', async () => {
    const { context, page } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'analyst');
    await page.goto(`${app.url}/leaks`);
    await page.locator('[data-testid="leak-sources"] tbody tr', { hasText: 'Web test' }).click();
    await page.locator('[data-testid="census-files"]').waitFor();
    expect(page.url()).toMatch(/\/leaks\/sources\/[^/]+$/);
    const facts = (await page.locator('[data-testid="source-facts"]').textContent()) ?? '';
    expect(facts).toContain('Web test');
    expect(facts).toContain('4/3/2025');
    expect(facts).toContain('Email addresses');
    const census = page.locator('[data-testid="census-files"] tbody tr');
    await expect.poll(() => census.count()).toBe(1);
    const cells = await census.first().locator('td').allTextContents();
    // file, size, lines, records, rejected, unique addresses
    expect(cells[0]).toBe('leak.txt');
    expect(cells[2]).toBe('4');
    expect(cells[5]).toBe('3');
    await page.locator('[data-testid="census-chart"] canvas').first().waitFor();
    expect(await page.locator('[data-testid="census-rejected"]').textContent()).toMatch(/\d/);
    expect(await page.locator('[data-testid="census-domains"]').textContent()).toContain('lab.gov.vn');
    expect(await page.locator('[data-testid="source-export-pdf"]').getAttribute('href')).toBe('/api/v1/leaks/accounts/export.pdf?source=Web+test');
    await page.locator('[data-testid="source-accounts-link"]').click();
    await expect.poll(() => page.url()).toContain('/leaks?source=Web%20test');
    await expect.poll(() => page.locator('[data-testid="leak-accounts"] tbody tr').count()).toBe(2);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
