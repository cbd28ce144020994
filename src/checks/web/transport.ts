/**
 * web.https (HTTPS answers with a trusted certificate; HTTP redirects to HTTPS on the same host)
 * and web.hsts (Strict-Transport-Security) — pshtt's and the Observatory's "redirection" and
 * "strict-transport-security" tests, with internet.nl's one-year HSTS bar.
 */
import type { HttpExchange, ProbeFailure, RedirectChain, WebEvidence } from '../../probes/http/types.js';
import { type CheckResult, text } from '../types.js';
import { OBSERVATORY_DOCS, errorResult, isHttps, ownEndpoints, webResult } from './result.js';
import { checkSpec } from '../catalogue.js';

const HTTPS_TITLE = checkSpec('web.https').title;
const HSTS_TITLE = checkSpec('web.hsts').title;
const HTTPS_REFS = [OBSERVATORY_DOCS, 'https://github.com/cisagov/pshtt', 'https://internet.nl/faqs/https/'];
const HSTS_REFS = ['https://www.rfc-editor.org/rfc/rfc6797', 'https://developer.mozilla.org/docs/Web/HTTP/Headers/Strict-Transport-Security', OBSERVATORY_DOCS];

export const SIX_MONTHS = 15_768_000;
export const ONE_YEAR = 31_536_000;

const REDIRECT_FIX = text(
  'Chuyển hướng vĩnh viễn mọi yêu cầu HTTP sang HTTPS trên cùng tên miền. nginx: trong `server { listen 80; server_name <tên>; }` thêm `return 301 https://$host$request_uri;`. Apache: `<VirtualHost *:80>` thêm `Redirect permanent / https://<tên>/` (hoặc `RewriteEngine On` + `RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]`). IIS: cài URL Rewrite, thêm quy tắc `<rule name="HTTPS" stopProcessing="true"><match url="(.*)" /><conditions><add input="{HTTPS}" pattern="off" /></conditions><action type="Redirect" url="https://{HTTP_HOST}/{R:1}" redirectType="Permanent" /></rule>`.',
  'Permanently redirect every HTTP request to HTTPS on the same host. nginx: in `server { listen 80; server_name <name>; }` add `return 301 https://$host$request_uri;`. Apache: in `<VirtualHost *:80>` add `Redirect permanent / https://<name>/` (or `RewriteEngine On` + `RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]`). IIS: install URL Rewrite and add `<rule name="HTTPS" stopProcessing="true"><match url="(.*)" /><conditions><add input="{HTTPS}" pattern="off" /></conditions><action type="Redirect" url="https://{HTTP_HOST}/{R:1}" redirectType="Permanent" /></rule>`.',
);
const HTTPS_FIX = text(
  'Bật HTTPS với chứng thư số hợp lệ (do CA tin cậy cấp, đúng tên miền, còn hạn, kèm đủ chuỗi trung gian). nginx: `listen 443 ssl; ssl_certificate /etc/ssl/<tên>/fullchain.pem; ssl_certificate_key /etc/ssl/<tên>/privkey.pem;`. Apache: `SSLEngine on`, `SSLCertificateFile …/fullchain.pem`, `SSLCertificateKeyFile …/privkey.pem`. IIS: Site Bindings → thêm https:443, chọn chứng thư có đủ chuỗi.',
  'Serve HTTPS with a valid certificate (trusted CA, matching name, not expired, full intermediate chain). nginx: `listen 443 ssl; ssl_certificate /etc/ssl/<name>/fullchain.pem; ssl_certificate_key /etc/ssl/<name>/privkey.pem;`. Apache: `SSLEngine on`, `SSLCertificateFile …/fullchain.pem`, `SSLCertificateKeyFile …/privkey.pem`. IIS: Site Bindings → add https:443 with a certificate carrying its full chain.',
);
const HSTS_FIX = text(
  'Trên mọi phản hồi HTTPS gửi header HSTS tối thiểu một năm. nginx: `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;` (trong khối `server` 443). Apache: `Header always set Strict-Transport-Security "max-age=31536000; includeSubDomains"` (cần mod_headers). IIS: `<system.webServer><httpProtocol><customHeaders><add name="Strict-Transport-Security" value="max-age=31536000; includeSubDomains" /></customHeaders></httpProtocol></system.webServer>` trong web.config (IIS 10 1709+: dùng thuộc tính HSTS của site). Chỉ thêm `preload` khi mọi tên miền con đã có HTTPS.',
  'Send HSTS of at least one year on every HTTPS response. nginx: `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;` (in the 443 `server` block). Apache: `Header always set Strict-Transport-Security "max-age=31536000; includeSubDomains"` (mod_headers). IIS: `<system.webServer><httpProtocol><customHeaders><add name="Strict-Transport-Security" value="max-age=31536000; includeSubDomains" /></customHeaders></httpProtocol></system.webServer>` in web.config (IIS 10 1709+: the site\'s HSTS settings). Add `preload` only once every subdomain serves HTTPS.',
);

