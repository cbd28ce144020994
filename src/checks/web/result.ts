/**
 * Shared helpers of the web checks: building results that carry the Observatory modifier, error
 * results, and reading facts out of `WebEvidence` the same way in every check.
 */
import type { FinalPage, ProbeFailure, RedirectChain, WebEvidence } from '../../probes/http/types.js';
import { type CheckResult, type CheckStatus, type LocalizedText, NO_REMEDIATION, type ScoreCategory, type Severity, text } from '../types.js';

export const OBSERVATORY_DOCS = 'https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring';

export interface WebResultInput {
  id: string;
  status: CheckStatus;
  severity: Severity;
  title: LocalizedText;
  detail: LocalizedText;
  evidence: Record<string, unknown>;
  remediation?: LocalizedText;
  references: string[];
  category: ScoreCategory;
  /**
   * The score modifier in MDN HTTP Observatory style (start at 100, add each modifier; bonuses
   * count only when the penalty-only score is ≥ 90). 0 for checks the Observatory does not have.
   */
  modifier?: number;
  /** The Observatory result name the modifier comes from, when there is one. */
  observatoryTest?: string;
  subject?: string;
}

export function webResult(input: WebResultInput): CheckResult {
  const evidence: Record<string, unknown> = { ...input.evidence, observatoryModifier: input.modifier ?? 0 };
  if (input.observatoryTest) evidence.observatoryTest = input.observatoryTest;
  const result: CheckResult = {
    id: input.id,
    status: input.status,
    severity: input.status === 'pass' ? 'info' : input.severity,
    title: input.title,
    detail: input.detail,
    evidence,
    remediation: input.status === 'pass' ? NO_REMEDIATION : (input.remediation ?? NO_REMEDIATION),
    references: input.references,
    category: input.category,
  };
  if (input.subject) result.subject = input.subject;
  return result;
}

/** The check could not be judged: say why (the probe's reason), never guess. */
export function errorResult(
  id: string,
  title: LocalizedText,
  category: ScoreCategory,
  reason: ProbeFailure | string,
  references: string[],
  evidence: Record<string, unknown> = {},
): CheckResult {
  const failure = typeof reason === 'string' ? { code: 'other', message: reason } : reason;
  return webResult({
    id,
    status: 'error',
    severity: 'info',
    title,
    detail: text(`Không đánh giá được: ${failure.message} (${failure.code}).`, `Could not be assessed: ${failure.message} (${failure.code}).`),
    evidence: { ...evidence, error: failure },
    references,
    category,
  });
}

/** Why the final page's headers are unknown, or undefined when they are known. */
export function headersUnavailable(page: FinalPage): ProbeFailure | undefined {
  if (page.status !== undefined) return undefined;
  return page.error ?? { code: 'other', message: 'the page gave no answer' };
}

/**
 * Why the final page's body cannot be judged, or undefined when it was read. A body cut short by
 * a stall or a timeout is not judged (what was not read could hold the script without SRI); a
 * body cut at the size cap is judged on what was read, and says so.
 */
export function bodyUnavailable(page: FinalPage): ProbeFailure | undefined {
  return headersUnavailable(page) ?? page.error;
}

export function isHttps(url: string): boolean {
  return url.startsWith('https://');
}

/** The endpoints (http, https) of the target's own host among the four pshtt endpoints. */
export function ownEndpoints(evidence: WebEvidence): {
  http?: RedirectChain;
  https?: RedirectChain;
  siblingHttp?: RedirectChain;
  siblingHttps?: RedirectChain;
} {
  const own = evidence.host.toLowerCase().startsWith('www.') ? 'www' : 'apex';
  const sibling = own === 'www' ? 'apex' : 'www';
  const find = (label: string): RedirectChain | undefined => evidence.endpoints.find((e) => e.label === label);
  const out: { http?: RedirectChain; https?: RedirectChain; siblingHttp?: RedirectChain; siblingHttps?: RedirectChain } = {};
  const http = find(`http-${own}`);
  const https = find(`https-${own}`);
  const siblingHttp = find(`http-${sibling}`);
  const siblingHttps = find(`https-${sibling}`);
  if (http) out.http = http;
  if (https) out.https = https;
  if (siblingHttp) out.siblingHttp = siblingHttp;
  if (siblingHttps) out.siblingHttps = siblingHttps;
  return out;
}

/** Shorten header values for evidence. */
export function clip(value: string | undefined, max = 300): string | undefined {
  if (value === undefined) return undefined;
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
