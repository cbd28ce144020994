import { CATALOGUE, CATEGORY_INFO } from '../../checks/catalogue.js';
import type { CheckResult, CheckStatus, ScoreCategory, Severity } from '../../checks/types.js';
import type { TlsEvidence } from '../../probes/tls/types.js';

/**
 * The scoring model (docs/scoring.md). Pure: check results in, scores out.
 *
 * - Points categories (mail-auth, mail-transport, dns, web-tls, exposure), after internet.nl:
 *   every sub-test that can fail is worth full/half/little points (10/5/2) by its severity; a
 *   pass earns them all, a warning half, a fail or an error none; `info` results do not count.
 *   A check reported once per subject (each MX, apex and www) counts once, at its worst status.
 *   Category score = earned / max × 100.
 * - web-headers, after the MDN HTTP Observatory: start at 100, add every result's
 *   `evidence.observatoryModifier`; bonuses (positive modifiers) count only when the
 *   penalty-only score is ≥ 90; Observatory grade bands.
 * - web-tls is additionally capped after SSL Labs (F / T / M / C / B rules), see `tlsGradeCap`.
 * - Overall = mean of the categories that have at least one counted sub-test; its grade is the
 *   band of that mean, capped by the worst category cap.
 * - A target none of whose checks reached a verdict (every one `error`: DNS unreachable, host
 *   down) is "không đánh giá được / not assessed": no score and no grade, rather than F·0, and it
 *   stays out of the organisation's mean (which says how many it left out).
 */

export const GRADES = ['A+', 'A', 'A-', 'B+', 'B', 'B-', 'C+', 'C', 'C-', 'D+', 'D', 'D-', 'F'] as const;
export type Grade = (typeof GRADES)[number];

/** Observatory grade bands (lower bound of each grade). */
const GRADE_BANDS: [number, Grade][] = [
  [100, 'A+'],
  [90, 'A'],
  [85, 'A-'],
  [80, 'B+'],
  [70, 'B'],
  [65, 'B-'],
  [60, 'C+'],
  [50, 'C'],
  [45, 'C-'],
  [40, 'D+'],
  [30, 'D'],
  [25, 'D-'],
];

export function gradeForScore(score: number): Grade {
  for (const [lower, grade] of GRADE_BANDS) if (score >= lower) return grade;
  return 'F';
}

/** The worse of two grades. */
export function worseGrade(a: Grade, b: Grade): Grade {
  return GRADES.indexOf(a) >= GRADES.indexOf(b) ? a : b;
}

export const CATEGORIES: ScoreCategory[] = CATEGORY_INFO.map((c) => c.id);

export const SEVERITY_POINTS: Record<Severity, number> = { critical: 10, high: 10, medium: 5, low: 2, info: 0 };

/**
 * Points per sub-test, fixed per check id as internet.nl fixes them per test (a result's own
 * severity describes its finding — a pass is usually `info` — so it cannot carry the weight).
 * full = 10: what the directive and every anchor insist on; half = 5: hardening that peers
 * score less; little = 2: hygiene. The catalogue holds them (`points`); ids without points weigh by
 * their result's severity (at least 5).
 */
export const SUB_TEST_POINTS: Readonly<Record<string, 10 | 5 | 2>> = Object.fromEntries(
  CATALOGUE.flatMap((entry) => (entry.points === null ? [] : [[entry.id, entry.points] as const])),
);

export function subTestPoints(id: string, severity: Severity): number {
  return SUB_TEST_POINTS[id] ?? Math.max(5, SEVERITY_POINTS[severity]);
}

const STATUS_RANK: Record<CheckStatus, number> = { info: 0, pass: 1, warn: 2, error: 3, fail: 4 };
const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function worseStatus(a: CheckStatus, b: CheckStatus): CheckStatus {
  return STATUS_RANK[a] >= STATUS_RANK[b] ? a : b;
}

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

export function statusRank(status: CheckStatus): number {
  return STATUS_RANK[status];
}

/** Letter grades of SSL Labs that are not on the A+…F scale, kept to explain a cap. */
export type TlsCapReason = 'F' | 'T' | 'M' | 'C' | 'B' | 'A';

export interface GradeCap {
  /** The highest grade the category may get. */
  grade: Grade;
  /** SSL Labs' letter for the rule (T = trust, M = name mismatch…). */
  sslLabs: TlsCapReason;
  reasons: string[];
}

