/**
 * Security headers of the final page, judged like MDN's HTTP Observatory (same modifiers), with
 * the Observatory's gap closed: a Content-Security-Policy-Report-Only policy is reported as
 * report-only (warn, with the policy itself analysed), not as a missing CSP.
 */
import type { WebEvidence } from '../../probes/http/types.js';
import { type CheckResult, type LocalizedText, text } from '../types.js';
import { OBSERVATORY_DOCS, clip, errorResult, headersUnavailable, webResult } from './result.js';
import { checkSpec } from '../catalogue.js';

const MDN = 'https://developer.mozilla.org/docs/Web/HTTP/Headers/';

function fix(header: string, value: string, viWhy: string, enWhy: string): LocalizedText {
  return text(
    `${viWhy} nginx: \`add_header ${header} "${value}" always;\`. Apache: \`Header always set ${header} "${value}"\`. IIS (web.config): \`<system.webServer><httpProtocol><customHeaders><add name="${header}" value="${value.replace(/"/g, '&quot;')}" /></customHeaders></httpProtocol></system.webServer>\`.`,
    `${enWhy} nginx: \`add_header ${header} "${value}" always;\`. Apache: \`Header always set ${header} "${value}"\`. IIS (web.config): \`<system.webServer><httpProtocol><customHeaders><add name="${header}" value="${value.replace(/"/g, '&quot;')}" /></customHeaders></httpProtocol></system.webServer>\`.`,
  );
}

// ---------------------------------------------------------------- CSP

export type CspPolicy = Map<string, string[]>;

/** One policy: `directive value value; directive …` (names lower-cased, first occurrence wins as browsers do). */
export function parseCspPolicy(policy: string): CspPolicy {
  const directives: CspPolicy = new Map();
  for (const part of policy.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const name = tokens.shift()?.toLowerCase();
    if (!name || directives.has(name)) continue;
    directives.set(name, tokens);
  }
  return directives;
}

export interface CspAnalysis {
  policies: string[];
  /** Scripts: inline allowed (no nonce/hash/strict-dynamic neutralising 'unsafe-inline', or no script restriction at all). */
  unsafeInline: boolean;
  unsafeEval: boolean;
  /** script-src/object-src allow http:, *, https:, data: or an http:// source. */
  insecureSchemeActive: boolean;
  /** img/media/font sources allow http:. */
  insecureSchemePassive: boolean;
  defaultNone: boolean;
  styleUnsafeInline: boolean;
  frameAncestors?: string[];
  problems: string[];
  /** The same problems in Vietnamese. */
  problemsVi: string[];
}

const BROAD = new Set(['*', 'http:', 'https:', 'data:', 'blob:', 'filesystem:']);

function scriptSources(policy: CspPolicy): string[] | undefined {
  return policy.get('script-src-elem') ?? policy.get('script-src') ?? policy.get('default-src');
}

