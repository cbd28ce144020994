import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { LoadedConfig } from '../../src/config/load.js';
import type { RouteModule } from '../../src/http/route.js';
import { type RunningServer, type ServerStarter, startServer } from '../../src/http/server.js';
import { AuthService } from '../../src/services/auth/auth-service.js';
import type { Role } from '../../src/services/auth/users.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, suiteDialect, type TestStore } from '../../src/store/testing.js';

/**
 * Browser-test support for every capability's dashboard tests:
 *
 *   const app = await startDashboard({ users: [{ name: 'admin', role: 'admin' }] });
 *   const browser = await launchBrowser();
 *   const page = await newPage(browser);
 *   await signIn(page, app.url, 'admin');
 *   …
 *   await browser.close(); await app.close();
 *
 * Real Chromium from Debian (/usr/bin/chromium) through playwright-core, a real server on an
 * ephemeral loopback port, a fresh store: SQLite, or a scratch PostgreSQL database in vitest's
 * "postgres" project (`suiteDialect()`).
 */

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const WEB_DIST = join(ROOT, 'web', 'dist');
export const TEST_PASSWORD = 'mật khẩu thử nghiệm 2026';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/** A page in a fresh context (own cookies and storage), desktop size unless told otherwise. */
export async function newPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, locale: options.locale ?? 'vi-VN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

/** Console errors and CSP violations seen by a page; assert it stays empty. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 401/.test(message.text())) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Build web/dist when it is missing or older than web/src (a local checkout without `npm run
 * build`). A lock folder keeps test files running in parallel from building at the same time.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const index = join(WEB_DIST, 'index.html');
  const sources = [join(ROOT, 'web', 'src'), join(ROOT, 'web', 'index.html'), join(ROOT, 'web', 'public')];
  const fresh = () =>
    existsSync(index) &&
    statSync(index).mtimeMs >= Math.max(...sources.filter(existsSync).map((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)));
  if (fresh()) return;
  const lock = join(tmpdir(), `vigil-web-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another test to build the dashboard');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    // NODE_ENV=production: vitest sets NODE_ENV=test, which would build React's development bundles (slow, StrictMode effects twice).
    if (!fresh())
      execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, NODE_ENV: 'production' },
      });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface TestUser {
  name: string;
  role: Role;
  password?: string;
  displayName?: string;
}

export interface DashboardApp {
  url: string;
  server: RunningServer;
  store: Store;
  close(): Promise<void>;
}

/** The built dashboard and the API on a fresh store (the project's dialect unless told), with these users (password TEST_PASSWORD). */
export async function startDashboard(
  options: { users?: TestUser[]; modules?: RouteModule[]; extraStarters?: ServerStarter[]; config?: LoadedConfig; dialect?: 'sqlite' | 'postgres' } = {},
): Promise<DashboardApp> {
  await ensureDashboardBuilt();
  const test: TestStore = await openTestStore(options.dialect ?? suiteDialect());
  const auth = new AuthService(test.store);
  for (const user of options.users ?? [{ name: 'admin', role: 'admin' }]) {
    await auth.users.create({ name: user.name, role: user.role, password: user.password ?? TEST_PASSWORD, displayName: user.displayName ?? null }, 'test');
  }
  const server = await startServer({
    store: test.store,
    config: options.config ?? { file: undefined, baseDir: ROOT, config: {} as LoadedConfig['config'] },
    host: '127.0.0.1',
    port: 0,
    webRoot: WEB_DIST,
    ...(options.modules ? { modules: options.modules } : {}),
    extraStarters: options.extraStarters ?? [],
  });
  return {
    url: server.url,
    server,
    store: test.store,
    close: async () => {
      await server.close();
      await test.cleanup();
    },
  };
}

/** Sign in through the login form and wait for the shell's navigation. */
export async function signIn(page: Page, url: string, name: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(url);
  await page.locator('input[name="username"]').fill(name);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.locator('header.topbar').waitFor();
}
