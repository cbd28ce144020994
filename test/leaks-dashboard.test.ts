import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLeaks } from '../src/leaks/import/importer.js';
import { loadPwned } from '../src/leaks/passwords/pwned.js';
import { collectPageErrors, type DashboardApp, launchBrowser, newPage, signIn, startDashboard } from './support/browser.js';

let app: DashboardApp;
let browser: Browser;
let dir: string;
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex').toUpperCase();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-web-'));
  [app, browser] = await Promise.all([startDashboard({ users: [{ name: 'analyst', role: 'analyst' }] }), launchBrowser()]);
  writeFileSync(join(dir, 'leak.txt'), 'an@lab.gov.vn:Secret123\nbinh@lab.gov.vn:5f4dcc3b5aa765d61d8327deb882cf99\n');
  await importLeaks(app.store, [join(dir, 'leak.txt')], { source: 'Web test', orgDomains: ['lab.gov.vn'], workers: 0 });
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
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    expect(await table.textContent()).toContain('S*******3 (9)');
    await table.locator('tbody tr').first().locator('input[type="checkbox"]').check();
    await page.locator('select[aria-label="target state"]').selectOption('notified');
    await page.locator('button', { hasText: 'Chuyển 1' }).click();
    await expect.poll(async () => (await table.textContent()) ?? '').toContain('Đã thông báo');
    await page.locator('input[aria-label="password"]').fill('password');
    await page.locator('[data-testid="password-check"] button').click();
    await expect.poll(async () => (await page.locator('[data-testid="password-result"]').textContent()) ?? '').toContain('3861493');
    const rangeCalls = requested.filter((u) => u.includes('/passwords/range/'));
    expect(rangeCalls).toEqual([`${app.url}/api/v1/passwords/range/${sha1('password').slice(0, 5)}`]);
    expect(requested.some((u) => u.includes('password=') || u.includes(sha1('password')))).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