function firstStep(chain: RedirectChain | undefined): HttpExchange | undefined {
  return chain?.steps[0];
}

/**
 * Why the site itself gave no answer at all — neither its URL nor its own http:// and https://
 * endpoints returned any HTTP status (host down, name unresolvable, port filtered) — or undefined
 * when something answered. A silent host says nothing about its HTTPS: judging "no HTTPS" would
 * grade the network, so web.https and web.hsts report `error` and the target is "not assessed".
 */
export function siteUnreachable(evidence: WebEvidence): ProbeFailure | undefined {
  const { http, https } = ownEndpoints(evidence);
  const chains = [evidence.chain, https, http].filter((c): c is RedirectChain => c !== undefined);
  if (chains.some((c) => c.steps.some((step) => step.status !== undefined))) return undefined;
  const reason = chains.map((c) => c.steps.find((step) => step.error)?.error ?? c.error).find((e) => e !== undefined);
  return {
    code: reason?.code ?? 'other',
    message: `${evidence.host} did not answer over HTTP or HTTPS${reason ? `: ${reason.message}` : ''}`,
  };
}

function summary(chain: RedirectChain | undefined): Record<string, unknown> | undefined {
  if (!chain) return undefined;
  return {
    start: chain.start,
    outcome: chain.outcome,
    finalUrl: chain.finalUrl,
    hops: chain.steps.map((s) => ({ url: s.url, status: s.status, location: s.location, tls: s.tls, error: s.error })),
    ...(chain.error ? { error: chain.error } : {}),
  };
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).hostname : undefined;
  } catch {
    return undefined;
  }
}

