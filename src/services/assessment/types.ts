import type { CheckResult, Locale, RenderedCheck } from '../../checks/types.js';
import type { CategoryScore, Grade, GradeCap, ScoreReport } from './scoring.js';

export type TargetKind = 'mail' | 'web';

/** One assessed mail domain or website, with its checks in both languages. */
export interface TargetAssessment {
  target: string;
  kind: TargetKind;
  /** A display name from vigil.yaml (websites[].name), if any. */
  name?: string;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  score: ScoreReport;
  /** Why (part of) the assessment could not run; the affected checks are `error`. */
  errors: string[];
}

export interface OrganisationAssessment {
  organisation: string;
  startedAt: string;
  durationMs: number;
  score: number;
  grade: Grade;
  targets: TargetAssessment[];
}

/** `--json` / API shape of one target (issue 3). */
export interface RenderedTarget {
  target: string;
  kind: TargetKind;
  name?: string;
  score: number;
  grade: Grade;
  startedAt: string;
  durationMs: number;
  categories: CategoryScore[];
  cap?: GradeCap;
  errors: string[];
  checks: RenderedCheck[];
}

export interface RenderedOrganisation {
  organisation: string;
  score: number;
  grade: Grade;
  startedAt: string;
  durationMs: number;
  targets: RenderedTarget[];
}

export interface RenderOptions {
  locale: Locale;
}