/** Several policies are all enforced: something is allowed only if every policy allows it. */
export function analyseCsp(policies: string[]): CspAnalysis {
  const parsed = policies.map(parseCspPolicy);
  const per = parsed.map((policy) => {
    const scripts = scriptSources(policy);
    const lower = scripts?.map((s) => s.toLowerCase());
    const neutralised = lower?.some((s) => s.startsWith("'nonce-") || s.startsWith("'sha") || s === "'strict-dynamic'") ?? false;
    const objects = policy.get('object-src') ?? policy.get('default-src');
    const passive = [...(policy.get('img-src') ?? policy.get('default-src') ?? []), ...(policy.get('media-src') ?? [])];
    const styles = (policy.get('style-src') ?? policy.get('default-src'))?.map((s) => s.toLowerCase());
    return {
      unsafeInline: lower === undefined || (lower.includes("'unsafe-inline'") && !neutralised),
      unsafeEval: lower === undefined || lower.includes("'unsafe-eval'"),
      insecureActive:
        lower === undefined ||
        lower.some((s) => (BROAD.has(s) && !neutralisesBroad(lower)) || s.startsWith('http://')) ||
        (objects === undefined ? false : objects.some((s) => BROAD.has(s.toLowerCase()) || s.toLowerCase().startsWith('http://'))),
      insecurePassive: passive.some((s) => s.toLowerCase() === 'http:' || s.toLowerCase().startsWith('http://') || s === '*'),
      defaultNone: (policy.get('default-src') ?? []).map((s) => s.toLowerCase()).join(' ') === "'none'",
      styleUnsafeInline: styles === undefined || styles.includes("'unsafe-inline'"),
      frameAncestors: policy.get('frame-ancestors'),
    };
  });
  const every = (key: keyof (typeof per)[number]): boolean => per.length > 0 && per.every((p) => Boolean(p[key]));
  const analysis: CspAnalysis = {
    policies,
    unsafeInline: every('unsafeInline'),
    unsafeEval: every('unsafeEval'),
    insecureSchemeActive: every('insecureActive'),
    insecureSchemePassive: every('insecurePassive'),
    defaultNone: per.some((p) => p.defaultNone),
    styleUnsafeInline: every('styleUnsafeInline'),
    problems: [],
    problemsVi: [],
  };
  const ancestors = per.find((p) => p.frameAncestors)?.frameAncestors;
  if (ancestors) analysis.frameAncestors = ancestors;
  if (analysis.unsafeInline) analysis.problems.push("script-src allows inline scripts ('unsafe-inline' or no script restriction)");
  if (analysis.unsafeEval) analysis.problems.push("script-src allows 'unsafe-eval'");
  if (analysis.insecureSchemeActive) analysis.problems.push('scripts or objects may load from any host or over http:');
  if (analysis.insecureSchemePassive) analysis.problems.push('images/media may load over http:');
  analysis.problemsVi = [
    ...(analysis.unsafeInline ? ["script-src cho phép script nội tuyến ('unsafe-inline' hoặc không giới hạn script)"] : []),
    ...(analysis.unsafeEval ? ["script-src cho phép 'unsafe-eval'"] : []),
    ...(analysis.insecureSchemeActive ? ['script hoặc object được tải từ bất kỳ máy nào hoặc qua http:'] : []),
    ...(analysis.insecureSchemePassive ? ['ảnh/media được tải qua http:'] : []),
  ];
  return analysis;
}

/** 'strict-dynamic' with a nonce/hash makes browsers ignore host and scheme sources. */
function neutralisesBroad(sources: string[]): boolean {
  return sources.includes("'strict-dynamic'") && sources.some((s) => s.startsWith("'nonce-") || s.startsWith("'sha"));
}

/** Observatory modifier and test name for an enforced policy. */
export function cspModifier(analysis: CspAnalysis): { modifier: number; test: string } {
  if (analysis.unsafeInline) return { modifier: -20, test: 'csp-implemented-with-unsafe-inline' };
  if (analysis.insecureSchemeActive) return { modifier: -20, test: 'csp-implemented-with-insecure-scheme' };
  if (analysis.unsafeEval) return { modifier: -10, test: 'csp-implemented-with-unsafe-eval' };
  if (analysis.insecureSchemePassive) return { modifier: -10, test: 'csp-implemented-with-insecure-scheme-in-passive-content-only' };
  if (analysis.styleUnsafeInline) return { modifier: 0, test: 'csp-implemented-with-unsafe-inline-in-style-src-only' };
  if (analysis.defaultNone) return { modifier: 10, test: 'csp-implemented-with-no-unsafe-default-src-none' };
  return { modifier: 5, test: 'csp-implemented-with-no-unsafe' };
}

/** A report-only CSP protects nothing yet but is being rolled out: vigil's modifier sits between "missing" (−25) and "unsafe-inline" (−20). */
export const REPORT_ONLY_MODIFIER = -15;

