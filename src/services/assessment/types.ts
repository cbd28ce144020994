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
  /** Mean over the assessed targets; null when none could be assessed. */
  score: number | null;
  grade: Grade | null;
  /** Targets left out of the mean because they could not be assessed. */
  notAssessed: number;
  targets: TargetAssessment[];
}

/** `--json` / API shape of one target (issue 3). */
export interface RenderedTarget {
  target: string;
  kind: TargetKind;
  name?: string;
  /**
   * False: "không đánh giá được / not assessed" — no check reached a verdict (all `error`), so
   * score and grade are null and the errors say why.
   */
  assessed: boolean;
  score: number | null;
  grade: Grade | null;
  startedAt: string;
  durationMs: number;
  categories: CategoryScore[];
  cap?: GradeCap;
  errors: string[];
  checks: RenderedCheck[];
}

export interface RenderedOrganisation {
  organisation: string;
  /** Mean over the assessed targets; null when none could be assessed. */
  score: number | null;
  grade: Grade | null;
  /** How many targets the mean left out (not assessed). */
  notAssessed: number;
  startedAt: string;
  durationMs: number;
  targets: RenderedTarget[];
}

export interface RenderOptions {
  locale: Locale;
}
