import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../src/demo/run.js';
import { collectPageErrors, ensureDashboardBuilt, launchBrowser, newPage, signIn } from './support/browser.js';
import { runVigil } from './support/cli.js';

/**
 * `vigil demo`, then "Chạy đánh giá" in real Chromium: the run the API starts goes through the
 * server's probe settings (the lab's resolver, CA and port map), so its per-target grades equal
 * those of `vigil assess org --json` run by a user on the demo's vigil.yaml (its network: section,
 * no flags) against the same lab world. Before, the API run used the system resolver: F·0 everywhere.
 */
let demo: RunningDemo;
let browser: Browser;
let root: string;

beforeAll(async () => {
  await ensureDashboardBuilt();
  root = mkdtempSync(join(tmpdir(), 'vigil-network-demo-'));
  demo = await startDemo({
    dataDir: join(root, 'data'),
    host: '127.0.0.1',
    port: 0,
    adminPassword: 'demo-password-1',
    incidentAfterSeconds: 0,
    log: () => {},
  });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

type RunDetail = { id: string; status: string; targets: { target: string; grade: string; score: number }[] };

describe('assessment started from the demo dashboard', () => {
  it('grades every target as the CLI does on the same lab world', async () => {
    const { page, context } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, demo.url, demo.admin.name, demo.admin.password);
    await page.goto(`${demo.url}/assessment`);
    const startedBefore = (demo.summary.assessment as { runId: string }).runId;

    const button = page.locator('[data-testid="assessment-start"]');
    await button.waitFor();
    expect(await button.textContent()).toBe('Chạy đánh giá');
    await button.click();
    // Busy while the job runs, then back to its label when the dashboard saw the job finish.
    await page.waitForFunction(() => (document.querySelector('[data-testid="assessment-start"]') as HTMLButtonElement | null)?.disabled === true);
    await page.waitForFunction(
      () => {
        const b = document.querySelector('[data-testid="assessment-start"]') as HTMLButtonElement | null;
        return b !== null && !b.disabled;
      },
      undefined,
      { timeout: 240_000, polling: 500 },
    );
    expect(await page.locator('[data-testid="assessment-start"] + .error').count()).toBe(0);

    const runs = (await (await context.request.get(`${demo.url}/api/v1/assessment/runs?kind=org&limit=5`)).json()) as { runs: { id: string }[] };
    const newest = runs.runs[0]!.id;
    expect(newest).not.toBe(startedBefore);
    const run = (await (await context.request.get(`${demo.url}/api/v1/assessment/runs/${newest}`)).json()) as RunDetail;
    expect(run.status).toBe('done');
    const fromDashboard = Object.fromEntries(run.targets.map((t) => [t.target, t.grade]));
    // The page shows the new run's targets too.
    await page.locator('table').first().getByText(run.targets[0]!.target, { exact: true }).first().waitFor();

    const cli = await runVigil(['--config', demo.configFile, '--data', join(root, 'cli-data'), 'assess', 'org', '--json', '--no-store'], {
      timeoutMs: 240_000,
    });
    expect([0, 1], cli.stderr).toContain(cli.code);
    const fromCli = Object.fromEntries((JSON.parse(cli.stdout) as { targets: { target: string; grade: string }[] }).targets.map((t) => [t.target, t.grade]));

    expect(Object.keys(fromDashboard).length).toBeGreaterThanOrEqual(15);
    expect(fromDashboard).toEqual(fromCli);
    expect(Object.values(fromDashboard).filter((grade) => grade !== 'F').length).toBeGreaterThan(0);
    expect(run.targets.some((t) => t.score > 0)).toBe(true);
    expect(errors).toEqual([]);
  }, 600_000);
});