const CSP_TITLE = checkSpec('web.headers.csp').title;
const CSP_REFS = [`${MDN}Content-Security-Policy`, OBSERVATORY_DOCS, 'https://cheatsheetseries.owasp.org/cheatsheets/Content_Security_Policy_Cheat_Sheet.html'];
const CSP_FIX = fix(
  'Content-Security-Policy',
  "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'",
  "Ban hành CSP chặn script nội tuyến và nguồn lạ; bắt đầu bằng Content-Security-Policy-Report-Only để dò, rồi chuyển sang Content-Security-Policy. Script nội tuyến cần nonce hoặc hash thay cho 'unsafe-inline'.",
  "Enforce a CSP that blocks inline scripts and unknown sources; trial it as Content-Security-Policy-Report-Only, then switch to Content-Security-Policy. Inline scripts need a nonce or hash instead of 'unsafe-inline'.",
);

export function checkCsp(evidence: WebEvidence): CheckResult {
  const page = evidence.finalPage;
  const unavailable = headersUnavailable(page);
  if (unavailable) return errorResult('web.headers.csp', CSP_TITLE, 'web-headers', unavailable, CSP_REFS);
  const header = page.headers['content-security-policy'];
  const reportOnly = page.headers['content-security-policy-report-only'];
  const meta = page.html?.metaCsp ?? [];
  // Repeated headers are joined with ", " and each is a separate policy.
  const enforced = [...(header ? header.split(/,(?=\s*[a-z-]+\s)/i) : []), ...meta].map((p) => p.trim()).filter(Boolean);
  const base = { ...checkSpec('web.headers.csp'), references: CSP_REFS, remediation: CSP_FIX };
  const facts: Record<string, unknown> = {
    header: clip(header, 1000) ?? null,
    reportOnly: clip(reportOnly, 1000) ?? null,
    meta,
    url: page.url,
    loginPage: page.loginPage,
  };
  if (enforced.length > 0) {
    const analysis = analyseCsp(enforced);
    const { modifier, test } = cspModifier(analysis);
    facts.analysis = analysis;
    const status = modifier <= -20 ? 'fail' : modifier < 0 ? 'warn' : 'pass';
    const problemsVi = analysis.problemsVi.length ? ` Vấn đề: ${analysis.problemsVi.join('; ')}.` : '';
    return webResult({
      ...base,
      status,
      severity: status === 'fail' ? 'medium' : 'low',
      detail: text(
        status === 'pass' ? `CSP được áp dụng và không cho phép script nội tuyến hay nguồn không an toàn.` : `CSP có nhưng còn yếu.${problemsVi}`,
        status === 'pass' ? 'A CSP is enforced and allows no inline script or unsafe source.' : `A CSP is set but weak: ${analysis.problems.join('; ')}.`,
      ),
      evidence: facts,
      modifier,
      observatoryTest: test,
    });
  }
  if (reportOnly) {
    const analysis = analyseCsp(reportOnly.split(/,(?=\s*[a-z-]+\s)/i).map((p) => p.trim()));
    facts.analysis = analysis;
    const verdictVi = analysis.problems.length
      ? `Chính sách đang thử còn yếu: ${analysis.problemsVi.join('; ')}.`
      : 'Chính sách đang thử đã chặt, có thể chuyển sang chế độ áp dụng.';
    const verdictEn = analysis.problems.length
      ? `The policy under trial is weak: ${analysis.problems.join('; ')}.`
      : 'The policy under trial is strict and ready to enforce.';
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        `Chỉ có Content-Security-Policy-Report-Only: trình duyệt báo cáo vi phạm nhưng chưa chặn gì. ${verdictVi}`,
        `Only Content-Security-Policy-Report-Only is set: browsers report violations but block nothing yet. ${verdictEn}`,
      ),
      evidence: { ...facts, reportOnlyOnly: true, observatoryModifierUpstream: -25 },
      modifier: REPORT_ONLY_MODIFIER,
      observatoryTest: 'csp-not-implemented-but-reporting-enabled',
    });
  }
  return webResult({
    ...base,
    status: 'fail',
    severity: 'medium',
    detail: text(
      'Không có Content-Security-Policy: một lỗi XSS có thể chạy script tuỳ ý.',
      'No Content-Security-Policy: any XSS flaw can run arbitrary script.',
    ),
    evidence: facts,
    modifier: -25,
    observatoryTest: 'csp-not-implemented',
  });
}

