import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, type DashboardApp, launchBrowser, newPage, signIn, startDashboard } from './support/browser.js';
import { expectedOrder, type SeededAccount, seedAccounts } from './leaks-paging-fixture.js';

/**
 * The accounts card with 2,500 accounts: the browser holds one page (50 rows) from the server,
 * the next page is asked for with the cursor, and filters and sorting go to the server.
 */
const COUNT = 2_500;
let app: DashboardApp;
let browser: Browser;
let seeded: SeededAccount[];

beforeAll(async () => {
  [app, browser] = await Promise.all([startDashboard({ users: [{ name: 'analyst', role: 'analyst' }] }), launchBrowser()]);
  seeded = await seedAccounts(app.store, COUNT, 11);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('leaked accounts paged by the server, in Chromium', () => {
  it('shows the first page, loads the next with the cursor, filters and sorts on the server, and acts on rows of two pages', async () => {
    const { context, page } = await newPage(browser);
    const errors = collectPageErrors(page);
    const listing: { url: URL; status: number; body: { total: number; nextCursor: string | null; accounts: unknown[] } }[] = [];
    page.on('response', async (response) => {
      const url = new URL(response.url());
      if (url.pathname !== '/api/v1/leaks/accounts' || url.searchParams.get('limit') === '1') return;
      listing.push({ url, status: response.status(), body: await response.json() });
    });
    await signIn(page, app.url, 'analyst');
    await page.goto(`${app.url}/leaks`);
    const table = page.locator('[data-testid="leak-accounts"]');
    const rows = table.locator('tbody tr');
    const emails = () => table.locator('tbody td.leak-email').allTextContents();
    const bySeverity = expectedOrder(seeded, 'severity', true);

    // First page: 50 rows from a 50-row response, severity first.
    await expect.poll(emails).toEqual(bySeverity.slice(0, 50));
    expect(await page.locator('[data-testid="leak-page"]').textContent()).toBe('Trang 1 / 50');
    expect(await page.locator('[data-testid="leak-total"]').textContent()).toContain(`${COUNT} / ${COUNT}`);
    await expect.poll(() => listing.length).toBeGreaterThan(0);
    const first = listing.find((l) => !l.url.searchParams.get('cursor'))!;
    expect(first.url.searchParams.get('limit')).toBe('50');
    expect(first.url.searchParams.get('cursor')).toBeNull();
    expect(first.body.accounts).toHaveLength(50);
    expect(first.body.total).toBe(COUNT);

    // Next page: asked for with the first page's cursor.
    const before = listing.length;
    await page.locator('button', { hasText: 'Sau ›' }).click();
    await expect.poll(emails).toEqual(bySeverity.slice(50, 100));
    await expect.poll(() => listing.slice(before).some((l) => l.url.searchParams.get('cursor'))).toBe(true);
    const second = listing.slice(before).find((l) => l.url.searchParams.get('cursor'))!;
    expect(second.url.searchParams.get('cursor')).toBe(first.body.nextCursor);
    expect(await page.locator('[data-testid="leak-page"]').textContent()).toBe('Trang 2 / 50');
    // Select a row here, go back, select one on the first page: the bulk action takes both.
    const onSecond = bySeverity[50]!;
    await table.locator(`input[aria-label="${onSecond}"]`).check();
    await page.locator('button', { hasText: '‹ Trước' }).click();
    await expect.poll(emails).toEqual(bySeverity.slice(0, 50));
    const onFirst = bySeverity[0]!;
    await table.locator(`input[aria-label="${onFirst}"]`).check();
    expect(await page.locator('.leak-bulk-count').textContent()).toContain('2');
    await page.locator('select[aria-label="target state"]').selectOption('confirmed_compromised');
    await page.locator('button', { hasText: 'Chuyển 2' }).click();
    await expect.poll(async () => (await page.locator('.leak-message').textContent()) ?? '').toMatch(/Đã chuyển \d/);

    // A filter goes to the server and changes the total.
    await page.locator('[data-testid="filter-severity"]').selectOption('stealer');
    const stealers = seeded.filter((a) => a.severity === 'stealer');
    await expect.poll(async () => (await page.locator('[data-testid="leak-total"]').textContent()) ?? '').toContain(`${stealers.length} / ${COUNT}`);
    expect(stealers.length).toBeLessThan(COUNT);
    // (Responses are recorded as their bodies arrive, so look the request up rather than take the last.)
    const isStealerPage = (l: (typeof listing)[number]) => l.url.searchParams.get('severity') === 'stealer' && !l.url.searchParams.get('text');
    await expect.poll(() => listing.some(isStealerPage)).toBe(true);
    const filtered = listing.findLast(isStealerPage)!;
    expect(filtered.url.searchParams.get('cursor')).toBeNull();
    expect(filtered.body.total).toBe(stealers.length);
    expect(await page.locator('[data-testid="leak-page"]').textContent()).toBe(`Trang 1 / ${Math.ceil(stealers.length / 50)}`);

    // Every stealer-log account at once: select the page, then "all N under the filters"; the server
    // acts on the filter (with the total the page showed), not on 50 addresses.
    await table.locator('thead input[type="checkbox"]').check();
    await page.locator('[data-testid="select-all-matching"]').click();
    expect(await page.locator('.leak-bulk-count').textContent()).toContain(String(stealers.length));
    await page.locator('select[aria-label="target state"]').selectOption('notified');
    const [bulk] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/leaks/accounts/state')),
      page.locator('button', { hasText: `Chuyển ${stealers.length} tài khoản` }).click(),
    ]);
    expect(bulk.status()).toBe(200);
    expect(JSON.parse(bulk.request().postData() ?? '{}')).toEqual({ filter: { severity: 'stealer' }, expectTotal: stealers.length, state: 'notified' });
    const outcome = (await bulk.json()) as { changed: string[]; unchanged: string[]; refused: unknown[] };
    expect(outcome.changed.length + outcome.unchanged.length + outcome.refused.length).toBe(stealers.length);
    expect(outcome.changed.length).toBeGreaterThan(0);
    const notified = await page.request.get(`${app.url}/api/v1/leaks/accounts?severity=stealer&state=notified&limit=1`);
    expect(((await notified.json()) as { total: number }).total).toBe(outcome.changed.length + outcome.unchanged.length);
    expect(await page.locator('.leak-bulk-count').textContent()).toContain('0');

    // The text search, sent once typing pauses, narrows the total further (and reaches the exports).
    await page.locator('[data-testid="filter-search"]').fill('binh.');
    const stealerBinh = stealers.filter((a) => a.email.startsWith('binh.'));
    await expect.poll(async () => (await page.locator('[data-testid="leak-total"]').textContent()) ?? '').toContain(`${stealerBinh.length} / ${COUNT}`);
    await expect.poll(() => listing.some((l) => l.url.searchParams.get('text') === 'binh.' && l.body.total === stealerBinh.length)).toBe(true);
    expect(await page.locator('[data-testid="export-xlsx"]').getAttribute('href')).toBe('/api/v1/leaks/accounts/export.xlsx?severity=stealer&text=binh.');

    // Sorting by address goes to the server too.
    await table.locator('th button', { hasText: 'Địa chỉ' }).click();
    await expect.poll(emails).toEqual(expectedOrder(stealerBinh, 'email', false).slice(0, 50));
    await expect.poll(() => listing.some((l) => l.url.searchParams.get('sort') === 'email' && l.url.searchParams.get('text') === 'binh.')).toBe(true);
    // Clearing the filters keeps the sort: the first 50 of all accounts by address.
    await page.locator('button', { hasText: 'Xoá bộ lọc' }).click();
    await expect.poll(async () => (await page.locator('[data-testid="leak-total"]').textContent()) ?? '').toContain(`${COUNT} / ${COUNT}`);
    await expect.poll(emails).toEqual(expectedOrder(seeded, 'email', false).slice(0, 50));
    expect(await rows.count()).toBe(50);
    // Only the one "next" asked with a cursor: a filter or sort change starts at the first page at once
    // (never a request with the cursor of another sort), and the server refused nothing.
    expect(listing.filter((l) => l.url.searchParams.get('cursor')).map((l) => l.url.searchParams.get('cursor'))).toEqual([first.body.nextCursor]);
    expect(listing.every((l) => l.status === 200)).toBe(true);
    expect(await page.locator('[data-testid="leak-accounts-error"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
