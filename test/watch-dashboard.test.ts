import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { configSchema } from '../src/config/schema.js';
import { startWatchForServer } from '../src/http/routes/watch.js';
import { collectPageErrors, type DashboardApp, launchBrowser, newPage, signIn, startDashboard } from './support/browser.js';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/**
 * The watch dashboard in Chromium against a real server: 10,000 monitors in a virtualised list,
 * a service that stops turns red without a reload (SSE), the roster shows who is on duty, a note
 * written on the page lands in the watch log, a monitor added and edited on the page persists.
 */
let app: DashboardApp;
let browser: Browser;
let tcp: Server;
let port = 0;
const sessions = new Map<string, StorageState>();

/** A fresh page signed in as `name` (signed in through the form once per user, then the session cookie is reused). */
async function pageAs(name: string): Promise<Page> {
  let state = sessions.get(name);
  if (!state) {
    const { context, page } = await newPage(browser);
    await signIn(page, app.url, name);
    state = await context.storageState();
    sessions.set(name, state);
    await context.close();
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', storageState: state });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

const MONITORS = 10_001;
/** expect.poll waits 1 s by default: too short for a page on a loaded 2-core machine. */
const POLL = { timeout: 15_000 };
const PRIMARY = 'Nguyễn Văn An';
const SECONDARY = 'Trần Thị Bình';

async function listen(): Promise<void> {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((r) => tcp.listen(port, '127.0.0.1', r));
  port = (tcp.address() as AddressInfo).port;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

beforeAll(async () => {
  await listen();
  const now = Date.now();
  const config: LoadedConfig = {
    file: undefined,
    baseDir: process.cwd(),
    config: configSchema.parse({
      monitors: [
        { id: 'mail', name: 'Máy chủ thư điện tử', type: 'tcp', host: '127.0.0.1', port, interval: '1s', timeout: '1s' },
        // Checked hourly, first runs spread over the hour: 10,000 rows on the board without a storm of probes.
        ...Array.from({ length: MONITORS - 1 }, (_, i) => ({
          id: `srv${i}`,
          name: `Máy chủ dịch vụ ${i}`,
          type: 'tcp',
          host: '127.0.0.1',
          port: 9,
          interval: '1h',
        })),
      ],
      onCall: {
        people: [
          { name: PRIMARY, email: 'an@example.gov.vn', phone: '0912 000 001' },
          { name: SECONDARY, email: 'binh@example.gov.vn' },
        ],
        holidays: [{ name: 'Ngày lễ thử nghiệm', from: isoDate(now - 86_400_000), to: isoDate(now + 86_400_000) }],
        // The first 12-hour shift began an hour ago: An is on duty with Bình as secondary.
        rotation: {
          start: new Date(now - 3_600_000).toISOString(),
          end: new Date(now + 2 * 86_400_000).toISOString(),
          shiftHours: 12,
          primary: [PRIMARY, SECONDARY],
          secondary: [SECONDARY, PRIMARY],
        },
      },
    }),
  };
  app = await startDashboard({
    users: [
      { name: 'trucban', role: 'viewer' },
      { name: 'chuyenvien', role: 'analyst' },
    ],
    config,
    extraStarters: [startWatchForServer],
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((r) => tcp?.close(r));
});

describe('watch dashboard', () => {
  it('lists 10,001 monitors quickly with only a window of rows in the DOM, and scrolls to the last one', async () => {
    const { page } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'trucban');
    const started = Date.now();
    await page.goto(`${app.url}/watch`);
    await page.waitForFunction((n) => document.querySelector('[data-testid="watch-total"]')?.textContent?.includes(`${n} / ${n}`), MONITORS, {
      timeout: 20_000,
      polling: 10,
    });
    const elapsed = Date.now() - started;
    // The bench (bench/watch.bench.ts) measures the real figure on an idle machine; here only a
    // hang guard, generous for test files running in parallel on 2 cores (2.2 s here under load).
    // That the list is windowed, which is what makes it fast, is counted just below.
    expect(elapsed).toBeLessThan(15_000);
    expect(await page.locator('.watch-row').count()).toBeLessThan(60);
    await page.locator('[data-testid="watch-list"]').evaluate((list) => {
      list.scrollTop = list.scrollHeight;
    });
    await expect.poll(() => page.locator('.watch-row', { hasText: `Máy chủ dịch vụ ${MONITORS - 2}` }).count(), POLL).toBe(1);
    expect(await page.locator('.watch-row').count()).toBeLessThan(60);
    // Filtering by text narrows the list on the client.
    await page.locator('input[type="search"]').fill('thư điện tử');
    await expect.poll(() => page.locator('[data-testid="watch-total"]').textContent(), POLL).toBe(`1 / ${MONITORS}`);
    expect(errors).toEqual([]);
  }, 40_000);

  it('updates a row live when a service stops and comes back (no reload)', async () => {
    const page = await pageAs('trucban');
    const errors = collectPageErrors(page);
    await page.goto(`${app.url}/watch`);
    await expect.poll(() => page.locator('[data-testid="watch-total"]').textContent(), { timeout: 15_000 }).toContain(`${MONITORS} / ${MONITORS}`);
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    const mailRow = page.locator('.watch-row', { hasText: 'Máy chủ thư điện tử' });
    await expect.poll(() => mailRow.getAttribute('class'), { timeout: 15_000 }).toContain('status-up');
    await new Promise<void>((r) => tcp.close(() => r()));
    await expect.poll(() => mailRow.getAttribute('class'), { timeout: 15_000 }).toContain('status-down');
    // The down tile counts it (other monitors of this board are down too: nothing listens on port 9).
    expect(Number((await page.locator('.watch-tile.tone-fail .watch-tile-value').textContent())?.replace(/\D/g, ''))).toBeGreaterThan(0);
    await listen();
    await expect.poll(() => mailRow.getAttribute('class'), { timeout: 15_000 }).toContain('status-up');
    // Same document all along: the updates came over the event stream.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(errors).toEqual([]);
  }, 60_000);

  it('shows who is on duty, the next handover and the shifts over the holiday', async () => {
    const page = await pageAs('trucban');
    const errors = collectPageErrors(page);
    await page.goto(`${app.url}/watch`);
    await expect.poll(() => page.locator('[data-testid="watch-duty"]').textContent(), POLL).toContain(PRIMARY);
    await page.locator('[data-testid="watch-duty"]').click();
    await expect.poll(() => page.locator('[data-testid="watch-primary"]').textContent(), POLL).toBe(PRIMARY);
    expect(await page.locator('[data-testid="watch-secondary"]').textContent()).toContain(SECONDARY);
    expect(await page.locator('[data-testid="watch-handover"]').textContent()).toMatch(/\d\d\/\d\d\/\d{4} \d\d:\d\d/);
    const roster = page.locator('[data-testid="watch-roster"]');
    expect(await roster.locator('tr.watch-current').count()).toBe(1);
    expect(await roster.locator('tbody tr').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('.watch-page').textContent()).toContain('Ngày lễ thử nghiệm');
    expect(errors).toEqual([]);
  }, 30_000);

  it('adds a note and a handover to the watch log from the page, and exports the log', async () => {
    const page = await pageAs('trucban');
    const errors = collectPageErrors(page);
    await page.goto(`${app.url}/watch/log`);
    const note = `Đã kiểm tra phòng máy lúc ${new Date().toISOString().slice(11, 16)}`;
    await page.locator('[data-testid="watch-note-text"]').fill(note);
    await page.locator('[data-testid="watch-note-submit"]').click();
    await expect.poll(() => page.locator('[data-testid="watch-log"]').textContent(), POLL).toContain(note);
    await page.locator('select[aria-label="Loại ghi chép"]').selectOption('handover');
    await page.locator('[data-testid="watch-note-text"]').fill('Bàn giao: không có sự cố mở');
    await page.locator('[data-testid="watch-note-submit"]').click();
    await expect.poll(() => page.locator('.watch-log-entry.kind-handover').textContent(), POLL).toContain('Bàn giao: không có sự cố mở');
    // Stored, by the signed-in user, in the current shift.
    const log = (await (await page.request.get(`${app.url}/api/v1/watch/log`)).json()) as {
      items: { kind: string; actor: string; text: string; shift_id: string | null }[];
    };
    const stored = log.items.find((e) => e.text === note);
    expect(stored).toMatchObject({ kind: 'note', actor: 'trucban' });
    expect(stored?.shift_id).toBeTruthy();
    // The group heading names the shift's people.
    expect(await page.locator('.watch-log-shift h3').first().textContent()).toContain(PRIMARY);
    const pdf = await page.request.get(`${app.url}${await page.locator('[data-testid="watch-log-pdf"]').getAttribute('href')}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect(errors).toEqual([]);
  }, 30_000);

  it('adds a monitor, edits it and pauses it from the page; the changes persist', async () => {
    const page = await pageAs('chuyenvien');
    const errors = collectPageErrors(page);
    await page.goto(`${app.url}/watch/roster`);
    await page.locator('[data-testid="watch-add"]').click();
    const form = page.locator('[data-testid="watch-monitor-form"]');
    await form.locator('input[name="name"]').fill('Máy chủ thử nghiệm');
    await form.locator('select[name="type"]').selectOption('tcp');
    await form.locator('input[name="id"]').fill('thu-nghiem');
    await form.locator('input[name="host"]').fill('127.0.0.1');
    await form.locator('input[name="port"]').fill(String(port));
    await form.locator('[data-testid="watch-monitor-save"]').click();
    await page.waitForURL(/\/watch\/monitors\/thu-nghiem$/);
    await expect.poll(() => page.locator('[data-testid="watch-detail-name"]').textContent(), POLL).toBe('Máy chủ thử nghiệm');

    await page.locator('[data-testid="watch-edit"]').click();
    await form.locator('input[name="name"]').fill('Máy chủ thử nghiệm (đã sửa)');
    await form.locator('input[name="interval"]').fill('30s');
    await form.locator('input[name="unit"]').fill('Phòng CNTT');
    await form.locator('[data-testid="watch-monitor-save"]').click();
    await expect.poll(() => page.locator('.notice').textContent(), POLL).toContain('Đã lưu');
    await page.reload();
    await expect.poll(() => page.locator('[data-testid="watch-detail-name"]').textContent(), POLL).toBe('Máy chủ thử nghiệm (đã sửa)');
    const saved = (await (await page.request.get(`${app.url}/api/v1/watch/monitors/thu-nghiem`)).json()) as {
      name: string;
      enabled: boolean;
      config: { interval: string; port: number; tags: { unit?: string } };
    };
    expect(saved.name).toBe('Máy chủ thử nghiệm (đã sửa)');
    expect(saved.config.interval).toBe('30s');
    expect(saved.config.port).toBe(port);
    expect(saved.config.tags.unit).toBe('Phòng CNTT');

    await page.locator('[data-testid="watch-pause"]').click();
    await expect.poll(() => page.locator('[data-testid="watch-pause"]').textContent(), POLL).toBe('Tiếp tục');
    expect(((await (await page.request.get(`${app.url}/api/v1/watch/monitors/thu-nghiem`)).json()) as { enabled: boolean }).enabled).toBe(false);
    // Paused monitors leave the live list; the board lists them apart, to be found and resumed.
    await page.goto(`${app.url}/watch`);
    await page.locator('[data-testid="watch-paused"]').getByText('Máy chủ thử nghiệm (đã sửa)').click();
    await page.waitForURL(/\/watch\/monitors\/thu-nghiem$/);
    await expect.poll(() => page.locator('[data-testid="watch-pause"]').textContent(), POLL).toBe('Tiếp tục');
    await page.locator('[data-testid="watch-pause"]').click();
    await expect.poll(() => page.locator('[data-testid="watch-pause"]').textContent(), POLL).toBe('Tạm dừng');
    expect(((await (await page.request.get(`${app.url}/api/v1/watch/monitors/thu-nghiem`)).json()) as { enabled: boolean }).enabled).toBe(true);

    // A monitor of vigil.yaml is read-only here: no edit button, a pointer to the file instead.
    await page.goto(`${app.url}/watch/monitors/mail`);
    await expect.poll(() => page.locator('[data-testid="watch-detail-name"]').textContent(), POLL).toBe('Máy chủ thư điện tử');
    await expect.poll(() => page.locator('.watch-hint').count(), POLL).toBe(1);
    expect(await page.locator('[data-testid="watch-edit"]').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 40_000);
});
