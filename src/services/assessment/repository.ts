import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { CheckResult, CheckStatus, LocalizedText, ScoreCategory, Severity } from '../../checks/types.js';
import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { AssessmentChecksTable, AssessmentRunsTable } from '../../store/schema.js';
import type { Grade, ScoreReport } from './scoring.js';
import type { OrganisationAssessment, TargetAssessment, TargetKind } from './types.js';

/** Evidence above this many bytes of JSON is cut (a hostile peer must not bloat the store). */
export const MAX_EVIDENCE_BYTES = 64 * 1024;
const INSERT_BATCH = 200;

export type RunKind = 'org' | 'mail' | 'web';

export interface RunSummary {
  id: string;
  kind: RunKind;
  scope: string;
  organisation: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  score: number | null;
  grade: Grade | null;
  targetCount: number;
  /** Targets that could not be assessed, left out of `score`. */
  notAssessed: number;
  failedChecks: number;
  actor: string;
  error: string | null;
}

export interface TargetSummary {
  id: string;
  runId: string;
  target: string;
  kind: TargetKind;
  name: string | null;
  startedAt: string;
  durationMs: number;
  /** False: not assessed (every check `error`); score and grade are null. */
  assessed: boolean;
  score: number | null;
  grade: Grade | null;
  scoreReport: ScoreReport;
  errors: string[];
  failedChecks: number;
  /** The most severe failing checks (for the posture overview). */
  worst: { id: string; status: CheckStatus; severity: Severity; title: LocalizedText; subject?: string }[];
}

export interface StoredTarget extends TargetSummary {
  checks: CheckResult[];
}

export interface CheckChange {
  id: string;
  subject?: string;
  title: LocalizedText;
  severity: Severity;
  before: CheckStatus | null;
  after: CheckStatus | null;
}

export interface TargetDiff {
  target: string;
  runId: string;
  previousRunId: string | null;
  previousStartedAt: string | null;
  scoreBefore: number | null;
  scoreAfter: number | null;
  newFailures: CheckChange[];
  fixed: CheckChange[];
  changed: CheckChange[];
}

export interface TrendPoint {
  runId: string;
  startedAt: string;
  /** Null when the target (or every target of the run) could not be assessed. */
  score: number | null;
  grade: Grade | null;
  failedChecks: number;
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** Evidence as JSON, cut to MAX_EVIDENCE_BYTES with a note saying so. */
export function evidenceJson(evidence: Record<string, unknown>): string {
  let text: string;
  try {
    text = JSON.stringify(evidence ?? {});
  } catch (error) {
    return JSON.stringify({ unserialisable: (error as Error).message });
  }
  if (Buffer.byteLength(text) <= MAX_EVIDENCE_BYTES) return text;
  return JSON.stringify({ truncated: true, originalBytes: Buffer.byteLength(text), excerpt: text.slice(0, MAX_EVIDENCE_BYTES / 2) });
}

function failedCount(checks: { status: string }[]): number {
  return checks.filter((c) => c.status === 'fail').length;
}

/**
 * Storage of assessment runs (migration 0100): save, list, read back, diff against the previous
 * run of the same target, and trends. Portable SQL only (SQLite and PostgreSQL).
 */
export class AssessmentRepository {
  constructor(private readonly store: Store) {}

  /** Open a run in `running` state (an API-started run shows up before it finishes). */
  async createRun(options: { kind: RunKind; scope: string; organisation?: string; actor?: string; startedAt?: string; id?: string }): Promise<string> {
    const id = options.id ?? randomUUID();
    await this.store.db
      .insertInto('assessment_runs')
      .values({
        id,
        kind: options.kind,
        scope: options.scope,
        organisation: options.organisation ?? '',
        status: 'running',
        started_at: options.startedAt ?? new Date().toISOString(),
        finished_at: null,
        score: null,
        grade: null,
        target_count: 0,
        failed_checks: 0,
        actor: options.actor ?? 'cli',
        error: null,
      })
      .execute();
    return id;
  }

