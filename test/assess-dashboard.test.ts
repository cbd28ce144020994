import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../src/checks/types.js';
import { AssessmentRepository } from '../src/services/assessment/repository.js';
import { scoreResults } from '../src/services/assessment/scoring.js';
import type { TargetAssessment } from '../src/services/assessment/types.js';
import { collectPageErrors, type DashboardApp, launchBrowser, newPage, signIn, startDashboard } from './support/browser.js';

/** The assessment pages in real Chromium over two stored runs (fixture results, real store and API). */
function check(id: string, status: CheckStatus, subject?: string): CheckResult {
  return {
    id,
    status,
    severity: status === 'pass' ? 'info' : 'high',
    category: id.startsWith('web') ? 'web-headers' : 'mail-auth',
    title: { vi: `Kiểm tra ${id}`, en: `Check ${id}` },
    detail: { vi: `Chi tiết ${id}`, en: `Detail ${id}` },
    evidence: { record: `v=spf1 ${id}` },
    remediation: status === 'pass' ? { vi: '', en: '' } : { vi: `Sửa bản ghi cho ${id}`, en: `Fix the record for ${id}` },
    references: ['https://www.rfc-editor.org/rfc/rfc7208'],
    ...(subject ? { subject } : {}),
  };
}

function target(name: string, startedAt: string, checks: CheckResult[]): TargetAssessment {
  return { target: name, kind: 'mail', startedAt, durationMs: 10, checks, score: scoreResults(checks), errors: [] };
}

let app: DashboardApp;
let browser: Browser;
let secondRun: string;
let notAssessedRun: string;

beforeAll(async () => {
  app = await startDashboard({ users: [{ name: 'analyst', role: 'analyst' }] });
  const repo = new AssessmentRepository(app.store);
  await repo.saveOrganisationRun({
    organisation: 'Sở TT&TT Demo',
    startedAt: '2026-11-01T01:00:00.000Z',
    durationMs: 1000,
    score: 50,
    grade: 'C',
    notAssessed: 0,
    targets: [target('a.gov.vn.test', '2026-11-01T01:00:00.000Z', [check('mail.spf.record', 'pass'), check('mail.dmarc.policy', 'fail')])],
  });
  secondRun = await repo.saveOrganisationRun({
    organisation: 'Sở TT&TT Demo',
    startedAt: '2026-11-02T01:00:00.000Z',
    durationMs: 1000,
    score: 50,
    grade: 'C',
    notAssessed: 0,
    targets: [
      target('a.gov.vn.test', '2026-11-02T01:00:00.000Z', [check('mail.spf.record', 'fail'), check('mail.dmarc.policy', 'pass'), check('mail.dkim', 'warn')]),
      target('b.gov.vn.test', '2026-11-02T01:00:01.000Z', [check('mail.spf.record', 'pass')]),
    ],
  });
  // An older run (so the latest stays secondRun) with a target none of whose checks could run.
  const down = target('down.gov.vn.test', '2026-10-31T01:00:00.000Z', [check('mail.mx', 'error'), check('mail.spf.record', 'error')]);
  const up = target('c.gov.vn.test', '2026-10-31T01:00:01.000Z', [check('mail.spf.record', 'pass')]);
  notAssessedRun = await repo.saveOrganisationRun({
    organisation: 'Sở TT&TT Demo',
    startedAt: '2026-10-31T01:00:00.000Z',
    durationMs: 1000,
    score: 100,
    grade: 'A+',
    notAssessed: 1,
    targets: [down, up],
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('assessment dashboard', () => {
  it('posture at a glance, target detail with filter, what changed, exports', async () => {
    const { page, context } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'analyst');
    await page.goto(`${app.url}/assessment`);
    const table = page.locator('table').first();
    await table.getByText('a.gov.vn.test').waitFor();
    expect(await table.getByText('b.gov.vn.test').count()).toBe(1);
    expect(await page.getByText('Kiểm tra mail.spf.record').count()).toBeGreaterThan(0); // worst finding of a.gov.vn.test
    await page.locator('canvas').first().waitFor(); // echarts trend

    await table.getByText('a.gov.vn.test').click();
    await page.locator('[data-testid="assessment-checks"] li').first().waitFor();
    expect(await page.locator('[data-testid="assessment-checks"] li').count()).toBe(3);
    expect(await page.getByText('Sửa bản ghi cho mail.spf.record').count()).toBe(1);
    // The category's name comes with the target from the API (check catalogue), not from a copy in web/.
    expect(await page.locator('.stats').first().textContent()).toContain('Xác thực thư');
    await page.locator('[data-testid="assessment-filter"]').selectOption('fail');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="assessment-checks"] li').length === 1);
    expect(await page.locator('[data-testid="assessment-checks"] li').getAttribute('data-status')).toBe('fail');
    await page.locator('[data-testid="assessment-checks"] li button').first().click();
    expect(await page.locator('pre.evidence').textContent()).toContain('v=spf1 mail.spf.record');

    const diff = page.locator('[data-testid="assessment-diff"]');
    await diff.waitFor();
    expect(await diff.textContent()).toContain('mail.spf.record');
    expect(await diff.textContent()).toMatch(/Lỗi mới \(1\)/);
    expect(await diff.textContent()).toMatch(/Đã khắc phục \(1\)/);

    for (const format of ['xlsx', 'pdf']) {
      const href = await page.locator(`[data-testid="export-${format}"]`).getAttribute('href');
      expect(href).toContain(`/assessment/runs/${secondRun}/export`);
      const response = await context.request.get(`${app.url}${href}`);
      expect(response.status()).toBe(200);
      expect((await response.body()).length).toBeGreaterThan(1000);
    }
    expect(errors).toEqual([]);
  }, 60_000);

  it('a target not assessed shows "Không đánh giá được", not F; the organisation score says how many it left out', async () => {
    const { page, context } = await newPage(browser);
    const errors = collectPageErrors(page);
    await signIn(page, app.url, 'analyst');
    await page.goto(`${app.url}/assessment/runs/${notAssessedRun}`);
    const table = page.locator('table').first();
    const row = table.locator('tr', { hasText: 'down.gov.vn.test' });
    await row.waitFor();
    expect(await row.locator('[data-testid="not-assessed"]').textContent()).toBe('Không đánh giá được');
    expect(await row.textContent()).not.toMatch(/\bF\b/);
    expect(await table.locator('tr', { hasText: 'c.gov.vn.test' }).locator('[data-testid="not-assessed"]').count()).toBe(0);
    expect(await page.locator('[data-testid="assessment-excluded"]').textContent()).toBe('Không đánh giá được, không tính vào điểm trung bình: 1 đối tượng');

    await row.getByText('down.gov.vn.test').click();
    await page.locator('[data-testid="assessment-checks"] li').first().waitFor();
    expect(await page.locator('[data-testid="not-assessed"]').count()).toBe(1);

    // the PDF export says it too
    const response = await context.request.get(`${app.url}/api/v1/assessment/runs/${notAssessedRun}/export?format=pdf`);
    expect(response.status()).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-na-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), await response.body());
      // reading order, with a wrapped table cell joined back into one line
      const text = execFileSync('pdftotext', [join(dir, 'r.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).toContain('Không đánh giá được');
      expect(text).toContain('1 đối tượng không đánh giá được, không tính vào điểm trung bình');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
