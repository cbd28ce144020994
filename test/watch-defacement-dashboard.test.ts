import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { configSchema } from '../src/config/schema.js';
import { startWatchForServer } from '../src/http/routes/watch.js';
import { collectPageErrors, type DashboardApp, launchBrowser, newPage, signIn, startDashboard } from './support/browser.js';

/**
 * The defacement diff view in Chromium, end to end: a portal on loopback is watched, its baseline
 * learnt; the portal is defaced; the monitor's page shows the likely-defacement finding, the
 * baseline's text with the removed parts struck out, the defacer's text added, and the
 * screenshots taken by the server's headless Chromium (both load as images).
 */
const ORIGINAL = `<!doctype html><html lang="vi"><head><title>Cổng thông tin Sở Thử nghiệm</title></head><body>
<h1>Sở Thông tin và Truyền thông tỉnh Thử nghiệm</h1><nav><a href="/gioi-thieu">Giới thiệu</a> · <a href="/tin-tuc">Tin tức</a></nav>
<p>Triển khai Chỉ thị về bảo đảm an toàn thông tin trong dịp nghỉ lễ.</p><p>Hội nghị chuyển đổi số tỉnh năm 2026.</p>
<footer>© Sở Thông tin và Truyền thông — địa chỉ: số 1 đường Thử Nghiệm</footer></body></html>`;
const DEFACED = `<!doctype html><html><head><title>HACKED</title></head><body style="background:#000;color:#0f0">
<h1>Hacked by Lab Team</h1><p>Your security is zero. Greetz to all.</p></body></html>`;

let portal: Server;
let defaced = false;
let app: DashboardApp;
let browser: Browser;

beforeAll(async () => {
  portal = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(defaced ? DEFACED : ORIGINAL);
  });
  await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(portal.address() as AddressInfo).port}/`;
  const config: LoadedConfig = {
    file: undefined,
    baseDir: process.cwd(),
    config: configSchema.parse({ monitors: [{ id: 'portal', name: 'Cổng thông tin Sở', type: 'http', url, interval: '1s', timeout: '5s', defacement: true }] }),
  };
  app = await startDashboard({ users: [{ name: 'trucban', role: 'viewer' }], config, extraStarters: [startWatchForServer] });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise<void>((resolve) => portal?.close(() => resolve()));
});

describe('defacement diff view', () => {
  it('shows the finding, the before/after text and both screenshots of a defaced portal', async () => {
    const { page } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'trucban');
    await page.goto(`${app.url}/watch/monitors/portal`);
    // Baseline first (learnt from several fetches), with no finding on the untouched page.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('[data-testid="watch-detail"]').textContent();
        },
        { timeout: 45_000, interval: 1_000 },
      )
      .toMatch(/Mẫu gốc lấy lúc \d/);
    expect(await page.locator('[data-testid="watch-defacement"]').count()).toBe(0);

    // A second tab on the board: the defacement must reach it live (server-sent events, no reload).
    const board = await page.context().newPage();
    await board.goto(`${app.url}/watch`);
    await expect.poll(() => board.locator('.watch-row').count(), { timeout: 15_000 }).toBe(1);
    expect(await board.locator('[data-testid="watch-row-defacement"]').count()).toBe(0);

    defaced = true;
    await expect.poll(() => board.locator('[data-testid="watch-row-defacement"]').count(), { timeout: 45_000 }).toBe(1);
    expect(await board.locator('.watch-row').textContent()).toContain('Cổng thông tin Sở');
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('[data-testid="watch-defacement"]').count();
        },
        { timeout: 45_000, interval: 1_000 },
      )
      .toBe(1);
    const finding = (await page.locator('[data-testid="watch-defacement"]').textContent()) ?? '';
    expect(finding).toMatch(/thay đổi giao diện|defacement/i);
    expect(finding.toLowerCase()).toContain('hacked by');
    const before = (await page.locator('[data-testid="watch-diff-before"]').textContent()) ?? '';
    expect(before.toLowerCase()).toContain('hội nghị chuyển đổi số');
    expect(await page.locator('[data-testid="watch-diff-before"] del').count()).toBeGreaterThan(0);
    const after = (await page.locator('[data-testid="watch-diff-after"] ins').allTextContents()).join(' ').toLowerCase();
    expect(after).toContain('hacked by lab team');
    // Screenshots of the baseline and at alert time, served as evidence and decoded by the browser.
    const images = page.locator('.watch-diff img');
    await expect.poll(() => images.count(), { timeout: 30_000 }).toBe(2);
    await expect
      .poll(() => images.evaluateAll((list) => list.map((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)), {
        timeout: 15_000,
      })
      .toEqual([true, true]);
    // The header says so too: the HTTP status alone is "up" for a defaced page.
    expect(await page.locator('[data-testid="watch-detail-defacement"]').textContent()).toContain('Nghi bị thay đổi giao diện');
    expect(errors).toEqual([]);
  }, 120_000);
});
