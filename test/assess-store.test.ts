import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../src/checks/types.js';
import { AssessmentRepository, diffChecks, MAX_EVIDENCE_BYTES } from '../src/services/assessment/repository.js';
import { scoreResults } from '../src/services/assessment/scoring.js';
import type { OrganisationAssessment, TargetAssessment } from '../src/services/assessment/types.js';
import { openTestStore, type TestStore, testDialects } from '../src/store/testing.js';

function check(id: string, status: CheckStatus, subject?: string, evidence: Record<string, unknown> = {}): CheckResult {
  return {
    id,
    status,
    severity: 'high',
    category: id.startsWith('web') ? 'web-headers' : 'mail-auth',
    title: { vi: `Kiểm tra ${id}`, en: `Check ${id}` },
    detail: { vi: 'chi tiết', en: 'detail' },
    evidence,
    remediation: { vi: 'Sửa cấu hình', en: 'Fix the config' },
    references: ['https://example.test/'],
    ...(subject ? { subject } : {}),
  };
}

function target(name: string, kind: 'mail' | 'web', startedAt: string, checks: CheckResult[]): TargetAssessment {
  return { target: name, kind, startedAt, durationMs: 42, checks, score: scoreResults(checks), errors: [] };
}

function org(startedAt: string, targets: TargetAssessment[]): OrganisationAssessment {
  return { organisation: 'Sở TT&TT Thử nghiệm', startedAt, durationMs: 1000, score: 50, grade: 'C', notAssessed: 0, targets };
}

