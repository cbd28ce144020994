import type { LookupEvidence } from '../../../probes/mail-dns.js';
import { type CheckResult, type CheckStatus, type LocalizedText, NO_REMEDIATION, type ScoreCategory, type Severity, text } from '../../types.js';

export interface ResultSpec {
  id: string;
  category: ScoreCategory;
  title: LocalizedText;
  references: string[];
}

/** Build a result; passes carry no remediation. */
export function result(
  spec: ResultSpec,
  status: CheckStatus,
  severity: Severity,
  detail: LocalizedText,
  evidence: Record<string, unknown>,
  remediation: LocalizedText = NO_REMEDIATION,
  subject?: string,
): CheckResult {
  return {
    id: spec.id,
    status,
    severity: status === 'pass' || status === 'info' ? 'info' : severity,
    title: spec.title,
    detail,
    evidence,
    remediation: status === 'pass' ? NO_REMEDIATION : remediation,
    references: spec.references,
    category: spec.category,
    ...(subject ? { subject } : {}),
  };
}

const FAILED = new Set(['timeout', 'servfail', 'refused', 'malformed', 'error']);

/** Whether a lookup failed (as opposed to answering, even with "nothing here"). */
export function lookupFailed(lookup: LookupEvidence | undefined): boolean {
  return lookup !== undefined && FAILED.has(lookup.outcome);
}

/** The `error` result for a check whose lookup failed, naming the lookup and the reason. */
export function lookupError(spec: ResultSpec, lookup: LookupEvidence, evidence: Record<string, unknown> = {}): CheckResult {
  const why = `${lookup.type} ${lookup.name}: ${lookup.outcome}${lookup.reason ? ` (${lookup.reason})` : ''}`;
  return result(
    spec,
    'error',
    'medium',
    text(`Không kiểm tra được: truy vấn DNS ${why}`, `Could not check: DNS query ${why}`),
    { lookup, ...evidence },
    text(
      'Kiểm tra lại resolver (--resolver) và máy chủ DNS có thẩm quyền của tên miền rồi chạy lại.',
      'Check the resolver (--resolver) and the domain’s authoritative DNS servers, then run again.',
    ),
  );
}
