/**
 * web.cookies (Secure / HttpOnly / SameSite on the cookies the site sets, session cookies above
 * all) and web.cors (what a hostile Origin is allowed to read) — the Observatory's cookie and CORS
 * tests with its modifiers.
 */
import type { ParsedCookie, WebEvidence } from '../../probes/http/types.js';
import { type CheckResult, type CheckStatus, type Severity, text } from '../types.js';
import { OBSERVATORY_DOCS, errorResult, webResult } from './result.js';
import { SIX_MONTHS, parseHsts } from './transport.js';
import { checkSpec } from '../catalogue.js';

const COOKIE_TITLE = checkSpec('web.cookies').title;
const COOKIE_REFS = [
  'https://developer.mozilla.org/docs/Web/HTTP/Cookies',
  OBSERVATORY_DOCS,
  'https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html',
];
const COOKIE_FIX = text(
  'Đặt cờ cho cookie ở nơi ứng dụng tạo ra nó, hoặc ở máy chủ web. PHP (php.ini): `session.cookie_secure = 1`, `session.cookie_httponly = 1`, `session.cookie_samesite = "Lax"`. nginx (≥1.19.3): `proxy_cookie_flags ~ secure httponly samesite=lax;`. Apache: `Header always edit Set-Cookie ^(.*)$ "$1; Secure; HttpOnly; SameSite=Lax"`. IIS/ASP.NET (web.config): `<system.web><httpCookies requireSSL="true" httpOnlyCookies="true" sameSite="Lax" /></system.web>`. Cookie chống CSRF cần đọc bằng JavaScript thì bỏ HttpOnly nhưng giữ Secure và SameSite.',
  'Set the flags where the application creates the cookie, or at the web server. PHP (php.ini): `session.cookie_secure = 1`, `session.cookie_httponly = 1`, `session.cookie_samesite = "Lax"`. nginx (≥1.19.3): `proxy_cookie_flags ~ secure httponly samesite=lax;`. Apache: `Header always edit Set-Cookie ^(.*)$ "$1; Secure; HttpOnly; SameSite=Lax"`. IIS/ASP.NET (web.config): `<system.web><httpCookies requireSSL="true" httpOnlyCookies="true" sameSite="Lax" /></system.web>`. Anti-CSRF cookies that JavaScript must read keep Secure and SameSite without HttpOnly.',
);

interface CookieFinding {
  cookie: string;
  problem: string;
  problemVi: string;
  modifier: number;
  test: string;
}

function hasValidHsts(evidence: WebEvidence): boolean {
  const header = evidence.finalPage.url.startsWith('https://') ? evidence.finalPage.headers['strict-transport-security'] : undefined;
  if (!header) return false;
  const policy = parseHsts(header);
  return policy.valid && (policy.maxAge ?? 0) >= SIX_MONTHS;
}

export function checkCookies(evidence: WebEvidence): CheckResult {
  const page = evidence.finalPage;
  const base = { ...checkSpec('web.cookies'), references: COOKIE_REFS, remediation: COOKIE_FIX };
  const cookies = evidence.cookies;
  if (cookies.length === 0 && page.status === undefined && evidence.chain.steps.every((s) => s.status === undefined)) {
    return errorResult('web.cookies', COOKIE_TITLE, 'web-headers', page.error ?? evidence.chain.error ?? 'no answer', COOKIE_REFS);
  }
  const facts: Record<string, unknown> = { cookies, hstsProtected: false };
  if (cookies.length === 0) {
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text('Trang không đặt cookie nào.', 'The site sets no cookies.'),
      evidence: facts,
      modifier: 0,
      observatoryTest: 'cookies-not-found',
    });
  }
  const hsts = hasValidHsts(evidence);
  facts.hstsProtected = hsts;
  const findings: CookieFinding[] = [];
  for (const cookie of cookies) findings.push(...judgeCookie(cookie, hsts));
  facts.findings = findings;
  const worst = findings.reduce<CookieFinding | undefined>((w, f) => (w === undefined || f.modifier < w.modifier ? f : w), undefined);
  const names = cookies.map((c) => c.name).join(', ');
  if (!worst) {
    const allSameSite = cookies.every((c) => c.sameSite !== undefined);
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text(
        `Mọi cookie (${names}) đều có Secure; cookie phiên có HttpOnly${allSameSite ? '; tất cả có SameSite' : ''}.`,
        `Every cookie (${names}) is Secure; session cookies are HttpOnly${allSameSite ? '; all have SameSite' : ''}.`,
      ),
      evidence: facts,
      modifier: allSameSite ? 5 : 0,
      observatoryTest: allSameSite ? 'cookies-secure-with-httponly-sessions-and-samesite' : 'cookies-secure-with-httponly-sessions',
    });
  }
  const status: CheckStatus = worst.modifier <= -20 ? 'fail' : 'warn';
  const severity: Severity = worst.modifier <= -30 ? 'high' : worst.modifier <= -20 ? 'medium' : 'low';
  const list = findings.map((f) => `${f.cookie}: ${f.problem}`).join('; ');
  const listVi = findings.map((f) => `${f.cookie}: ${f.problemVi}`).join('; ');
  return webResult({
    ...base,
    status,
    severity,
    detail: text(`Cookie thiếu cờ bảo vệ — ${listVi}.`, `Cookies lack protective flags — ${list}.`),
    evidence: facts,
    modifier: worst.modifier,
    observatoryTest: worst.test,
  });
}