// ---------------------------------------------------------------- X-Frame-Options

const XFO_TITLE = checkSpec('web.headers.x-frame-options').title;
const XFO_REFS = [`${MDN}X-Frame-Options`, `${MDN}Content-Security-Policy/frame-ancestors`, OBSERVATORY_DOCS];
const XFO_FIX = fix(
  'X-Frame-Options',
  'SAMEORIGIN',
  "Cấm trang bị nhúng vào site khác (clickjacking); tốt hơn nữa, thêm `frame-ancestors 'self'` vào CSP.",
  "Forbid other sites from framing the page (clickjacking); better still, add `frame-ancestors 'self'` to the CSP.",
);

export function checkXfo(evidence: WebEvidence): CheckResult {
  const page = evidence.finalPage;
  const unavailable = headersUnavailable(page);
  if (unavailable) return errorResult('web.headers.x-frame-options', XFO_TITLE, 'web-headers', unavailable, XFO_REFS);
  const xfo = page.headers['x-frame-options'];
  const csp = page.headers['content-security-policy'];
  const ancestors = csp ? analyseCsp([csp]).frameAncestors : undefined;
  const base = { ...checkSpec('web.headers.x-frame-options'), references: XFO_REFS, remediation: XFO_FIX };
  const facts = { header: xfo ?? null, frameAncestors: ancestors ?? null, url: page.url };
  if (ancestors) {
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text(`CSP frame-ancestors = ${ancestors.join(' ')}.`, `CSP frame-ancestors = ${ancestors.join(' ')}.`),
      evidence: facts,
      modifier: 5,
      observatoryTest: 'x-frame-options-implemented-via-csp',
    });
  }
  if (!xfo) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'medium',
      detail: text(
        'Không có X-Frame-Options hay CSP frame-ancestors: trang có thể bị nhúng để lừa nhấp chuột.',
        'Neither X-Frame-Options nor CSP frame-ancestors: the page can be framed for clickjacking.',
      ),
      evidence: facts,
      modifier: -20,
      observatoryTest: 'x-frame-options-not-implemented',
    });
  }
  const value = xfo.split(',')[0]!.trim().toUpperCase();
  if (value === 'DENY' || value === 'SAMEORIGIN') {
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text(`X-Frame-Options: ${value}.`, `X-Frame-Options: ${value}.`),
      evidence: facts,
      modifier: 0,
      observatoryTest: 'x-frame-options-sameorigin-or-deny',
    });
  }
  if (value.startsWith('ALLOW-FROM')) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        `X-Frame-Options: ${xfo} — ALLOW-FROM đã lỗi thời, trình duyệt hiện đại bỏ qua; dùng CSP frame-ancestors.`,
        `X-Frame-Options: ${xfo} — ALLOW-FROM is obsolete and ignored by modern browsers; use CSP frame-ancestors.`,
      ),
      evidence: facts,
      modifier: 0,
      observatoryTest: 'x-frame-options-allow-from-origin',
    });
  }
  return webResult({
    ...base,
    status: 'fail',
    severity: 'medium',
    detail: text(`Giá trị X-Frame-Options không hợp lệ: "${xfo}" (trình duyệt bỏ qua).`, `Invalid X-Frame-Options value "${xfo}" (browsers ignore it).`),
    evidence: facts,
    modifier: -20,
    observatoryTest: 'x-frame-options-header-invalid',
  });
}

// ---------------------------------------------------------------- X-Content-Type-Options

const XCTO_TITLE = checkSpec('web.headers.x-content-type-options').title;
const XCTO_REFS = [`${MDN}X-Content-Type-Options`, OBSERVATORY_DOCS];
const XCTO_FIX = fix(
  'X-Content-Type-Options',
  'nosniff',
  'Cấm trình duyệt đoán kiểu nội dung (MIME sniffing).',
  'Stop browsers from guessing content types (MIME sniffing).',
);

