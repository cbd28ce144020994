import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { configSchema } from '../src/config/schema.js';
import { startWatchForServer } from '../src/http/routes/watch.js';
import { collectPageErrors, type DashboardApp, launchBrowser, newPage, signIn, startDashboard } from './support/browser.js';

/** The live board in Chromium: a service that stops turns red without a reload (SSE). */
let app: DashboardApp;
let browser: Browser;
let tcp: Server;
let port = 0;

async function listen(): Promise<void> {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((r) => tcp.listen(port, '127.0.0.1', r));
  port = (tcp.address() as AddressInfo).port;
}

beforeAll(async () => {
  await listen();
  const config: LoadedConfig = {
    file: undefined,
    baseDir: process.cwd(),
    config: configSchema.parse({
      monitors: [
        { id: 'mail', name: 'Máy chủ thư điện tử', type: 'tcp', host: '127.0.0.1', port, interval: '1s', timeout: '1s' },
        ...Array.from({ length: 300 }, (_, i) => ({ id: `hb${i}`, name: `Sao lưu máy chủ ${i}`, type: 'heartbeat', period: '1d' })),
      ],
    }),
  };
  app = await startDashboard({ users: [{ name: 'trucban', role: 'viewer' }], config, extraStarters: [startWatchForServer] });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((r) => tcp?.close(r));
});

describe('watch dashboard', () => {
  it('shows every monitor in a virtualised list and updates a row live when a service stops', async () => {
    const { page } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'trucban');
    await page.goto(`${app.url}/watch`);
    await expect.poll(() => page.locator('[data-testid="watch-total"]').textContent(), { timeout: 15_000 }).toContain('301 / 301');
    // only the rows in view are in the DOM
    expect(await page.locator('.watch-row').count()).toBeLessThan(60);
    const mailRow = page.locator('.watch-row', { hasText: 'Máy chủ thư điện tử' });
    await expect.poll(() => mailRow.getAttribute('class'), { timeout: 15_000 }).toContain('status-up');
    await new Promise<void>((r) => tcp.close(() => r()));
    await expect.poll(() => mailRow.getAttribute('class'), { timeout: 15_000 }).toContain('status-down');
    await expect.poll(() => page.locator('[data-testid="watch-counts"]').textContent()).toMatch(/1\s*Ngừng/);
    await listen();
    await expect.poll(() => mailRow.getAttribute('class'), { timeout: 15_000 }).toContain('status-up');
    expect(errors).toEqual([]);
  }, 90_000);
});