  async addTargets(runId: string, targets: TargetAssessment[], firstPosition = 0): Promise<void> {
    for (const [offset, target] of targets.entries()) {
      const targetId = randomUUID();
      await this.store.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('assessment_targets')
          .values({
            id: targetId,
            run_id: runId,
            position: firstPosition + offset,
            target: target.target,
            kind: target.kind,
            name: target.name ?? null,
            started_at: target.startedAt,
            duration_ms: Math.round(target.durationMs),
            // NOT NULL columns: placeholders for a target not assessed, read back as null.
            score: target.score.score ?? 0,
            grade: target.score.grade ?? '',
            assessed: target.score.assessed ? 1 : 0,
            score_report: json(target.score),
            errors: json(target.errors),
            failed_checks: failedCount(target.checks),
          })
          .execute();
        const rows = target.checks.map((check) => ({
          target_id: targetId,
          run_id: runId,
          check_id: check.id,
          subject: check.subject ?? '',
          status: check.status,
          severity: check.severity,
          category: check.category,
          title: json(check.title),
          detail: json(check.detail),
          remediation: json(check.remediation),
          refs: json(check.references),
          evidence: evidenceJson(check.evidence),
        }));
        for (let i = 0; i < rows.length; i += INSERT_BATCH)
          await trx
            .insertInto('assessment_checks')
            .values(rows.slice(i, i + INSERT_BATCH))
            .execute();
      });
    }
  }

  async finishRun(
    runId: string,
    outcome: { status: 'done' | 'failed'; score?: number | null; grade?: string | null; error?: string | null; finishedAt?: string },
  ): Promise<void> {
    const totals = await this.store.db
      .selectFrom('assessment_targets')
      .select((eb) => [
        eb.fn.countAll<number>().as('targets'),
        eb.fn.sum<number>('failed_checks').as('failed'),
        eb.fn.sum<number>(eb.case().when('assessed', '=', 0).then(1).else(0).end()).as('not_assessed'),
      ])
      .where('run_id', '=', runId)
      .executeTakeFirst();
    await this.store.db
      .updateTable('assessment_runs')
      .set({
        status: outcome.status,
        finished_at: outcome.finishedAt ?? new Date().toISOString(),
        score: outcome.score ?? null,
        grade: outcome.grade ?? null,
        error: outcome.error ?? null,
        target_count: Number(totals?.targets ?? 0),
        failed_checks: Number(totals?.failed ?? 0),
        not_assessed: Number(totals?.not_assessed ?? 0),
      })
      .where('id', '=', runId)
      .execute();
  }

  /** Store a finished organisation run in one go. */
  async saveOrganisationRun(run: OrganisationAssessment, actor = 'cli'): Promise<string> {
    const id = await this.createRun({
      kind: 'org',
      scope: run.organisation || 'organisation',
      organisation: run.organisation,
      actor,
      startedAt: run.startedAt,
    });
    await this.addTargets(id, run.targets);
    await this.finishRun(id, {
      status: 'done',
      score: run.score,
      grade: run.grade,
      finishedAt: new Date(Date.parse(run.startedAt) + run.durationMs).toISOString(),
    });
    return id;
  }

  /** Store a single-target run (`vigil assess mail|web`). */
  async saveTargetRun(target: TargetAssessment, options: { organisation?: string; actor?: string } = {}): Promise<string> {
    const id = await this.createRun({
      kind: target.kind,
      scope: target.target,
      organisation: options.organisation ?? '',
      actor: options.actor ?? 'cli',
      startedAt: target.startedAt,
    });
    await this.addTargets(id, [target]);
    await this.finishRun(id, {
      status: 'done',
      score: target.score.score,
      grade: target.score.grade,
      finishedAt: new Date(Date.parse(target.startedAt) + target.durationMs).toISOString(),
    });
    return id;
  }

  async listRuns(options: { limit?: number; offset?: number; kind?: RunKind } = {}): Promise<RunSummary[]> {
    let query = this.store.db.selectFrom('assessment_runs').selectAll();
    if (options.kind) query = query.where('kind', '=', options.kind);
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(Math.min(options.limit ?? 50, 500))
      .offset(options.offset ?? 0)
      .execute();
    return rows.map(runSummary);
  }

  async getRun(runId: string): Promise<RunSummary & { targets: TargetSummary[] }> {
    const row = await this.store.db.selectFrom('assessment_runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!row) throw notFound('run', runId);
    const targets = await this.store.db.selectFrom('assessment_targets').selectAll().where('run_id', '=', runId).orderBy('position').execute();
    const failing = await this.store.db
      .selectFrom('assessment_checks')
      .select(['target_id', 'check_id', 'subject', 'status', 'severity', 'title'])
      .where('run_id', '=', runId)
      .where('status', 'in', ['fail', 'error', 'warn'])
      .execute();
    const byTarget = new Map<string, typeof failing>();
    for (const check of failing) byTarget.set(check.target_id, [...(byTarget.get(check.target_id) ?? []), check]);
    return {
      ...runSummary(row),
      targets: targets.map((t) => targetSummary(t, byTarget.get(t.id) ?? [])),
    };
  }

  /** The most recent run, optionally of one kind. */
  async latestRun(kind?: RunKind): Promise<RunSummary | undefined> {
    const runs = await this.listRuns({ limit: 1, ...(kind ? { kind } : {}) });
    return runs[0];
  }

  /** One target of a run with all its checks (evidence and remediation in both languages). */
  async getTarget(runId: string, target: string): Promise<StoredTarget> {
    const row = await this.store.db.selectFrom('assessment_targets').selectAll().where('run_id', '=', runId).where('target', '=', target).executeTakeFirst();
    if (!row) throw notFound('target', `${target} in run ${runId}`);
    const checks = await this.store.db.selectFrom('assessment_checks').selectAll().where('target_id', '=', row.id).orderBy('id').execute();
    const results = checks.map(checkResult);
    return { ...targetSummary(row, checks), checks: results };
  }

  /** Every target of a run with its checks (exports). */
  async getRunTargets(runId: string): Promise<StoredTarget[]> {
    const run = await this.getRun(runId);
    const out: StoredTarget[] = [];
    for (const target of run.targets) out.push(await this.getTarget(runId, target.target));
    return out;
  }

  /**
   * What changed for a target since the previous finished run that assessed it: new failures,
   * fixed checks (fail/warn → pass) and other status changes (including checks that appeared or
   * disappeared). Keyed by check id and subject.
   */
  async diffSinceLastRun(runId: string, target: string): Promise<TargetDiff> {
    const current = await this.getTarget(runId, target);
    const previousRow = await this.store.db
      .selectFrom('assessment_targets')
      .innerJoin('assessment_runs', 'assessment_runs.id', 'assessment_targets.run_id')
      .select(['assessment_targets.run_id as run_id', 'assessment_targets.started_at as started_at'])
      .where('assessment_targets.target', '=', target)
      .where('assessment_targets.run_id', '!=', runId)
      .where('assessment_runs.status', '=', 'done')
      .where('assessment_targets.started_at', '<', current.startedAt)
      .orderBy('assessment_targets.started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const base = { target, runId, scoreAfter: current.score };
    if (!previousRow) return { ...base, previousRunId: null, previousStartedAt: null, scoreBefore: null, newFailures: [], fixed: [], changed: [] };
    const previous = await this.getTarget(previousRow.run_id, target);
    return {
      ...base,
      previousRunId: previousRow.run_id,
      previousStartedAt: previousRow.started_at,
      scoreBefore: previous.score,
      ...diffChecks(previous.checks, current.checks),
    };
  }

  /** Score over time for one target (oldest first). */
  async targetTrend(target: string, limit = 100): Promise<TrendPoint[]> {
    const rows = await this.store.db
      .selectFrom('assessment_targets')
      .innerJoin('assessment_runs', 'assessment_runs.id', 'assessment_targets.run_id')
      .select([
        'assessment_targets.run_id as run_id',
        'assessment_targets.started_at as started_at',
        'assessment_targets.score as score',
        'assessment_targets.grade as grade',
        'assessment_targets.failed_checks as failed_checks',
        'assessment_targets.assessed as assessed',
      ])
      .where('assessment_targets.target', '=', target)
      .where('assessment_runs.status', '=', 'done')
      .orderBy('assessment_targets.started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((r) => {
      const assessed = Number(r.assessed) !== 0;
      return {
        runId: r.run_id,
        startedAt: r.started_at,
        score: assessed ? Number(r.score) : null,
        grade: assessed ? (r.grade as Grade) : null,
        failedChecks: r.failed_checks,
      };
    });
  }

  /** Organisation score over time (finished org runs, oldest first). */
  async organisationTrend(limit = 100): Promise<TrendPoint[]> {
    const rows = await this.store.db
      .selectFrom('assessment_runs')
      .selectAll()
      .where('kind', '=', 'org')
      .where('status', '=', 'done')
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((r) => ({
      runId: r.id,
      startedAt: r.started_at,
      score: r.score === null ? null : Number(r.score),
      grade: (r.grade ?? null) as Grade | null,
      failedChecks: r.failed_checks,
    }));
  }
}

