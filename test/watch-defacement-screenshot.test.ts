import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSandbox, MAX_ASSET_BYTES, MAX_TOTAL_ASSET_BYTES, Screenshotter } from '../src/watch/defacement/screenshot.js';
import { closeHttpAgent, fetchPageAsset } from '../src/watch/monitors/http.js';
import { DEFAULT_PROBE_CONTEXT } from '../src/probes/context.js';

/**
 * Defacement screenshots in real Chromium (/usr/bin/chromium): assets only from the page's own
 * origin (as a URL origin, not a string prefix), each and all together size-capped, and the
 * sandbox decision. Every server is on loopback and records what reaches it.
 */
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const CHUNK = Math.floor(1.9 * 1024 * 1024);

describe('defacement screenshots', () => {
  const context = { ...DEFAULT_PROBE_CONTEXT, now: Date.now };
  const otherRequests: string[] = [];
  const siteRequests: string[] = [];
  let other: Server;
  let site: Server;
  let otherPort: number;
  let sitePort: number;
  const logged: string[] = [];
  const screenshots = new Screenshotter((url, limits) => fetchPageAsset(context, url, limits), { log: (m) => logged.push(m) });

  beforeAll(async () => {
    other = createServer((req, res) => {
      otherRequests.push(req.url ?? '');
      res.end('stolen');
    });
    site = createServer((req, res) => {
      const path = req.url ?? '/';
      siteRequests.push(path);
      res.on('error', () => undefined);
      if (path === '/small.png') {
        res.setHeader('content-type', 'image/png');
        res.end(Buffer.alloc(1_000, 1));
      } else if (path === '/big-declared.bin') {
        res.setHeader('content-length', String(MAX_ASSET_BYTES + 1));
        res.end(Buffer.alloc(MAX_ASSET_BYTES + 1, 2));
      } else if (path === '/big-streamed.bin') {
        // No length announced: the cap must cut the transfer itself.
        for (let i = 0; i < 6; i++) res.write(Buffer.alloc(512 * 1024, 3));
        res.end();
      } else if (path.startsWith('/chunk-')) {
        res.end(Buffer.alloc(CHUNK, 4));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    otherPort = (other.address() as AddressInfo).port;
    sitePort = (site.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await screenshots.close();
    await closeHttpAgent(context);
    for (const server of [other, site]) {
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
    }
  });

  it('fetches no asset of another origin, even one whose URL starts with the page origin as a string', async () => {
    // The page "is" on port N where N is the first digit of the other listener's port, so
    // http://127.0.0.1:<otherPort>/ starts with the page origin as a string but is another origin.
    const pageUrl = `http://127.0.0.1:${String(otherPort)[0]}/`;
    expect(`http://127.0.0.1:${otherPort}/a.png`.startsWith(new URL(pageUrl).origin)).toBe(true);
    const html = `<html><body><h1>Cổng</h1>
      <img src="http://127.0.0.1:${otherPort}/lookalike.png">
      <link rel="stylesheet" href="http://127.0.0.1:${otherPort}/lookalike.css">
      <img src="http://localhost:${otherPort}/by-name.png"></body></html>`;
    otherRequests.length = 0;
    const png = await screenshots.capture(html, pageUrl);
    expect(png?.subarray(0, 4)).toEqual(PNG_MAGIC);
    expect(otherRequests).toEqual([]);
    const refused = screenshots.lastAssets.filter((a) => a.outcome === 'other-origin').map((a) => new URL(a.url).pathname);
    expect(refused.sort()).toEqual(['/by-name.png', '/lookalike.css', '/lookalike.png']);
  });

  it('fetches same-origin assets within the per-asset cap and aborts those over it', async () => {
    const pageUrl = `http://127.0.0.1:${sitePort}/`;
    const html = '<html><body><img src="/small.png"><img src="/big-declared.bin"><img src="/big-streamed.bin"></body></html>';
    const png = await screenshots.capture(html, pageUrl);
    expect(png?.subarray(0, 4)).toEqual(PNG_MAGIC);
    const outcomes = Object.fromEntries(screenshots.lastAssets.map((a) => [new URL(a.url).pathname, a.outcome]));
    expect(outcomes).toEqual({ '/': 'page', '/small.png': 'fetched', '/big-declared.bin': 'too-large', '/big-streamed.bin': 'too-large' });
  });

  it('stops fetching once the assets of one page reach the total cap', async () => {
    const pageUrl = `http://127.0.0.1:${sitePort}/`;
    const count = Math.ceil(MAX_TOTAL_ASSET_BYTES / CHUNK) + 2; // 8 × 1.9 MiB > 10 MiB
    const html = `<html><body>${Array.from({ length: count }, (_, i) => `<img src="/chunk-${i}.png">`).join('')}</body></html>`;
    await screenshots.capture(html, pageUrl);
    const chunks = screenshots.lastAssets.filter((a) => a.url.includes('/chunk-'));
    expect(chunks).toHaveLength(count);
    const fetched = chunks.filter((a) => a.outcome === 'fetched').length;
    expect(fetched * CHUNK).toBeLessThanOrEqual(MAX_TOTAL_ASSET_BYTES);
    expect(fetched).toBeGreaterThanOrEqual(4);
    expect(chunks.filter((a) => a.outcome === 'total-cap').length).toBe(count - fetched);
  });

  it('says once why the sandbox is off (as root, as these tests run), and only then', () => {
    if (process.getuid?.() === 0) {
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/root/);
    } else {
      expect(logged.length).toBeLessThanOrEqual(1);
    }
  });
});

describe('Chromium sandbox decision', () => {
  it('keeps the sandbox for an unprivileged user', () => {
    expect(chromiumSandbox({ uid: 1000 })).toEqual({ sandbox: true, args: [] });
    expect(chromiumSandbox({ uid: undefined })).toEqual({ sandbox: true, args: [] });
  });

  it('turns it off as root, or after a sandboxed launch failed, and says why', () => {
    const root = chromiumSandbox({ uid: 0 });
    expect(root).toMatchObject({ sandbox: false, args: ['--no-sandbox'] });
    expect(root.reason).toMatch(/root/);
    const failed = chromiumSandbox({ uid: 1000, sandboxedLaunchFailed: 'No usable sandbox!\nmore' });
    expect(failed).toMatchObject({ sandbox: false, args: ['--no-sandbox'] });
    expect(failed.reason).toContain('No usable sandbox!');
    expect(failed.reason).not.toContain('more');
  });
});
