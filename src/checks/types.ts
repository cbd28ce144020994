/**
 * A check is a pure function from collected evidence to results with stable ids (the catalogue's
 * ids: docs/checks.md; published — never rename one). Text a person reads is bilingual; the
 * adapters pick the language (Vietnamese first).
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'info' | 'error';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface LocalizedText {
  vi: string;
  en: string;
}

export interface CheckResult {
  /** Stable id from the catalogue, e.g. `mail.spf.all`, `web.hsts`, `web.exposure.git`. */
  id: string;
  status: CheckStatus;
  severity: Severity;
  title: LocalizedText;
  /** What was found, concretely (values, counts, hosts). */
  detail: LocalizedText;
  /** The raw facts behind the verdict (records, headers, handshake parameters…), JSON-safe. */
  evidence: Record<string, unknown>;
  /** What to change, naming the concrete config (DNS record, nginx/Apache/IIS/Postfix/Exchange setting). Empty on pass. */
  remediation: LocalizedText;
  references: string[];
  /** Scoring category (docs/scoring.md). */
  category: ScoreCategory;
  /** Which host/endpoint the result is about when a target has several (MX hosts, www/apex…). */
  subject?: string;
}

export type ScoreCategory = 'mail-auth' | 'mail-transport' | 'dns' | 'web-tls' | 'web-headers' | 'exposure';

export type Locale = 'vi' | 'en';

export function text(vi: string, en: string): LocalizedText {
  return { vi, en };
}

export const NO_REMEDIATION: LocalizedText = { vi: '', en: '' };

/** A check's result rendered in one language, as `--json` and the API print it. */
export interface RenderedCheck {
  id: string;
  status: CheckStatus;
  severity: Severity;
  title: string;
  detail: string;
  evidence: Record<string, unknown>;
  remediation: string;
  references: string[];
  category: ScoreCategory;
  subject?: string;
}

export function renderCheck(result: CheckResult, locale: Locale): RenderedCheck {
  return {
    id: result.id,
    status: result.status,
    severity: result.severity,
    title: result.title[locale],
    detail: result.detail[locale],
    evidence: result.evidence,
    remediation: result.remediation[locale],
    references: result.references,
    category: result.category,
    ...(result.subject ? { subject: result.subject } : {}),
  };
}