export function checkHttps(evidence: WebEvidence): CheckResult {
  const { http, https, siblingHttp } = ownEndpoints(evidence);
  const facts = {
    http: summary(http),
    https: summary(https),
    siblingHttp: summary(siblingHttp),
    finalUrl: evidence.finalPage.url,
    loginPage: evidence.finalPage.loginPage,
  };
  const base = { ...checkSpec('web.https'), references: HTTPS_REFS, evidence: facts };
  const silent = siteUnreachable(evidence);
  if (silent) return errorResult('web.https', HTTPS_TITLE, 'web-tls', silent, HTTPS_REFS, facts);

  // 1. HTTPS itself.
  const httpsFirst = firstStep(https);
  if (!https || !httpsFirst || httpsFirst.error) {
    const reason = httpsFirst?.error ?? https?.error;
    if (reason && (reason.code === 'aborted' || reason.code === 'budget')) return errorResult('web.https', HTTPS_TITLE, 'web-tls', reason, HTTPS_REFS, facts);
    return webResult({
      ...base,
      status: 'fail',
      severity: 'high',
      detail: text(
        `HTTPS không trả lời tại ${https?.start ?? evidence.host}${reason ? ` (${reason.message})` : ''}: mọi dữ liệu đi qua HTTP không mã hoá.`,
        `HTTPS does not answer at ${https?.start ?? evidence.host}${reason ? ` (${reason.message})` : ''}: everything travels over unencrypted HTTP.`,
      ),
      remediation: HTTPS_FIX,
      modifier: -20,
      observatoryTest: 'redirection-not-to-https',
    });
  }
  if (httpsFirst.tls && !httpsFirst.tls.authorized) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'high',
      detail: text(
        `HTTPS trả lời nhưng chứng thư không được tin cậy (${httpsFirst.tls.authorizationError ?? 'không rõ'}): trình duyệt sẽ cảnh báo và người dùng dễ bị tấn công xen giữa.`,
        `HTTPS answers but the certificate is not trusted (${httpsFirst.tls.authorizationError ?? 'unknown'}): browsers warn and users are exposed to interception.`,
      ),
      remediation: HTTPS_FIX,
      modifier: -20,
      observatoryTest: 'redirection-invalid-cert',
    });
  }
  if (https.outcome === 'redirect-loop' || https.outcome === 'too-many-redirects')
    return errorResult('web.https', HTTPS_TITLE, 'web-tls', https.error!, HTTPS_REFS, facts);
  const downgrade = https.steps.find((step) => step.location?.startsWith('http://'));
  if (downgrade) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'high',
      detail: text(
        `HTTPS chuyển hướng ngược về HTTP (${downgrade.url} → ${downgrade.location}).`,
        `HTTPS redirects back to HTTP (${downgrade.url} → ${downgrade.location}).`,
      ),
      remediation: REDIRECT_FIX,
      modifier: -20,
      observatoryTest: 'redirection-not-to-https',
    });
  }

  // 2. The HTTP side.
  const httpFirst = firstStep(http);
  const notes: { vi: string[]; en: string[] } = { vi: [], en: [] };
  if (evidence.finalPage.loginPage) {
    notes.vi.push(`trang đích là trang đăng nhập (${evidence.finalPage.url}) — được đánh giá là chuyển hướng tới đăng nhập, không phải lỗi`);
    notes.en.push(`the site lands on a sign-in page (${evidence.finalPage.url}) — judged as a login redirect, not a failure`);
  }
  const sibling = firstStep(siblingHttp);
  if (sibling && !sibling.error && sibling.status !== undefined && !sibling.location?.startsWith('https://')) {
    notes.vi.push(`tên ${hostOf(siblingHttp?.start)} vẫn phục vụ HTTP không chuyển hướng`);
    notes.en.push(`${hostOf(siblingHttp?.start)} still serves plain HTTP without redirecting`);
  }
  const siblingPlain = notes.en.some((n) => n.includes('plain HTTP'));
  const withNotes = (vi: string, en: string) =>
    text(notes.vi.length ? `${vi} Ghi chú: ${notes.vi.join('; ')}.` : vi, notes.en.length ? `${en} Note: ${notes.en.join('; ')}.` : en);

  if (!http || !httpFirst || httpFirst.error) {
    const reason = httpFirst?.error;
    if (reason && (reason.code === 'aborted' || reason.code === 'budget')) return errorResult('web.https', HTTPS_TITLE, 'web-tls', reason, HTTPS_REFS, facts);
    if (reason && !['connect', 'dns'].includes(reason.code)) return errorResult('web.https', HTTPS_TITLE, 'web-tls', reason, HTTPS_REFS, facts);
    return webResult({
      ...base,
      status: siblingPlain ? 'warn' : 'pass',
      severity: 'low',
      detail: withNotes('HTTPS hợp lệ; cổng HTTP không mở nên không cần chuyển hướng.', 'HTTPS is valid; plain HTTP is not served, so no redirect is needed.'),
      remediation: REDIRECT_FIX,
      modifier: 0,
      observatoryTest: 'redirection-not-needed-no-http',
    });
  }
  if (http.outcome === 'redirect-loop' || http.outcome === 'too-many-redirects')
    return errorResult('web.https', HTTPS_TITLE, 'web-tls', http.error!, HTTPS_REFS, facts);
  if (!httpFirst.location) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'high',
      detail: text(
        `${http.start} trả lời ${httpFirst.status} và phục vụ nội dung qua HTTP, không chuyển hướng sang HTTPS.`,
        `${http.start} answers ${httpFirst.status} and serves content over HTTP without redirecting to HTTPS.`,
      ),
      remediation: REDIRECT_FIX,
      modifier: -20,
      observatoryTest: 'redirection-missing',
    });
  }
  const final = http.finalUrl ?? http.steps.at(-1)?.location ?? '';
  if (http.outcome === 'error' && !http.steps.some((s) => s.location?.startsWith('https://'))) {
    return errorResult('web.https', HTTPS_TITLE, 'web-tls', http.error!, HTTPS_REFS, facts);
  }
  if (http.outcome === 'ok' && !isHttps(final)) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'high',
      detail: text(`HTTP chuyển hướng nhưng kết thúc ở ${final}, vẫn là HTTP.`, `HTTP redirects but ends on ${final}, still HTTP.`),
      remediation: REDIRECT_FIX,
      modifier: -20,
      observatoryTest: 'redirection-not-to-https',
    });
  }
  if (!httpFirst.location.startsWith('https://')) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'medium',
      detail: withNotes(
        `Chuyển hướng đầu tiên (${httpFirst.location}) vẫn là HTTP trước khi tới HTTPS: bước này có thể bị nghe lén hoặc sửa đổi.`,
        `The first redirect (${httpFirst.location}) stays on HTTP before reaching HTTPS: that hop can be intercepted.`,
      ),
      remediation: REDIRECT_FIX,
      modifier: -10,
      observatoryTest: 'redirection-not-to-https-on-initial-redirection',
    });
  }
  if (hostOf(httpFirst.location) !== hostOf(http.start)) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: withNotes(
        `HTTP chuyển thẳng sang tên khác (${httpFirst.location}) thay vì HTTPS của cùng tên: HSTS của ${hostOf(http.start)} không bao giờ được thiết lập.`,
        `HTTP redirects straight to another host (${httpFirst.location}) instead of HTTPS on the same host: HSTS for ${hostOf(http.start)} is never set.`,
      ),
      remediation: REDIRECT_FIX,
      modifier: -5,
      observatoryTest: 'redirection-off-host-from-http',
    });
  }
  return webResult({
    ...base,
    status: siblingPlain ? 'warn' : 'pass',
    severity: 'low',
    detail: withNotes(`HTTPS hợp lệ và HTTP chuyển hướng sang ${httpFirst.location}.`, `HTTPS is valid and HTTP redirects to ${httpFirst.location}.`),
    remediation: REDIRECT_FIX,
    modifier: 0,
    observatoryTest: 'redirection-to-https',
  });
}

