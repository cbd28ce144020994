import { type CheckResult, type Locale, renderCheck } from '../../checks/types.js';
import { severityRank, statusRank } from './scoring.js';
import type { OrganisationAssessment, RenderedOrganisation, RenderedTarget, TargetAssessment } from './types.js';

/** Failing first, then by severity, then by id: the order a person should read them in. */
export function orderChecks<T extends Pick<CheckResult, 'id' | 'status' | 'severity'>>(checks: T[]): T[] {
  return [...checks].sort(
    (a, b) => statusRank(b.status) - statusRank(a.status) || severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id),
  );
}

export function renderTarget(target: TargetAssessment, locale: Locale): RenderedTarget {
  return {
    target: target.target,
    kind: target.kind,
    ...(target.name ? { name: target.name } : {}),
    // Rows stored before `assessed` existed were all scored.
    assessed: target.score.assessed !== false,
    score: target.score.score,
    grade: target.score.grade,
    startedAt: target.startedAt,
    durationMs: target.durationMs,
    categories: target.score.categories,
    ...(target.score.cap ? { cap: target.score.cap } : {}),
    errors: target.errors,
    checks: target.checks.map((check) => renderCheck(check, locale)),
  };
}

export function renderOrganisation(run: OrganisationAssessment, locale: Locale): RenderedOrganisation {
  return {
    organisation: run.organisation,
    score: run.score,
    grade: run.grade,
    notAssessed: run.notAssessed,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    targets: run.targets.map((t) => renderTarget(t, locale)),
  };
}

/** Exit status of a CLI run: 1 when any check failed. */
export function anyFailed(targets: { checks: { status: string }[] }[]): boolean {
  return targets.some((t) => t.checks.some((c) => c.status === 'fail'));
}

/**
 * The exit code of `vigil assess`: 2 when any target could not be assessed (cron must look: the
 * run says nothing about it), else 1 when any check failed, else 0.
 */
export function assessExitCode(targets: { assessed: boolean; checks: { status: string }[] }[]): 0 | 1 | 2 {
  if (targets.some((t) => !t.assessed)) return 2;
  return anyFailed(targets) ? 1 : 0;
}