export function checkXcto(evidence: WebEvidence): CheckResult {
  const page = evidence.finalPage;
  const unavailable = headersUnavailable(page);
  if (unavailable) return errorResult('web.headers.x-content-type-options', XCTO_TITLE, 'web-headers', unavailable, XCTO_REFS);
  const value = page.headers['x-content-type-options'];
  const base = { ...checkSpec('web.headers.x-content-type-options'), references: XCTO_REFS, remediation: XCTO_FIX };
  const facts = { header: value ?? null, url: page.url };
  if (value?.split(',')[0]?.trim().toLowerCase() === 'nosniff') {
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text('X-Content-Type-Options: nosniff.', 'X-Content-Type-Options: nosniff.'),
      evidence: facts,
      modifier: 0,
      observatoryTest: 'x-content-type-options-nosniff',
    });
  }
  return webResult({
    ...base,
    status: 'fail',
    severity: 'low',
    detail: value
      ? text(`Giá trị không hợp lệ: "${value}" (chỉ chấp nhận nosniff).`, `Invalid value "${value}" (only nosniff is valid).`)
      : text('Thiếu X-Content-Type-Options: nosniff.', 'X-Content-Type-Options: nosniff is missing.'),
    evidence: facts,
    modifier: -5,
    observatoryTest: value ? 'x-content-type-options-header-invalid' : 'x-content-type-options-not-implemented',
  });
}

// ---------------------------------------------------------------- Referrer-Policy

const RP_TITLE = checkSpec('web.headers.referrer-policy').title;
const RP_REFS = [`${MDN}Referrer-Policy`, OBSERVATORY_DOCS];
const RP_FIX = fix(
  'Referrer-Policy',
  'strict-origin-when-cross-origin',
  'Không để lộ đường dẫn đầy đủ (có thể chứa mã phiên, tham số) cho site bên ngoài.',
  'Do not leak full URLs (which can carry tokens and parameters) to other sites.',
);
const PRIVATE_POLICIES = new Set(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']);
const VALID_POLICIES = new Set([...PRIVATE_POLICIES, 'no-referrer-when-downgrade', 'origin', 'origin-when-cross-origin', 'unsafe-url']);

export function checkReferrerPolicy(evidence: WebEvidence): CheckResult {
  const page = evidence.finalPage;
  const unavailable = headersUnavailable(page);
  if (unavailable) return errorResult('web.headers.referrer-policy', RP_TITLE, 'web-headers', unavailable, RP_REFS);
  const header = page.headers['referrer-policy'];
  const base = { ...checkSpec('web.headers.referrer-policy'), references: RP_REFS, remediation: RP_FIX };
  const facts = { header: header ?? null, url: page.url };
  if (!header) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        'Không có Referrer-Policy: trình duyệt hiện đại mặc định strict-origin-when-cross-origin, nhưng nên khai báo rõ.',
        'No Referrer-Policy: modern browsers default to strict-origin-when-cross-origin, but it should be explicit.',
      ),
      evidence: facts,
      modifier: 0,
      observatoryTest: 'referrer-policy-not-implemented',
    });
  }
  // Browsers use the last valid token of the (comma-separated) list.
  const tokens = header.split(',').map((t) => t.trim().toLowerCase());
  const effective = [...tokens].reverse().find((t) => VALID_POLICIES.has(t));
  if (!effective) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'low',
      detail: text(`Giá trị không hợp lệ: "${header}".`, `Invalid value "${header}".`),
      evidence: facts,
      modifier: -5,
      observatoryTest: 'referrer-policy-header-invalid',
    });
  }
  if (PRIVATE_POLICIES.has(effective)) {
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text(`Referrer-Policy: ${effective}.`, `Referrer-Policy: ${effective}.`),
      evidence: { ...facts, effective },
      modifier: 5,
      observatoryTest: 'referrer-policy-private',
    });
  }
  if (effective === 'no-referrer-when-downgrade') {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        'no-referrer-when-downgrade gửi đường dẫn đầy đủ tới mọi site HTTPS khác.',
        'no-referrer-when-downgrade sends the full URL to every other HTTPS site.',
      ),
      evidence: { ...facts, effective },
      modifier: 0,
      observatoryTest: 'referrer-policy-no-referrer-when-downgrade',
    });
  }
  return webResult({
    ...base,
    status: 'fail',
    severity: 'low',
    detail: text(`Referrer-Policy: ${effective} để lộ địa chỉ trang cho site bên ngoài.`, `Referrer-Policy: ${effective} leaks page addresses to other sites.`),
    evidence: { ...facts, effective },
    modifier: -5,
    observatoryTest: 'referrer-policy-unsafe',
  });
}