export interface HstsPolicy {
  raw: string;
  maxAge?: number;
  includeSubDomains: boolean;
  preload: boolean;
  valid: boolean;
}

export function parseHsts(value: string): HstsPolicy {
  // Several HSTS headers arrive joined with ", ": browsers use the first.
  const first = value.split(',')[0] ?? '';
  const policy: HstsPolicy = { raw: value, includeSubDomains: false, preload: false, valid: true };
  const seen = new Set<string>();
  for (const part of first.split(';')) {
    const [rawName, ...rest] = part.split('=');
    const name = (rawName ?? '').trim().toLowerCase();
    if (!name) continue;
    if (seen.has(name)) policy.valid = false;
    seen.add(name);
    const raw = rest.join('=').trim().replace(/^"|"$/g, '');
    if (name === 'max-age') {
      if (/^\d+$/.test(raw)) policy.maxAge = Number(raw);
      else policy.valid = false;
    } else if (name === 'includesubdomains') policy.includeSubDomains = true;
    else if (name === 'preload') policy.preload = true;
  }
  if (policy.maxAge === undefined) policy.valid = false;
  return policy;
}

/** The HTTPS answer whose HSTS header counts: the final page when it is HTTPS, else the target host's HTTPS root. */
function hstsSource(evidence: WebEvidence): HttpExchange | { url: string; headers: Record<string, string>; tls?: HttpExchange['tls'] } | undefined {
  const page = evidence.finalPage;
  const { https } = ownEndpoints(evidence);
  const httpsFirst = https?.steps[0];
  if (isHttps(page.url) && page.status !== undefined) {
    const step = [...evidence.chain.steps].reverse().find((s) => s.url === page.url) ?? httpsFirst;
    return { url: page.url, headers: page.headers, ...(step?.tls ? { tls: step.tls } : {}) };
  }
  if (httpsFirst && !httpsFirst.error) return httpsFirst;
  return undefined;
}

function duration(seconds: number): { vi: string; en: string } {
  const days = Math.round(seconds / 86_400);
  return { vi: `${seconds} giây (~${days} ngày)`, en: `${seconds} s (~${days} days)` };
}