export interface CategoryScore {
  category: ScoreCategory;
  score: number;
  grade: Grade;
  /** Points model only. */
  earned?: number;
  max?: number;
  /** Observatory model only: penalty-only score and the bonuses applied. */
  observatory?: { penaltyScore: number; bonus: number; rawScore: number };
  cap?: GradeCap;
  counted: number;
}

export interface ScoreReport {
  /** False when no check reached a verdict: then score and grade are null. */
  assessed: boolean;
  score: number | null;
  grade: Grade | null;
  categories: CategoryScore[];
  cap?: GradeCap;
}

/** Statuses that are a verdict on the target (error says nothing; info is a note). */
const VERDICTS: ReadonlySet<CheckStatus> = new Set(['pass', 'warn', 'fail']);

/**
 * Whether the results say anything about the target: at least one check passed, warned or failed.
 * A target whose checks all ended in `error` (or that only has notes) could not be assessed.
 */
export function isAssessed(results: Pick<CheckResult, 'status'>[]): boolean {
  return results.some((r) => VERDICTS.has(r.status));
}

/** One sub-test per check id: the worst status over its subjects, the highest severity. */
export function collapseSubTests(results: CheckResult[]): { id: string; status: CheckStatus; severity: Severity; category: ScoreCategory }[] {
  const byId = new Map<string, { id: string; status: CheckStatus; severity: Severity; category: ScoreCategory }>();
  for (const result of results) {
    const status = result.status;
    const known = byId.get(result.id);
    if (!known) {
      byId.set(result.id, { id: result.id, status, severity: result.severity, category: result.category });
      continue;
    }
    known.status = worseStatus(known.status, status);
    if (SEVERITY_RANK[result.severity] > SEVERITY_RANK[known.severity]) known.severity = result.severity;
  }
  return [...byId.values()];
}

/**
 * The Observatory modifier a result carries. The checks own the value: a report-only CSP gets
 * −15 from `checkCsp` (between "missing" −25 and "unsafe-inline" −20), not the Observatory's −25.
 */
export function observatoryModifier(result: CheckResult): number | undefined {
  const raw = result.evidence?.observatoryModifier;
  return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
}

export function observatoryScore(results: CheckResult[]): { penaltyScore: number; bonus: number; rawScore: number; counted: number } {
  let penalties = 0;
  let bonus = 0;
  let counted = 0;
  // A modifier applies once per check id (apex and www report the same header check): the worst.
  const perId = new Map<string, number>();
  for (const result of results) {
    const modifier = observatoryModifier(result);
    // A check that could not run says nothing about the headers (scoreResults handles errors).
    if (modifier === undefined || result.status === 'error') continue;
    const known = perId.get(result.id);
    perId.set(result.id, known === undefined ? modifier : Math.min(known, modifier));
  }
  for (const modifier of perId.values()) {
    counted++;
    if (modifier < 0) penalties += modifier;
    else bonus += modifier;
  }
  const penaltyScore = Math.max(0, 100 + penalties);
  const rawScore = penaltyScore >= 90 ? penaltyScore + bonus : penaltyScore;
  return { penaltyScore, bonus: penaltyScore >= 90 ? bonus : 0, rawScore, counted };
}

export function pointsScore(results: CheckResult[]): { earned: number; max: number; counted: number } {
  let earned = 0;
  let max = 0;
  let counted = 0;
  for (const sub of collapseSubTests(results)) {
    const points = subTestPoints(sub.id, sub.severity);
    if (sub.status === 'info') continue;
    counted++;
    max += points;
    if (sub.status === 'pass') earned += points;
    else if (sub.status === 'warn') earned += points / 2;
  }
  return { earned, max, counted };
}

/**
 * Facts SSL Labs caps a TLS grade on, normalised from the TLS evidence (`tlsFactsFromResults`).
 * Unknown facts are undefined and cap nothing.
 */
export interface TlsFacts {
  protocols?: Partial<Record<'SSLv2' | 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3', boolean>>;
  /** Export, NULL or < 112-bit ciphers accepted. */
  weakCiphers?: boolean;
  aead?: boolean;
  forwardSecrecy?: boolean;
  certificate?: {
    trusted?: boolean;
    expired?: boolean;
    selfSigned?: boolean;
    revoked?: boolean;
    hostnameMatch?: boolean;
    keyType?: string;
    keyBits?: number;
    /** e.g. sha256, sha1, md5 */
    signatureHash?: string;
  };
  /** HSTS max-age in seconds when the site sends one. */
  hstsMaxAge?: number;
  /** Any TLS result that is a warning. */
  warnings?: boolean;
}