/** Compare two check lists by (id, subject). Pure; exported for tests. */
export function diffChecks(before: CheckResult[], after: CheckResult[]): Pick<TargetDiff, 'newFailures' | 'fixed' | 'changed'> {
  const key = (c: CheckResult) => `${c.id}\u0000${c.subject ?? ''}`;
  const old = new Map(before.map((c) => [key(c), c]));
  const now = new Map(after.map((c) => [key(c), c]));
  const newFailures: CheckChange[] = [];
  const fixed: CheckChange[] = [];
  const changed: CheckChange[] = [];
  const change = (c: CheckResult, beforeStatus: CheckStatus | null, afterStatus: CheckStatus | null): CheckChange => ({
    id: c.id,
    ...(c.subject ? { subject: c.subject } : {}),
    title: c.title,
    severity: c.severity,
    before: beforeStatus,
    after: afterStatus,
  });
  for (const [k, c] of now) {
    const prior = old.get(k);
    const was = prior?.status ?? null;
    if (was === c.status) continue;
    if (c.status === 'fail') newFailures.push(change(c, was, c.status));
    else if (c.status === 'pass' && (was === 'fail' || was === 'warn')) fixed.push(change(c, was, c.status));
    else changed.push(change(c, was, c.status));
  }
  for (const [k, c] of old) if (!now.has(k)) changed.push(change(c, c.status, null));
  return { newFailures, fixed, changed };
}