const COOKIE_PROBLEMS_VI: Record<string, string> = {
  'SameSite=None without Secure (browsers reject it)': 'SameSite=None mà không có Secure (trình duyệt từ chối)',
  'session cookie without Secure': 'cookie phiên thiếu Secure',
  'without Secure': 'thiếu Secure',
  'session cookie without HttpOnly': 'cookie phiên thiếu HttpOnly',
  'anti-CSRF cookie without SameSite': 'cookie chống CSRF thiếu SameSite',
  '__Secure-/__Host- prefix rules not met (browsers reject it)': 'không đúng quy tắc tiền tố __Secure-/__Host- (trình duyệt từ chối)',
};

function judgeCookie(cookie: ParsedCookie, hsts: boolean): CookieFinding[] {
  const out: CookieFinding[] = [];
  const add = (problem: string, modifier: number, test: string): void =>
    void out.push({ cookie: cookie.name, problem, problemVi: COOKIE_PROBLEMS_VI[problem] ?? problem, modifier, test });
  const sameSite = cookie.sameSite?.toLowerCase();
  if (sameSite !== undefined && !['strict', 'lax', 'none'].includes(sameSite)) {
    out.push({
      cookie: cookie.name,
      problem: `invalid SameSite=${cookie.sameSite}`,
      problemVi: `SameSite=${cookie.sameSite} không hợp lệ`,
      modifier: -20,
      test: 'cookies-samesite-flag-invalid',
    });
  }
  if (sameSite === 'none' && !cookie.secure) add('SameSite=None without Secure (browsers reject it)', -20, 'cookies-samesite-flag-invalid');
  if (!cookie.secure) {
    if (cookie.sessionLike)
      add(
        'session cookie without Secure',
        hsts ? -10 : -40,
        hsts ? 'cookies-session-without-secure-flag-but-protected-by-hsts' : 'cookies-session-without-secure-flag',
      );
    else add('without Secure', hsts ? -5 : -20, hsts ? 'cookies-without-secure-flag-but-protected-by-hsts' : 'cookies-without-secure-flag');
  }
  if (cookie.sessionLike && !cookie.httpOnly) add('session cookie without HttpOnly', -30, 'cookies-session-without-httponly-flag');
  if (cookie.antiCsrf && sameSite === undefined) add('anti-CSRF cookie without SameSite', -20, 'cookies-anticsrf-without-samesite-flag');
  if (!cookie.prefixValid) add('__Secure-/__Host- prefix rules not met (browsers reject it)', -20, 'cookies-samesite-flag-invalid');
  return out;
}

// ---------------------------------------------------------------- CORS