describe.each(testDialects())('assessment store on %s', (dialect) => {
  let handle: TestStore;
  let repo: AssessmentRepository;
  let firstRun: string;
  let secondRun: string;

  beforeAll(async () => {
    handle = await openTestStore(dialect);
    repo = new AssessmentRepository(handle.store);
    firstRun = await repo.saveOrganisationRun(
      org('2026-11-01T00:00:00.000Z', [
        target('a.test', 'mail', '2026-11-01T00:00:00.000Z', [
          check('mail.spf.record', 'pass'),
          check('mail.dmarc.policy', 'fail'),
          check('mail.starttls', 'warn', 'mx1.a.test'),
        ]),
        target('https://a.test/', 'web', '2026-11-01T00:00:01.000Z', [
          check('web.headers.csp', 'fail', undefined, { big: 'x'.repeat(MAX_EVIDENCE_BYTES * 2) }),
        ]),
      ]),
    );
    secondRun = await repo.saveOrganisationRun(
      org('2026-11-02T00:00:00.000Z', [
        target('a.test', 'mail', '2026-11-02T00:00:00.000Z', [
          check('mail.spf.record', 'fail'),
          check('mail.dmarc.policy', 'pass'),
          check('mail.starttls', 'pass', 'mx1.a.test'),
          check('mail.dkim', 'info'),
        ]),
        target('https://a.test/', 'web', '2026-11-02T00:00:01.000Z', [check('web.headers.csp', 'fail')]),
      ]),
    );
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  it('lists runs newest first with totals', async () => {
    const runs = await repo.listRuns();
    expect(runs.map((r) => r.id)).toEqual([secondRun, firstRun]);
    expect(runs[0]).toMatchObject({ kind: 'org', status: 'done', targetCount: 2, failedChecks: 2, organisation: 'Sở TT&TT Thử nghiệm', score: 50, grade: 'C' });
    expect(runs[1]!.failedChecks).toBe(2);
  });

  it('reads a run back with its targets and worst findings', async () => {
    const run = await repo.getRun(firstRun);
    expect(run.targets.map((t) => t.target)).toEqual(['a.test', 'https://a.test/']);
    expect(run.targets[0]!.worst.map((w) => w.id)).toEqual(['mail.dmarc.policy', 'mail.starttls']);
    expect(run.targets[0]!.worst[0]!.title.vi).toBe('Kiểm tra mail.dmarc.policy');
    expect(run.targets[0]!.scoreReport.categories.length).toBeGreaterThan(0);
  });

  it('a target with its checks, evidence capped', async () => {
    const web = await repo.getTarget(firstRun, 'https://a.test/');
    expect(web.checks[0]!.evidence).toMatchObject({ truncated: true });
    expect(JSON.stringify(web.checks[0]!.evidence).length).toBeLessThan(MAX_EVIDENCE_BYTES);
    const mail = await repo.getTarget(firstRun, 'a.test');
    expect(mail.checks.find((c) => c.id === 'mail.starttls')).toMatchObject({ subject: 'mx1.a.test', status: 'warn', remediation: { vi: 'Sửa cấu hình' } });
  });

  it('what changed since the last run', async () => {
    const diff = await repo.diffSinceLastRun(secondRun, 'a.test');
    expect(diff.previousRunId).toBe(firstRun);
    expect(diff.newFailures.map((c) => c.id)).toEqual(['mail.spf.record']);
    expect(diff.fixed.map((c) => [c.id, c.before])).toEqual([
      ['mail.dmarc.policy', 'fail'],
      ['mail.starttls', 'warn'],
    ]);
    expect(diff.changed.map((c) => [c.id, c.before, c.after])).toEqual([['mail.dkim', null, 'info']]);
    const first = await repo.diffSinceLastRun(firstRun, 'a.test');
    expect(first.previousRunId).toBeNull();
  });

  it('trend per target and per organisation', async () => {
    const trend = await repo.targetTrend('a.test');
    expect(trend.map((p) => p.runId)).toEqual([firstRun, secondRun]);
    expect(trend[0]!.failedChecks).toBe(1);
    const orgTrend = await repo.organisationTrend();
    expect(orgTrend.map((p) => p.runId)).toEqual([firstRun, secondRun]);
  });

  it('unknown run and target are 404 errors', async () => {
    await expect(repo.getRun('nope')).rejects.toMatchObject({ id: 'assessment.run-not-found', status: 404 });
    await expect(repo.getTarget(firstRun, 'x.test')).rejects.toMatchObject({ id: 'assessment.target-not-found' });
  });

  it('single-target runs and running state', async () => {
    const id = await repo.createRun({ kind: 'org', scope: 'x', actor: 'api:admin' });
    expect((await repo.getRun(id)).status).toBe('running');
    await repo.finishRun(id, { status: 'failed', error: 'boom' });
    expect(await repo.getRun(id)).toMatchObject({ status: 'failed', error: 'boom', targetCount: 0 });
    const single = await repo.saveTargetRun(target('b.test', 'mail', '2026-11-03T00:00:00.000Z', [check('mail.mx', 'pass')]));
    expect((await repo.latestRun('mail'))?.id).toBe(single);
  });

  it('a target not assessed is stored without a grade and counted on its run', async () => {
    const down = target('down.test', 'mail', '2026-11-04T00:00:00.000Z', [check('mail.mx', 'error'), check('mail.spf.record', 'error')]);
    const up = target('up.test', 'mail', '2026-11-04T00:00:01.000Z', [check('mail.mx', 'pass')]);
    const run = await repo.saveOrganisationRun({ ...org('2026-11-04T00:00:00.000Z', [down, up]), score: 100, grade: 'A+', notAssessed: 1 });
    const stored = await repo.getRun(run);
    expect(stored).toMatchObject({ notAssessed: 1, targetCount: 2, score: 100, grade: 'A+' });
    expect(stored.targets.map((t) => [t.target, t.assessed, t.score, t.grade])).toEqual([
      ['down.test', false, null, null],
      ['up.test', true, 100, 'A+'],
    ]);
    expect((await repo.getTarget(run, 'down.test')).scoreReport.assessed).toBe(false);
    expect((await repo.listRuns()).find((r) => r.id === run)).toMatchObject({ notAssessed: 1 });
    expect((await repo.targetTrend('down.test')).map((p) => [p.score, p.grade])).toEqual([[null, null]]);
    // runs stored before 0101 and fully assessed runs count none
    expect((await repo.getRun(firstRun)).notAssessed).toBe(0);
    expect((await repo.getRun(firstRun)).targets.every((t) => t.assessed)).toBe(true);
  });
});

describe('diffChecks', () => {
  it('disappeared checks are changes', () => {
    expect(diffChecks([check('a', 'pass')], []).changed).toMatchObject([{ id: 'a', before: 'pass', after: null }]);
  });
});