function notFound(what: 'run' | 'target', id: string): VigilError {
  return new VigilError(`assessment.${what}-not-found`, `no assessment ${what} ${id}`, {
    status: 404,
    hint: 'list runs with `vigil assess runs` or GET /api/v1/assessment/runs',
  });
}

function runSummary(row: Selectable<AssessmentRunsTable>): RunSummary {
  return {
    id: row.id,
    kind: row.kind,
    scope: row.scope,
    organisation: row.organisation,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    score: row.score === null ? null : Number(row.score),
    grade: row.grade as Grade | null,
    targetCount: Number(row.target_count),
    notAssessed: Number(row.not_assessed ?? 0),
    failedChecks: Number(row.failed_checks),
    actor: row.actor,
    error: row.error,
  };
}

const SEVERITY_ORDER: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
const STATUS_ORDER: Record<string, number> = { fail: 3, error: 2, warn: 1 };

function targetSummary(
  row: {
    id: string;
    run_id: string;
    target: string;
    kind: TargetKind;
    name: string | null;
    started_at: string;
    duration_ms: number;
    score: number;
    grade: string;
    assessed: number;
    score_report: string;
    errors: string;
    failed_checks: number;
  },
  findings: { check_id: string; subject: string; status: string; severity: string; title: string }[],
): TargetSummary {
  const assessed = Number(row.assessed) !== 0;
  const worst = findings
    .filter((f) => f.status !== 'pass' && f.status !== 'info')
    .sort((a, b) => (STATUS_ORDER[b.status] ?? 0) - (STATUS_ORDER[a.status] ?? 0) || (SEVERITY_ORDER[b.severity] ?? 0) - (SEVERITY_ORDER[a.severity] ?? 0))
    .slice(0, 5)
    .map((f) => ({
      id: f.check_id,
      status: f.status as CheckStatus,
      severity: f.severity as Severity,
      title: JSON.parse(f.title) as LocalizedText,
      ...(f.subject ? { subject: f.subject } : {}),
    }));
  return {
    id: row.id,
    runId: row.run_id,
    target: row.target,
    kind: row.kind,
    name: row.name,
    startedAt: row.started_at,
    durationMs: Number(row.duration_ms),
    assessed,
    score: assessed ? Number(row.score) : null,
    grade: assessed ? (row.grade as Grade) : null,
    // Reports stored before 0101 have no `assessed`: they were all scored.
    scoreReport: { ...(JSON.parse(row.score_report) as ScoreReport), assessed },
    errors: JSON.parse(row.errors) as string[],
    failedChecks: Number(row.failed_checks),
    worst,
  };
}

function checkResult(
  row: Pick<
    Selectable<AssessmentChecksTable>,
    'check_id' | 'subject' | 'status' | 'severity' | 'category' | 'title' | 'detail' | 'remediation' | 'refs' | 'evidence'
  >,
): CheckResult {
  return {
    id: row.check_id,
    status: row.status as CheckStatus,
    severity: row.severity as Severity,
    category: row.category as ScoreCategory,
    title: JSON.parse(row.title) as LocalizedText,
    detail: JSON.parse(row.detail) as LocalizedText,
    remediation: JSON.parse(row.remediation) as LocalizedText,
    references: JSON.parse(row.refs) as string[],
    evidence: JSON.parse(row.evidence) as Record<string, unknown>,
    ...(row.subject ? { subject: row.subject } : {}),
  };
}
