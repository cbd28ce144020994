import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, type DashboardApp, launchBrowser, newPage, signIn, startDashboard, TEST_PASSWORD } from './support/browser.js';

/**
 * The dashboard shell in real Chromium against a real server: sign-in, navigation, language,
 * sign-out, the phone layout.
 */

const NAV_VI = ['Tổng quan', 'Đánh giá', 'Lộ lọt', 'Giám sát', 'Sự cố', 'Báo cáo'];
const NAV_EN = ['Overview', 'Assessment', 'Leaks', 'Watch', 'Incidents', 'Reports'];

let app: DashboardApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([
    startDashboard({
      users: [
        { name: 'admin', role: 'admin', displayName: 'Nguyễn Văn An' },
        { name: 'viewer', role: 'viewer' },
      ],
    }),
    launchBrowser(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('dashboard shell', () => {
  it('serves index.html with the security headers and falls back to it for deep links', async () => {
    for (const path of ['/', '/leaks/some/deep/link']) {
      const response = await fetch(`${app.url}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
    const missingAsset = await fetch(`${app.url}/assets/nothing.js`);
    expect(missingAsset.status).toBe(404);
  });

  it('shows an error on a wrong password and stays on the login page', async () => {
    const { context, page } = await newPage(browser);
    const errors = collectPageErrors(page);
    await page.goto(app.url);
    await expect(page.locator('h1').textContent()).resolves.toBe('Đăng nhập');
    await page.locator('input[name="username"]').fill('admin');
    await page.locator('input[name="password"]').fill('not the password');
    await page.locator('button[type="submit"]').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Sai tên đăng nhập hoặc mật khẩu.');
    expect(await page.locator('input[name="password"]').inputValue()).toBe('');
    expect(await page.locator('header.topbar').count()).toBe(0);
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await context.close();
  });

  it('signs in, shows the overview, switches language (remembered), navigates and signs out', async () => {
    const { context, page } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'admin');
    await expect(page.locator('main h1').textContent()).resolves.toBe('Tổng quan');
    expect(await page.locator('#main-nav a').allTextContents()).toEqual([...NAV_VI, 'Quản trị']);
    expect(await page.locator('main').textContent()).toContain('Trang này sẽ gồm');
    // Capability tiles from pages/overview/panels.tsx render in the overview grid.
    await page.locator('.overview-grid .card').first().waitFor();
    // the assessment tile (pages/assessment/OverviewPanel.tsx) is one of them
    await page.locator('.overview-grid .card', { hasText: 'Đánh giá thư và web' }).waitFor();
    expect(await page.title()).toBe('Tổng quan · vigil');
    expect(await page.locator('.user-name').textContent()).toBe('Nguyễn Văn An');

    await page.getByTestId('language').selectOption('en');
    await page.locator('main h1', { hasText: 'Overview' }).waitFor();
    expect(await page.locator('#main-nav a').allTextContents()).toEqual([...NAV_EN, 'Administration']);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    // The choice is also saved to the user's profile (through the API client, with its CSRF header).
    await expect
      .poll(async () => page.evaluate(async () => ((await (await fetch('/api/v1/auth/me')).json()) as { user: { locale: string } }).user.locale))
      .toBe('en');

    await page.locator('#main-nav a', { hasText: 'Leaks' }).click();
    await page.locator('main h1', { hasText: 'Leaks' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/leaks');
    expect(await page.locator('#main-nav a[aria-current="page"]').textContent()).toBe('Leaks');

    // A reload keeps the session, the page (SPA fallback) and the language.
    await page.reload();
    await page.locator('main h1', { hasText: 'Leaks' }).waitFor();
    await page.goBack().catch(() => undefined);

    await page.locator('.user-button').click();
    await page.getByRole('menuitem').click();
    await page.locator('input[name="username"]').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    expect(me).toBe(401);

    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await context.close();

    // Another browser with no choice of its own takes the language saved in the profile.
    const other = await newPage(browser);
    await signIn(other.page, app.url, 'admin');
    await other.page.locator('main h1', { hasText: 'Overview' }).waitFor();
    await other.context.close();
    await app.store.db.updateTable('users').set({ locale: 'vi' }).where('name', '=', 'admin').execute();
  });

  it('lets an admin manage users and tokens and read the audit log (CSRF header sent by the client)', async () => {
    const { context, page } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'admin');
    await page.locator('#main-nav a', { hasText: 'Quản trị' }).click();
    await page.locator('main h1', { hasText: 'Quản trị' }).waitFor();
    await page.locator('td', { hasText: 'viewer' }).first().waitFor();

    await page.locator('input[name="new-name"]').fill('hoa.tran');
    await page.locator('input[name="new-display-name"]').fill('Trần Thị Hoa');
    await page.locator('select[name="new-role"]').selectOption('analyst');
    await page.locator('input[name="new-password"]').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Tạo', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'hoa.tran' }).waitFor();
    await page.locator('td', { hasText: 'Trần Thị Hoa' }).waitFor();

    await page.getByRole('tab', { name: 'Token API' }).click();
    await page.locator('input[name="token-name"]').fill('xuất báo cáo');
    await page.locator('select[name="token-user"]').selectOption('hoa.tran');
    await page.getByRole('button', { name: 'Tạo', exact: true }).click();
    const secret = await page.locator('code.secret').textContent();
    expect(secret).toMatch(/^vgl_/);
    const me = await fetch(`${app.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(((await me.json()) as { user: { name: string } }).user.name).toBe('hoa.tran');

    await page.getByRole('tab', { name: 'Nhật ký' }).click();
    await page.locator('td code', { hasText: 'user.create' }).first().waitFor();
    // The chart (echarts, loaded lazily under the CSP) draws on a canvas.
    await page.locator('.chart canvas').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the admin page from a viewer and returns to the login page when the session ends under it', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, app.url, 'viewer');
    expect(await page.locator('#main-nav a', { hasText: 'Quản trị' }).count()).toBe(0);
    await page.goto(`${app.url}/admin`);
    await page.locator('.error', { hasText: 'không có quyền' }).waitFor();
    await context.close();

    // An admin whose session is removed server-side: the next API call brings back the login page.
    const admin = await newPage(browser);
    await signIn(admin.page, app.url, 'admin');
    await admin.page.goto(`${app.url}/admin`);
    await admin.page.locator('td', { hasText: 'viewer' }).first().waitFor();
    await app.store.db.deleteFrom('sessions').execute();
    await admin.page.getByRole('tab', { name: 'Token API' }).click();
    await admin.page.locator('input[name="username"]').waitFor();
    expect(await admin.page.locator('header.topbar').count()).toBe(0);
    await admin.context.close();
  });

  it('works on a phone screen (390×844): the menu button opens the navigation', async () => {
    const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'viewer', TEST_PASSWORD);
    const nav = page.locator('#main-nav');
    expect(await nav.isVisible()).toBe(false);
    const toggle = page.getByRole('button', { name: 'Mở menu' });
    expect(await toggle.isVisible()).toBe(true);
    await toggle.click();
    await page.locator('#main-nav a', { hasText: 'Giám sát' }).waitFor({ state: 'visible' });
    expect(await page.locator('#main-nav a').allTextContents()).toEqual(NAV_VI);
    await page.locator('#main-nav a', { hasText: 'Giám sát' }).click();
    await page.locator('main h1', { hasText: 'Giám sát' }).waitFor();
    await nav.waitFor({ state: 'hidden' });
    // Nothing spills sideways on a phone.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    // The user menu still reaches sign-out.
    await page.locator('.user-button').click();
    expect(await page.getByRole('menuitem').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
