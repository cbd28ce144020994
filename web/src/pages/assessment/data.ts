export type CheckStatus = 'pass' | 'warn' | 'fail' | 'info' | 'error';

export interface Category {
  category: string;
  /** The category's name in the requested language (served from the check catalogue, target view only). */
  title?: string;
  score: number;
  grade: string;
}

export interface TargetSummary {
  target: string;
  kind: 'mail' | 'web';
  name: string | null;
  /** False: "not assessed" (every check could not run); score and grade are null. */
  assessed: boolean;
  score: number | null;
  grade: string | null;
  categories: Category[];
  cap?: { grade: string; sslLabs: string; reasons: string[] };
  errors: string[];
  failedChecks: number;
  worst: { id: string; status: CheckStatus; severity: string; title: { vi: string; en: string }; subject?: string }[];
}

export interface RunSummary {
  id: string;
  kind: 'org' | 'mail' | 'web';
  scope: string;
  organisation: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  score: number | null;
  grade: string | null;
  targetCount: number;
  /** Targets left out of the organisation's score because they could not be assessed. */
  notAssessed: number;
  failedChecks: number;
}

export interface RunDetail extends RunSummary {
  targets: TargetSummary[];
}

export interface Check {
  id: string;
  status: CheckStatus;
  severity: string;
  category: string;
  title: string;
  detail: string;
  remediation: string;
  evidence: Record<string, unknown>;
  references: string[];
  subject?: string;
}

export interface Change {
  id: string;
  subject?: string;
  title: string;
  severity: string;
  before: string | null;
  after: string | null;
}

export interface Diff {
  previousRunId: string | null;
  previousStartedAt: string | null;
  scoreBefore: number | null;
  scoreAfter: number | null;
  newFailures: Change[];
  fixed: Change[];
  changed: Change[];
}

export interface TrendPoint {
  runId: string;
  startedAt: string;
  score: number | null;
  grade: string | null;
}

export { useResource } from '../../useResource';

export function formatTime(iso: string, language: string): string {
  return new Date(iso).toLocaleString(language === 'en' ? 'en-GB' : 'vi-VN', { dateStyle: 'short', timeStyle: 'short' });
}

export function gradeTone(grade: string | null): 'ok' | 'warn' | 'fail' | 'info' {
  if (!grade) return 'info';
  if (grade.startsWith('A')) return 'ok';
  if (grade.startsWith('B') || grade.startsWith('C')) return 'warn';
  return 'fail';
}

export function statusTone(status: string): 'ok' | 'warn' | 'fail' | 'info' | 'unknown' {
  return status === 'pass' ? 'ok' : status === 'warn' ? 'warn' : status === 'fail' ? 'fail' : status === 'error' ? 'unknown' : 'info';
}