/** SSL Labs' caps (as testssl.sh implements them), mapped onto the A+…F scale. */
export function tlsGradeCap(facts: TlsFacts): GradeCap | undefined {
  const caps: GradeCap[] = [];
  const add = (grade: Grade, sslLabs: TlsCapReason, reason: string) => caps.push({ grade, sslLabs, reasons: [reason] });
  const p = facts.protocols ?? {};
  const cert = facts.certificate ?? {};
  if (p.SSLv2) add('F', 'F', 'SSLv2 offered');
  if (facts.weakCiphers) add('F', 'F', 'export, NULL or < 112-bit ciphers accepted');
  if (cert.signatureHash && /md5/i.test(cert.signatureHash)) add('F', 'F', 'MD5 certificate signature');
  // T and M: SSL Labs shows "T"/"M" (not trusted / mismatch); on the A+…F scale that is a failure.
  if (cert.trusted === false) add('F', 'T', 'certificate chain not trusted');
  if (cert.expired) add('F', 'T', 'certificate expired');
  if (cert.selfSigned) add('F', 'T', 'self-signed certificate');
  if (cert.revoked) add('F', 'T', 'certificate revoked');
  if (cert.signatureHash && /sha-?1$/i.test(cert.signatureHash)) add('F', 'T', 'SHA-1 certificate signature');
  if (cert.hostnameMatch === false) add('F', 'M', 'certificate name does not match the host');
  // "No TLS 1.2" means nothing as good: a TLS 1.3-only endpoint is not capped.
  if (p['TLSv1.2'] === false && p['TLSv1.3'] !== true) add('C', 'C', 'neither TLS 1.2 nor TLS 1.3 supported');
  if (p.SSLv3) add('B', 'B', 'SSLv3 offered');
  if (p.TLSv1) add('B', 'B', 'TLS 1.0 offered');
  if (p['TLSv1.1']) add('B', 'B', 'TLS 1.1 offered');
  if (facts.aead === false) add('B', 'B', 'no AEAD cipher suites');
  if (facts.forwardSecrecy === false) add('B', 'B', 'no forward secrecy');
  if (cert.keyBits !== undefined && (cert.keyType ?? 'rsa').toLowerCase().startsWith('rsa') && cert.keyBits < 2048)
    add('B', 'B', `RSA key of ${cert.keyBits} bits`);
  if (caps.length === 0) {
    const longHsts = (facts.hstsMaxAge ?? 0) >= 31_536_000;
    if (!longHsts || facts.warnings) {
      return { grade: 'A', sslLabs: 'A', reasons: [longHsts ? 'warnings present' : 'A+ needs HSTS with max-age ≥ 1 year'] };
    }
    return undefined;
  }
  let worst = caps[0]!;
  for (const cap of caps) if (GRADES.indexOf(cap.grade) > GRADES.indexOf(worst.grade)) worst = cap;
  const sameGrade = caps.filter((cap) => cap.grade === worst.grade);
  return { grade: worst.grade, sslLabs: worst.sslLabs, reasons: sameGrade.flatMap((cap) => cap.reasons) };
}

/**
 * Read the TLS facts from the web.tls.* results' evidence. The TLS checks put the handshake facts
 * they judged into their evidence; this accepts the common spellings so a cap never silently
 * disappears because of a field name (unknown → no cap from that fact).
 */