// ---------------------------------------------------------------- Permissions-Policy

const PP_TITLE = checkSpec('web.headers.permissions-policy').title;
const PP_REFS = [`${MDN}Permissions-Policy`, 'https://www.w3.org/TR/permissions-policy/'];
const PP_FIX = fix(
  'Permissions-Policy',
  'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Tắt các tính năng trình duyệt mạnh mà cổng thông tin không dùng, để script bị chèn hoặc iframe bên ngoài không thể dùng chúng.',
  'Turn off powerful browser features the portal does not use, so injected scripts or third-party frames cannot use them.',
);
const POWERFUL = new Set(['camera', 'microphone', 'geolocation', 'payment', 'usb', 'serial', 'hid', 'bluetooth', 'display-capture', 'clipboard-read']);

export function checkPermissionsPolicy(evidence: WebEvidence): CheckResult {
  const page = evidence.finalPage;
  const unavailable = headersUnavailable(page);
  if (unavailable) return errorResult('web.headers.permissions-policy', PP_TITLE, 'web-headers', unavailable, PP_REFS);
  const header = page.headers['permissions-policy'];
  const legacy = page.headers['feature-policy'];
  const base = { ...checkSpec('web.headers.permissions-policy'), references: PP_REFS, remediation: PP_FIX };
  const facts: Record<string, unknown> = { header: clip(header, 1000) ?? null, featurePolicy: clip(legacy, 1000) ?? null, url: page.url };
  if (!header) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: legacy
        ? text('Chỉ có Feature-Policy (đã lỗi thời); cần Permissions-Policy.', 'Only the obsolete Feature-Policy is set; Permissions-Policy is needed.')
        : text('Không có Permissions-Policy.', 'No Permissions-Policy.'),
      evidence: facts,
    });
  }
  // Structured-field dictionary: feature=allowlist, comma-separated.
  const grants: Record<string, string> = {};
  const invalid: string[] = [];
  for (const item of header.split(',')) {
    const m = /^\s*([a-z0-9-]+)\s*=\s*(\*|\(.*\)|self|"[^"]*")\s*$/i.exec(item);
    if (!m) {
      if (item.trim()) invalid.push(item.trim());
      continue;
    }
    grants[m[1]!.toLowerCase()] = m[2]!;
  }
  const open = Object.entries(grants).filter(([feature, allow]) => POWERFUL.has(feature) && (allow === '*' || /\*/.test(allow)));
  facts.grants = grants;
  if (open.length > 0) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'low',
      detail: text(
        `Permissions-Policy cho mọi nguồn dùng tính năng nhạy cảm: ${open.map(([f, a]) => `${f}=${a}`).join(', ')}.`,
        `Permissions-Policy grants sensitive features to every origin: ${open.map(([f, a]) => `${f}=${a}`).join(', ')}.`,
      ),
      evidence: facts,
    });
  }
  if (invalid.length > 0 && Object.keys(grants).length === 0) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'low',
      detail: text(
        `Permissions-Policy sai cú pháp (trình duyệt bỏ qua): "${clip(header, 200)}".`,
        `Permissions-Policy has invalid syntax (browsers ignore it): "${clip(header, 200)}".`,
      ),
      evidence: { ...facts, invalid },
    });
  }
  return webResult({
    ...base,
    status: 'pass',
    severity: 'info',
    detail: text(
      `Permissions-Policy khai báo ${Object.keys(grants).length} tính năng.`,
      `Permissions-Policy restricts ${Object.keys(grants).length} feature(s).`,
    ),
    evidence: invalid.length ? { ...facts, invalid } : facts,
  });
}
