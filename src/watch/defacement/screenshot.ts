import type { Browser } from 'playwright-core';

/**
 * Screenshots of captured pages in headless Chromium. The page is rendered from the HTML vigil
 * fetched (not fetched again by the browser), with scripts disabled and every network request
 * answered by `fetchAsset` or refused: evidence shows what was served, and a hostile page cannot
 * reach out from the analyst's machine. Assets are fetched only from the page's own origin
 * (scheme, host and port compared as URL origins), each and all together size-capped.
 */
export const CHROMIUM_PATH = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Bytes of one asset at most (a 2 MiB image is already far more than a portal's banner). */
export const MAX_ASSET_BYTES = 2 * 1024 * 1024;
/** Bytes of all assets of one screenshot together. */
export const MAX_TOTAL_ASSET_BYTES = 10 * 1024 * 1024;

export interface FetchedAsset {
  status: number;
  contentType?: string;
  body: Buffer;
  /** The asset had more than the `maxBytes` asked for (body holds at most that much). */
  tooLarge?: boolean;
}

export type AssetFetcher = (url: string, options: { maxBytes: number }) => Promise<FetchedAsset | undefined>;

export type AssetOutcome = 'page' | 'fetched' | 'other-origin' | 'too-large' | 'total-cap' | 'failed';

/**
 * Whether Chromium needs `--no-sandbox`, and why. Its sandbox refuses to start as root, and
 * needs user namespaces (or the setuid helper) otherwise: only then is it turned off, and the
 * reason is said once. Pure, so the decision is tested apart from the machine it runs on.
 */
export function chromiumSandbox(facts: { uid: number | undefined; sandboxedLaunchFailed?: string | undefined }): {
  sandbox: boolean;
  args: string[];
  reason?: string;
} {
  if (facts.uid === 0) {
    return {
      sandbox: false,
      args: ['--no-sandbox'],
      reason:
        'Chromium chạy không sandbox vì vigil chạy với quyền root / Chromium runs without its sandbox because vigil runs as root (run vigil as an unprivileged user to keep it)',
    };
  }
  if (facts.sandboxedLaunchFailed !== undefined) {
    return {
      sandbox: false,
      args: ['--no-sandbox'],
      reason: `Chromium không khởi động được với sandbox, chạy lại không sandbox / Chromium did not start with its sandbox (${facts.sandboxedLaunchFailed.split('\n')[0]?.slice(0, 200)}); running it without — enable user namespaces (kernel.unprivileged_userns_clone=1) to keep it`,
    };
  }
  return { sandbox: true, args: [] };
}

export class Screenshotter {
  private browser: Promise<Browser> | undefined;
  private warned = false;
  /** What happened to each request of the last capture (for tests and diagnostics). */
  lastAssets: { url: string; outcome: AssetOutcome }[] = [];

  constructor(
    private readonly fetchAsset?: AssetFetcher,
    private readonly options: { log?: (message: string) => void; limits?: { assetBytes?: number; totalBytes?: number } } = {},
  ) {}

  private say(reason: string | undefined): void {
    if (!reason || this.warned) return;
    this.warned = true;
    (this.options.log ?? ((message: string) => process.stderr.write(`vigil: ${message}\n`)))(reason);
  }

  private launch(): Promise<Browser> {
    this.browser ??= import('playwright-core').then(async ({ chromium }) => {
      // playwright turns the sandbox off unless told (chromiumSandbox defaults to false).
      const start = (decision: { sandbox: boolean; args: string[] }) =>
        chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...decision.args], headless: true, chromiumSandbox: decision.sandbox });
      const first = chromiumSandbox({ uid: process.getuid?.() });
      if (!first.sandbox) {
        this.say(first.reason);
        return start(first);
      }
      try {
        return await start(first);
      } catch (error) {
        const fallback = chromiumSandbox({ uid: process.getuid?.(), sandboxedLaunchFailed: (error as Error).message });
        const browser = await start(fallback);
        this.say(fallback.reason);
        return browser;
      }
    });
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
    const assetCap = this.options.limits?.assetBytes ?? MAX_ASSET_BYTES;
    const totalCap = this.options.limits?.totalBytes ?? MAX_TOTAL_ASSET_BYTES;
    const assets: { url: string; outcome: AssetOutcome }[] = [];
    this.lastAssets = assets;
    let total = 0;
    // JavaScript stays off: a defaced page's scripts never run on the analyst's machine.
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const origin = new URL(pageUrl).origin;
      await page.route('**/*', async (route) => {
        const url = route.request().url();
        if (url === pageUrl || url === `${pageUrl}/`) {
          assets.push({ url, outcome: 'page' });
          return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
        }
        // As URL origins, never string prefixes: http://host:80 must not admit http://host:8080.
        if (originOf(url) !== origin) {
          assets.push({ url, outcome: 'other-origin' });
          return route.abort();
        }
        const left = totalCap - total;
        if (!this.fetchAsset || left <= 0) {
          assets.push({ url, outcome: this.fetchAsset ? 'total-cap' : 'failed' });
          return route.abort();
        }
        // Chromium asks for several assets at once: reserve this one's share of the total before
        // waiting, and give back what it did not use, so the total holds whatever the order.
        const maxBytes = Math.min(assetCap, left);
        total += maxBytes;
        const asset = await this.fetchAsset(url, { maxBytes }).catch(() => undefined);
        total -= maxBytes - Math.min(asset?.body.length ?? 0, maxBytes);
        if (!asset) {
          assets.push({ url, outcome: 'failed' });
          return route.abort();
        }
        // Checked here too, whatever the fetcher did: the caps hold for any fetcher.
        if (asset.tooLarge || asset.body.length > maxBytes) {
          assets.push({ url, outcome: maxBytes < assetCap ? 'total-cap' : 'too-large' });
          return route.abort();
        }
        assets.push({ url, outcome: 'fetched' });
        return route.fulfill({ status: asset.status, ...(asset.contentType ? { contentType: asset.contentType } : {}), body: asset.body });
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

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    // Opaque origins ("null": data:, blob:, file:) never match a page's origin.
    return parsed.origin === 'null' ? undefined : parsed.origin;
  } catch {
    return undefined;
  }
}