export function tlsFactsFromResults(results: CheckResult[]): TlsFacts {
  const facts: TlsFacts = {};
  for (const result of results) {
    const e = (result.evidence ?? {}) as Record<string, unknown>;
    if (result.id.endsWith('.protocols')) {
      const offered = readProtocols(e);
      if (offered) facts.protocols = { ...facts.protocols, ...offered };
    } else if (result.id.endsWith('.ciphers')) {
      if (typeof e.weakCiphers === 'boolean') facts.weakCiphers = e.weakCiphers;
      else if (Array.isArray(e.weakCiphers)) facts.weakCiphers = e.weakCiphers.length > 0;
      if (typeof e.aead === 'boolean') facts.aead = e.aead;
      if (typeof e.forwardSecrecy === 'boolean') facts.forwardSecrecy = e.forwardSecrecy;
    } else if (result.id.endsWith('.certificate')) {
      const c = (typeof e.certificate === 'object' && e.certificate ? e.certificate : e) as Record<string, unknown>;
      facts.certificate = {
        ...(typeof c.trusted === 'boolean' ? { trusted: c.trusted } : {}),
        ...(typeof c.expired === 'boolean' ? { expired: c.expired } : {}),
        ...(typeof c.selfSigned === 'boolean' ? { selfSigned: c.selfSigned } : {}),
        ...(typeof c.revoked === 'boolean' ? { revoked: c.revoked } : {}),
        ...(typeof c.hostnameMatch === 'boolean' ? { hostnameMatch: c.hostnameMatch } : {}),
        ...(typeof c.keyType === 'string' ? { keyType: c.keyType } : {}),
        ...(typeof c.keyBits === 'number' ? { keyBits: c.keyBits } : {}),
        ...(typeof c.signatureHash === 'string' ? { signatureHash: c.signatureHash } : {}),
      };
    } else if (result.id === 'web.hsts') {
      if (typeof e.maxAge === 'number') facts.hstsMaxAge = e.maxAge;
    }
    if (result.id.startsWith('web.tls') && result.status === 'warn') facts.warnings = true;
  }
  return facts;
}

function readProtocols(e: Record<string, unknown>): TlsFacts['protocols'] | undefined {
  const source = e.protocols ?? e.versions;
  if (Array.isArray(source)) {
    // A list of accepted versions: everything listed is offered, the rest is not.
    const names = source.map(String);
    const all = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
    return Object.fromEntries(all.map((name) => [name, names.includes(name) || (name === 'TLSv1' && names.includes('TLSv1.0'))]));
  }
  if (source && typeof source === 'object') {
    const map: Record<string, boolean> = {};
    for (const [key, value] of Object.entries(source)) {
      if (typeof value === 'boolean') map[key === 'TLSv1.0' ? 'TLSv1' : key] = value;
      else if (value && typeof value === 'object' && typeof (value as { accepted?: unknown }).accepted === 'boolean') {
        map[key === 'TLSv1.0' ? 'TLSv1' : key] = (value as { accepted: boolean }).accepted;
      }
    }
    return map;
  }
  return undefined;
}

/**
 * The cap facts straight from the TLS probe's evidence of the web endpoint (preferred over
 * reading them back from check results). SSLv2/SSLv3 are `not-testable` with Node's OpenSSL and
 * cap nothing; 3DES/RC4/export suites this OpenSSL cannot offer are likewise unknown.
 */
export function tlsFactsFromEvidence(evidence: TlsEvidence, hstsMaxAge?: number): TlsFacts {
  const offered = (version: keyof TlsEvidence['protocols']): boolean | undefined => {
    const support = evidence.protocols[version];
    return support === 'accepted' ? true : support === 'rejected' ? false : undefined;
  };
  const protocols: NonNullable<TlsFacts['protocols']> = {};
  for (const version of ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const) {
    const value = offered(version);
    if (value !== undefined) protocols[version] = value;
  }
  const suites = evidence.ciphers.flatMap((v) => v.suites);
  const facts: TlsFacts = { protocols };
  if (suites.length > 0) {
    facts.weakCiphers = suites.some((s) => s.strength === 'insecure' || s.bits < 112);
    facts.aead = suites.some((s) => s.aead);
    facts.forwardSecrecy = suites.some((s) => s.forwardSecrecy);
  }
  const cert = evidence.certificate;
  const leaf = cert?.chain[0];
  if (cert) {
    const expired = leaf ? Date.parse(leaf.notAfter) < Date.parse(cert.observedAt) : undefined;
    facts.certificate = {
      trusted: cert.trusted,
      hostnameMatch: cert.hostnameMatches,
      ...(expired !== undefined ? { expired } : {}),
      ...(leaf ? { selfSigned: leaf.selfSigned, keyType: leaf.keyType } : {}),
      ...(leaf?.keyBits !== undefined ? { keyBits: leaf.keyBits } : {}),
      ...(leaf?.signatureHash ? { signatureHash: leaf.signatureHash } : {}),
    };
  }
  if (hstsMaxAge !== undefined) facts.hstsMaxAge = hstsMaxAge;
  return facts;
}

