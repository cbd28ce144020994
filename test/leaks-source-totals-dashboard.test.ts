import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLeaks } from '../src/leaks/import/importer.js';
import { collectPageErrors, type DashboardApp, launchBrowser, newPage, signIn, startDashboard } from './support/browser.js';

/** The source view shows the whole source's unique totals (a union) under the per-file census. */
let app: DashboardApp;
let browser: Browser;
let dir: string;
let sourceId = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-source-totals-web-'));
  [app, browser] = await Promise.all([startDashboard({ users: [{ name: 'viewer', role: 'viewer' }] }), launchBrowser()]);
  // 4 + 4 addresses per file, 3 shared: 5 unique; .vn: an, binh, chi (shared), dung.edu.vn → 4.
  writeFileSync(join(dir, 'one.txt'), 'an@lab.gov.vn:a1\nbinh@lab.gov.vn:b1\nx@gmail.com:x1\nchi@hcm.edu.vn:c1\n');
  writeFileSync(join(dir, 'two.txt'), 'an@lab.gov.vn:a2\nbinh@lab.gov.vn:b2\nx@gmail.com:x2\ndung@hue.edu.vn:d2\n');
  const summary = await importLeaks(app.store, [join(dir, 'one.txt'), join(dir, 'two.txt')], { source: 'Two files', orgDomains: ['lab.gov.vn'], workers: 0 });
  sourceId = summary.sourceId;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('source totals in Chromium', () => {
  it('shows each file’s census and the whole source counted once', async () => {
    const { context, page } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'viewer');
    await page.goto(`${app.url}/leaks/sources/${sourceId}`);
    const rows = page.locator('[data-testid="census-files"] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    for (let i = 0; i < 2; i++) expect((await rows.nth(i).locator('td').allTextContents())[5]).toBe('4');
    const whole = await page.locator('[data-testid="census-totals"] th').allTextContents();
    // label, bytes, lines, records, rejected, unique, vn, gov.vn, edu.vn, bank, org
    expect(whole[0]).toBe('Toàn nguồn (không trùng)');
    expect(whole[2]).toBe('8');
    expect(whole[5]).toBe('5');
    expect(whole.slice(6)).toEqual(['4', '2', '2', '0', '2']);
    expect(await page.locator('.leak-stats').first().textContent()).toContain('5Địa chỉ không trùng');
    expect(await page.locator('[data-testid="source-facts"]').textContent()).toContain('5');
    expect(await page.locator('[data-testid="source-unsketched"]').count()).toBe(0);
    expect(await page.locator('[data-testid="census-domains"]').textContent()).toContain('lab.gov.vn2');
    // A source whose files were imported before sketches existed: the note, and its count as an upper bound.
    await app.store.db.deleteFrom('leak_source_sketches').where('source_id', '=', sourceId).execute();
    await page.reload();
    await page.locator('[data-testid="source-unsketched"]').waitFor();
    expect(await page.locator('[data-testid="source-unsketched"]').textContent()).toContain('2 tệp');
    expect((await page.locator('[data-testid="census-totals"] th').allTextContents())[5]).toBe('≤ 5');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
