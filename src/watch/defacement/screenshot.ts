import type { Browser } from 'playwright-core';

/**
 * Screenshots of captured pages in headless Chromium. The page is rendered from the HTML vigil
 * fetched (not fetched again by the browser), with scripts disabled and every network request
 * answered by `fetchAsset` or refused: evidence shows what was served, and a hostile page cannot
 * reach out from the analyst's machine.
 */
export const CHROMIUM_PATH = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export class Screenshotter {
  private browser: Promise<Browser> | undefined;

  constructor(private readonly fetchAsset?: (url: string) => Promise<{ status: number; contentType?: string; body: Buffer } | undefined>) {}

  private launch(): Promise<Browser> {
    this.browser ??= import('playwright-core').then(({ chromium }) => chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true }));
    return this.browser;
  }

  /** PNG of `html` as if served from `pageUrl`; undefined when Chromium is not available. */
  async capture(html: string, pageUrl: string): Promise<Buffer | undefined> {
    let browser: Browser;
    try {
      browser = await this.launch();
    } catch {
      this.browser = undefined;
      return undefined;
    }
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const origin = new URL(pageUrl).origin;
      await page.route('**/*', async (route) => {
        const url = route.request().url();
        if (url === pageUrl || url === `${pageUrl}/`) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
        if (this.fetchAsset && url.startsWith(origin)) {
          const asset = await this.fetchAsset(url).catch(() => undefined);
          if (asset) return route.fulfill({ status: asset.status, ...(asset.contentType ? { contentType: asset.contentType } : {}), body: asset.body });
        }
        return route.abort();
      });
      await page.goto(pageUrl, { waitUntil: 'load', timeout: 15_000 }).catch(() => undefined);
      return await page.screenshot({ fullPage: false, timeout: 10_000 });
    } catch {
      return undefined;
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const browser = await this.browser?.catch(() => undefined);
    this.browser = undefined;
    await browser?.close().catch(() => undefined);
  }
}