const CORS_TITLE = checkSpec('web.cors').title;
const CORS_REFS = ['https://developer.mozilla.org/docs/Web/HTTP/CORS', OBSERVATORY_DOCS, 'https://portswigger.net/web-security/cors'];
const CORS_FIX = text(
  'Chỉ trả Access-Control-Allow-Origin cho danh sách nguồn tin cậy cố định; không phản chiếu header Origin, không dùng `null`, và không kèm `Access-Control-Allow-Credentials: true` với nguồn tuỳ ý. nginx: `map $http_origin $cors_origin { default ""; "https://dichvucong.<tên>.gov.vn" $http_origin; }` rồi `add_header Access-Control-Allow-Origin $cors_origin always; add_header Vary Origin always;`. Apache: `SetEnvIf Origin "^https://dichvucong\\.<tên>\\.gov\\.vn$" CORS_OK` + `Header always set Access-Control-Allow-Origin "%{HTTP_ORIGIN}e" env=CORS_OK`. IIS: module IIS CORS, `<cors enabled="true"><add origin="https://dichvucong.<tên>.gov.vn" allowCredentials="false" /></cors>`.',
  'Return Access-Control-Allow-Origin only for a fixed list of trusted origins; never reflect the Origin header, never allow `null`, never pair an arbitrary origin with `Access-Control-Allow-Credentials: true`. nginx: `map $http_origin $cors_origin { default ""; "https://app.<name>.gov.vn" $http_origin; }` then `add_header Access-Control-Allow-Origin $cors_origin always; add_header Vary Origin always;`. Apache: `SetEnvIf Origin "^https://app\\.<name>\\.gov\\.vn$" CORS_OK` + `Header always set Access-Control-Allow-Origin "%{HTTP_ORIGIN}e" env=CORS_OK`. IIS: the IIS CORS module, `<cors enabled="true"><add origin="https://app.<name>.gov.vn" allowCredentials="false" /></cors>`.',
);

export function checkCors(evidence: WebEvidence): CheckResult {
  const cors = evidence.cors;
  if (!cors) return errorResult('web.cors', CORS_TITLE, 'web-headers', evidence.finalPage.error ?? 'CORS was not probed (the site did not answer)', CORS_REFS);
  if (cors.error || cors.status === undefined) return errorResult('web.cors', CORS_TITLE, 'web-headers', cors.error ?? 'no answer', CORS_REFS, { cors });
  const base = { ...checkSpec('web.cors'), references: CORS_REFS, remediation: CORS_FIX, evidence: { cors } };
  const acao = cors.allowOrigin?.trim();
  const credentials = cors.allowCredentials?.trim().toLowerCase() === 'true';
  if (!acao) {
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text('Không cho nguồn lạ đọc nội dung qua CORS.', 'No cross-origin read access is granted.'),
      modifier: 0,
      observatoryTest: 'cross-origin-resource-sharing-not-implemented',
    });
  }
  const reflected = acao === cors.origin;
  if ((reflected || acao === 'null') && credentials) {
    return webResult({
      ...base,
      status: 'fail',
      severity: 'high',
      detail: text(
        `Máy chủ trả Access-Control-Allow-Origin: ${acao} cho Origin ${cors.origin} kèm Allow-Credentials: true — bất kỳ site nào cũng đọc được dữ liệu của người dùng đang đăng nhập.`,
        `The server answers Access-Control-Allow-Origin: ${acao} to Origin ${cors.origin} with Allow-Credentials: true — any site can read a signed-in user's data.`,
      ),
      modifier: -50,
      observatoryTest: 'cross-origin-resource-sharing-implemented-with-universal-access',
    });
  }
  if (acao === '*' && credentials) {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        'Access-Control-Allow-Origin: * đi kèm Allow-Credentials: true — trình duyệt từ chối tổ hợp này; cấu hình sai cần sửa.',
        'Access-Control-Allow-Origin: * with Allow-Credentials: true — browsers refuse this combination; a misconfiguration to fix.',
      ),
      modifier: 0,
      observatoryTest: 'cross-origin-resource-sharing-implemented-with-public-access',
    });
  }
  if (reflected || acao === 'null') {
    return webResult({
      ...base,
      status: 'warn',
      severity: 'low',
      detail: text(
        `Máy chủ phản chiếu mọi Origin (${acao}) nhưng không cho gửi thông tin đăng nhập: chỉ nội dung công khai bị đọc, vẫn nên giới hạn.`,
        `The server reflects any Origin (${acao}) without credentials: only public content is readable, but it should be restricted.`,
      ),
      modifier: 0,
      observatoryTest: 'cross-origin-resource-sharing-implemented-with-public-access',
    });
  }
  return webResult({
    ...base,
    status: 'pass',
    severity: 'info',
    detail:
      acao === '*'
        ? text(
            'Access-Control-Allow-Origin: * không kèm thông tin đăng nhập — nội dung công khai.',
            'Access-Control-Allow-Origin: * without credentials — public content.',
          )
        : text(`CORS chỉ cho phép ${acao}.`, `CORS allows only ${acao}.`),
    modifier: 0,
    observatoryTest:
      acao === '*' ? 'cross-origin-resource-sharing-implemented-with-public-access' : 'cross-origin-resource-sharing-implemented-with-restricted-access',
  });
}