export function checkHsts(evidence: WebEvidence): CheckResult {
  const base = { ...checkSpec('web.hsts'), references: HSTS_REFS };
  const source = hstsSource(evidence);
  if (!source) {
    const silent = siteUnreachable(evidence);
    if (silent) return errorResult('web.hsts', HSTS_TITLE, 'web-tls', silent, HSTS_REFS);
    const { https } = ownEndpoints(evidence);
    const reason = https?.steps[0]?.error;
    if (reason && (reason.code === 'aborted' || reason.code === 'budget')) return errorResult('web.hsts', HSTS_TITLE, 'web-tls', reason, HSTS_REFS);
    return webResult({
      ...base,
      status: 'fail',
      severity: 'medium',
      detail: text('Không có HTTPS nên không thể có HSTS.', 'No HTTPS, so no HSTS is possible.'),
      evidence: { reason: reason ?? null },
      remediation: HSTS_FIX,
      modifier: -20,
      observatoryTest: 'hsts-not-implemented-no-https',
    });
  }
  const header = source.headers['strict-transport-security'];
  const facts: Record<string, unknown> = { url: source.url, header: header ?? null };
  if (source.tls && !source.tls.authorized) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'medium',
      detail: text(
        `Chứng thư HTTPS không được tin cậy (${source.tls.authorizationError}): trình duyệt bỏ qua HSTS trên kết nối như vậy.`,
        `The HTTPS certificate is not trusted (${source.tls.authorizationError}): browsers ignore HSTS on such a connection.`,
      ),
      evidence: facts,
      remediation: HSTS_FIX,
      modifier: -20,
      observatoryTest: 'hsts-invalid-cert',
    });
  }
  if (!header) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'medium',
      detail: text(`${source.url} không gửi header Strict-Transport-Security.`, `${source.url} sends no Strict-Transport-Security header.`),
      evidence: facts,
      remediation: HSTS_FIX,
      modifier: -20,
      observatoryTest: 'hsts-not-implemented',
    });
  }
  const policy = parseHsts(header);
  Object.assign(facts, { maxAge: policy.maxAge ?? null, includeSubDomains: policy.includeSubDomains, preload: policy.preload });
  if (!policy.valid || policy.maxAge === undefined) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'medium',
      detail: text(`Header HSTS không hợp lệ: "${header}".`, `Invalid HSTS header: "${header}".`),
      evidence: facts,
      remediation: HSTS_FIX,
      modifier: -20,
      observatoryTest: 'hsts-header-invalid',
    });
  }
  const age = duration(policy.maxAge);
  const preloadVi = policy.preload ? ' Có chỉ thị preload (chỉ có tác dụng khi tên miền đã vào danh sách preload của trình duyệt).' : '';
  const preloadEn = policy.preload ? " The preload directive is set (effective once the domain is on the browsers' preload list)." : '';
  if (policy.maxAge < SIX_MONTHS) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'medium',
      detail: text(`max-age = ${age.vi}, dưới mức tối thiểu 6 tháng.${preloadVi}`, `max-age = ${age.en}, below the six-month minimum.${preloadEn}`),
      evidence: facts,
      remediation: HSTS_FIX,
      modifier: -10,
      observatoryTest: 'hsts-implemented-max-age-less-than-six-months',
    });
  }
  if (policy.maxAge < ONE_YEAR) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        `max-age = ${age.vi}: đạt tối thiểu 6 tháng nhưng chưa tới 1 năm như khuyến nghị.${preloadVi}`,
        `max-age = ${age.en}: meets the six-month minimum but not the recommended year.${preloadEn}`,
      ),
      evidence: facts,
      remediation: HSTS_FIX,
      modifier: 0,
      observatoryTest: 'hsts-implemented-max-age-at-least-six-months',
    });
  }
  if (!policy.includeSubDomains) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        `max-age = ${age.vi} nhưng thiếu includeSubDomains: tên miền con vẫn có thể bị hạ cấp về HTTP.${preloadVi}`,
        `max-age = ${age.en} but includeSubDomains is missing: subdomains can still be downgraded to HTTP.${preloadEn}`,
      ),
      evidence: facts,
      remediation: HSTS_FIX,
      modifier: 0,
      observatoryTest: 'hsts-implemented-max-age-at-least-six-months',
    });
  }
  return webResult({
    ...base,
    status: 'pass',
    severity: 'info',
    detail: text(`HSTS max-age = ${age.vi}, có includeSubDomains.${preloadVi}`, `HSTS max-age = ${age.en}, with includeSubDomains.${preloadEn}`),
    evidence: facts,
    modifier: 0,
    observatoryTest: 'hsts-implemented-max-age-at-least-six-months',
  });
}
