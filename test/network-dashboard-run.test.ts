import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLab, startLab } from '../src/lab/index.js';
import { collectPageErrors, ensureDashboardBuilt, launchBrowser, newPage, signIn } from './support/browser.js';
import { repoRoot, runVigil, vigilNodeArgs } from './support/cli.js';
import { writeLabNetworkConfig } from './support/lab-config.js';

/**
 * "Chạy đánh giá" in real Chromium on `vigil serve`, whose vigil.yaml points network: at the lab:
 * the run the API starts goes through the probe settings serve built from vigil.yaml, so its
 * per-target grades equal those of `vigil assess org --json` on the same file and lab world.
 * Before, API runs used a default context (system resolver): every target F·0.
 *
 * serve and the CLI are child processes and the lab runs here, so both runs see the lab under the
 * same conditions (an in-process run would share one event loop with the lab's TLS servers).
 */
const PASSWORD = 'mật khẩu quản trị 2026';
let lab: RunningLab;
let browser: Browser;
let dir: string;
let serve: ChildProcessWithoutNullStreams | undefined;
let url = '';

beforeAll(async () => {
  await ensureDashboardBuilt();
  lab = await startLab();
  dir = mkdtempSync(join(tmpdir(), 'vigil-network-run-'));
  const full = lab.organisationConfig();
  writeLabNetworkConfig(lab, dir, { mail: full.mail, websites: full.websites });
  const data = join(dir, 'data');
  const admin = await runVigil(['--data', data, 'user', 'add', 'admin', '--role', 'admin', '--password-stdin'], { input: `${PASSWORD}\n` });
  expect(admin.code, admin.stderr).toBe(0);
  serve = spawn(process.execPath, vigilNodeArgs(['--config', join(dir, 'vigil.yaml'), '--data', data, '--json', 'serve', '--port', '0', '--no-watch']), {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  serve.stderr.on('data', (chunk) => (stderr += chunk));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL: ${stderr}`)), 90_000);
    serve!.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(stdout.split('\n')[0]!);
      }
    });
  });
  url = (JSON.parse(line) as { url: string }).url;
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (serve && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve!.once('close', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Check = { id: string; status: string; subject?: string; detail: string };

describe('assessment started from the dashboard', () => {
  it('grades every target as the CLI does on the same vigil.yaml and lab world', async () => {
    const { page, context } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, url, 'admin', PASSWORD);
    await page.goto(`${url}/assessment`);

    const button = page.locator('[data-testid="assessment-start"]');
    await button.waitFor();
    expect(await button.textContent()).toBe('Chạy đánh giá');
    await button.click();
    // Busy while the job runs, then back to its label once the dashboard saw the job finish.
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

    const runs = (await (await context.request.get(`${url}/api/v1/assessment/runs?kind=org&limit=5`)).json()) as { runs: { id: string }[] };
    expect(runs.runs).toHaveLength(1);
    const runId = runs.runs[0]!.id;
    const run = (await (await context.request.get(`${url}/api/v1/assessment/runs/${runId}`)).json()) as {
      status: string;
      targets: { target: string; grade: string; score: number }[];
    };
    expect(run.status).toBe('done');
    const fromDashboard = Object.fromEntries(run.targets.map((t) => [t.target, t.grade]));
    // The page shows the run's targets.
    await page.locator('table').first().getByText(run.targets[0]!.target, { exact: true }).first().waitFor();

    const cli = await runVigil(
      ['--config', join(dir, 'vigil.yaml'), '--data', join(dir, 'cli-data'), 'assess', 'org', '--json', '--no-store', '--lang', 'en'],
      {
        timeoutMs: 240_000,
      },
    );
    expect([0, 1], cli.stderr).toContain(cli.code);
    const cliTargets = (JSON.parse(cli.stdout) as { targets: { target: string; grade: string; checks: Check[] }[] }).targets;
    const fromCli = Object.fromEntries(cliTargets.map((t) => [t.target, t.grade]));

    // On a difference, say which checks differ (the grades alone do not tell why).
    const differences: string[] = [];
    for (const target of Object.keys(fromDashboard).filter((t) => fromDashboard[t] !== fromCli[t])) {
      const stored = (await (
        await context.request.get(`${url}/api/v1/assessment/runs/${runId}/target?target=${encodeURIComponent(target)}&lang=en`)
      ).json()) as {
        checks: Check[];
      };
      const key = (c: Check) => `${c.id} ${c.subject ?? ''}`;
      const cliChecks = new Map(cliTargets.find((t) => t.target === target)?.checks.map((c) => [key(c), c]) ?? []);
      for (const check of stored.checks) {
        const other = cliChecks.get(key(check));
        if (other?.status !== check.status)
          differences.push(`${target} ${key(check)}: dashboard ${check.status} (${check.detail}) / cli ${other?.status} (${other?.detail})`);
      }
    }
    expect(Object.keys(fromDashboard).length).toBeGreaterThanOrEqual(15);
    expect(fromDashboard, differences.join('\n')).toEqual(fromCli);
    expect(Object.values(fromDashboard).filter((grade) => grade !== 'F').length).toBeGreaterThan(Object.keys(fromDashboard).length / 2);
    expect(run.targets.some((t) => t.score > 0)).toBe(true);
    expect(errors).toEqual([]);
  }, 600_000);
});