/** Score one target's results. `tlsFacts` (from the TLS evidence) caps the web-tls grade. */
export function scoreResults(results: CheckResult[], options: { tlsFacts?: TlsFacts } = {}): ScoreReport {
  // Scoring an unreachable target would grade the network, not the target: F·0 misleads.
  if (!isAssessed(results)) return { assessed: false, score: null, grade: null, categories: [] };
  const categories: CategoryScore[] = [];
  for (const category of CATEGORIES) {
    const inCategory = results.filter((r) => r.category === category);
    if (category === 'web-headers') {
      // The Observatory model reads every result that carries a modifier (redirection and HSTS
      // count in the Observatory score too), whatever category the check itself belongs to.
      const observatory = observatoryScore(results);
      if (observatory.counted === 0 && !inCategory.some((r) => r.status === 'error')) {
        const points = pointsScore(inCategory);
        if (points.counted > 0) categories.push(pointsCategory(category, points));
        continue;
      }
      // Errors cannot earn the Observatory's benefit of the doubt: with any web-headers check
      // unverified, the category gets the lower of the Observatory and the points score.
      const points = pointsScore(inCategory);
      const hasErrors = inCategory.some((r) => r.status === 'error');
      const pointsPercent = points.max === 0 ? 0 : Math.round((points.earned / points.max) * 100);
      const raw = hasErrors ? Math.min(observatory.counted === 0 ? 0 : observatory.rawScore, pointsPercent) : observatory.rawScore;
      categories.push({
        category,
        score: clampScore(raw),
        grade: gradeForScore(raw),
        observatory: { penaltyScore: observatory.penaltyScore, bonus: observatory.bonus, rawScore: observatory.rawScore },
        counted: observatory.counted,
      });
      continue;
    }
    const points = pointsScore(inCategory);
    if (points.counted === 0) continue;
    const scored = pointsCategory(category, points);
    if (category === 'web-tls') {
      const tlsResults = results.filter((r) => r.id.startsWith('web.tls') || r.id === 'web.hsts');
      const fromResults = tlsFactsFromResults(tlsResults);
      const facts = options.tlsFacts ? { ...fromResults, ...options.tlsFacts, warnings: fromResults.warnings } : fromResults;
      if (options.tlsFacts && options.tlsFacts.hstsMaxAge === undefined && fromResults.hstsMaxAge !== undefined) facts.hstsMaxAge = fromResults.hstsMaxAge;
      const cap = tlsGradeCap(facts);
      if (cap) {
        scored.cap = cap;
        scored.grade = worseGrade(scored.grade, cap.grade);
      }
    }
    categories.push(scored);
  }
  if (categories.length === 0) return { assessed: true, score: 0, grade: 'F', categories };
  const mean = categories.reduce((sum, c) => sum + c.score, 0) / categories.length;
  const score = Math.round(mean);
  let grade = gradeForScore(score);
  let cap: GradeCap | undefined;
  for (const c of categories) {
    if (c.cap && GRADES.indexOf(c.cap.grade) > GRADES.indexOf(grade)) {
      cap = c.cap;
      grade = c.cap.grade;
    }
  }
  return cap ? { assessed: true, score, grade, categories, cap } : { assessed: true, score, grade, categories };
}

function pointsCategory(category: ScoreCategory, points: { earned: number; max: number; counted: number }): CategoryScore {
  const score = points.max === 0 ? 100 : Math.round((points.earned / points.max) * 100);
  return { category, score, grade: gradeForScore(score), earned: points.earned, max: points.max, counted: points.counted };
}

function clampScore(score: number): number {
  return Math.max(0, Math.min(100, Math.round(score)));
}

export interface OrganisationScore {
  /** Null when no target could be assessed (or there were none). */
  score: number | null;
  grade: Grade | null;
  /** Targets in the mean. */
  assessed: number;
  /** Targets left out of the mean because they could not be assessed. */
  notAssessed: number;
}

/**
 * Mean score and grade over the targets that could be assessed (the organisation's posture); the
 * others are counted, not averaged in as zeros, so one unreachable host does not sink the mean.
 */
export function scoreOrganisation(targets: { score: number | null; assessed?: boolean }[]): OrganisationScore {
  const scored = targets.filter((t): t is { score: number; assessed?: boolean } => t.assessed !== false && t.score !== null);
  const notAssessed = targets.length - scored.length;
  if (scored.length === 0) return { score: null, grade: null, assessed: 0, notAssessed };
  const score = Math.round(scored.reduce((sum, t) => sum + t.score, 0) / scored.length);
  return { score, grade: gradeForScore(score), assessed: scored.length, notAssessed };
}
