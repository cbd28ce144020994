/**
 * mail.webmail: the organisation's webmail is served over HTTPS only — HTTPS answers with a trusted
 * certificate and plain HTTP (when it answers at all) redirects to HTTPS, so mailbox passwords never
 * cross the network in clear text. Pure: judged from the web evidence of a site that looks like
 * webmail (see `webmailSignals`); the site's other web.* checks are judged as for any website.
 */
import type { HttpExchange, RedirectChain, WebEvidence } from '../../probes/http/types.js';
import { errorResult, isHttps, ownEndpoints, webResult } from '../web/result.js';
import { type CheckResult, text } from '../types.js';
import { checkSpec } from '../catalogue.js';

const ID = 'mail.webmail';
const { title: TITLE, category: CATEGORY } = checkSpec(ID);
const REFS = [
  'https://www.rfc-editor.org/rfc/rfc8314',
  'https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html',
  'https://github.com/cisagov/pshtt',
];

const FIX = text(
  'Webmail (Roundcube, OWA, Zimbra, SOGo…) chỉ phục vụ qua HTTPS với chứng thư hợp lệ; mọi yêu cầu HTTP chuyển hướng vĩnh viễn sang HTTPS. nginx: `server { listen 80; server_name webmail.<tên>; return 301 https://$host$request_uri; }` và khối `listen 443 ssl` có `ssl_certificate …/fullchain.pem`. Apache: `<VirtualHost *:80> ServerName webmail.<tên> Redirect permanent / https://webmail.<tên>/ </VirtualHost>` và `SSLEngine on` ở VirtualHost 443. IIS/Exchange OWA: gắn chứng thư vào binding https:443, bật "Require SSL" (SSL Settings) cho thư mục /owa và /ecp, và thêm quy tắc URL Rewrite `<rule name="HTTPS" stopProcessing="true"><match url="(.*)" /><conditions><add input="{HTTPS}" pattern="off" /></conditions><action type="Redirect" url="https://{HTTP_HOST}/{R:1}" redirectType="Permanent" /></rule>`. Zimbra: `zmprov ms <máy chủ> zimbraReverseProxyMailMode redirect`. Sau đó bật HSTS.',
  'Serve webmail (Roundcube, OWA, Zimbra, SOGo…) over HTTPS only, with a valid certificate, and permanently redirect every HTTP request to HTTPS. nginx: `server { listen 80; server_name webmail.<name>; return 301 https://$host$request_uri; }` plus a `listen 443 ssl` block with `ssl_certificate …/fullchain.pem`. Apache: `<VirtualHost *:80> ServerName webmail.<name> Redirect permanent / https://webmail.<name>/ </VirtualHost>` and `SSLEngine on` in the 443 VirtualHost. IIS/Exchange OWA: bind a certificate to https:443, tick "Require SSL" (SSL Settings) on /owa and /ecp, and add the URL Rewrite rule `<rule name="HTTPS" stopProcessing="true"><match url="(.*)" /><conditions><add input="{HTTPS}" pattern="off" /></conditions><action type="Redirect" url="https://{HTTP_HOST}/{R:1}" redirectType="Permanent" /></rule>`. Zimbra: `zmprov ms <server> zimbraReverseProxyMailMode redirect`. Then turn on HSTS.',
);

/** First DNS labels that name a webmail host. */
const WEBMAIL_LABELS = new Set(['webmail', 'mail', 'owa']);
/** Webmail products as they show in a page title or generator. */
const WEBMAIL_PRODUCTS = /\b(roundcube|outlook web app|outlook web access|owa|zimbra|squirrelmail|sogo|webmail)\b/i;

/** Why a host name or page looks like webmail (empty: it does not). */
export function webmailSignals(host: string, page?: { title?: string; generators?: string[] }): string[] {
  const signals: string[] = [];
  const label = host.toLowerCase().split('.')[0] ?? '';
  if (WEBMAIL_LABELS.has(label)) signals.push(`host label "${label}"`);
  const title = page?.title?.match(WEBMAIL_PRODUCTS);
  if (title) signals.push(`page title "${page!.title!.slice(0, 80)}"`);
  const generator = page?.generators?.find((g) => WEBMAIL_PRODUCTS.test(g));
  if (generator) signals.push(`generator "${generator.slice(0, 80)}"`);
  return signals;
}

/** The host of a URL (without the brackets of an IPv6 literal), or the text itself. */
export function hostOfUrl(url: string): string {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return url;
  }
}

function hop(step: HttpExchange | undefined): Record<string, unknown> | undefined {
  return step && { url: step.url, status: step.status, location: step.location, tls: step.tls, error: step.error };
}

function chainFacts(chain: RedirectChain | undefined): Record<string, unknown> | undefined {
  return chain && { start: chain.start, outcome: chain.outcome, finalUrl: chain.finalUrl, first: hop(chain.steps[0]) };
}

/**
 * mail.webmail for a site, or undefined when the site does not look like webmail (no result: the
 * id is about webmail, and an ordinary portal is not one).
 */
export function checkWebmail(evidence: WebEvidence): CheckResult | undefined {
  const signals = webmailSignals(evidence.host, evidence.finalPage.html);
  if (signals.length === 0) return undefined;
  const { http, https } = ownEndpoints(evidence);
  const facts = { host: evidence.host, signals, https: chainFacts(https), http: chainFacts(http), finalUrl: evidence.finalPage.url };
  const base = { id: ID, title: TITLE, category: CATEGORY, references: REFS, remediation: FIX, evidence: facts, subject: evidence.host };
  const fail = (vi: string, en: string) => webResult({ ...base, status: 'fail', severity: 'high', detail: text(vi, en) });

  // 1. HTTPS answers, with a certificate a browser trusts.
  const httpsFirst = https?.steps[0];
  const httpsError = httpsFirst?.error ?? https?.error;
  if (httpsError && (httpsError.code === 'aborted' || httpsError.code === 'budget')) return errorResult(ID, TITLE, CATEGORY, httpsError, REFS, facts);
  if (!httpsFirst || httpsFirst.error || httpsFirst.status === undefined) {
    return fail(
      `Webmail ${evidence.host} không trả lời qua HTTPS${httpsError ? ` (${httpsError.message})` : ''}: mật khẩu hộp thư đi qua mạng ở dạng rõ.`,
      `Webmail ${evidence.host} does not answer over HTTPS${httpsError ? ` (${httpsError.message})` : ''}: mailbox passwords cross the network in clear text.`,
    );
  }
  if (httpsFirst.tls && !httpsFirst.tls.authorized) {
    return fail(
      `Webmail ${evidence.host} có HTTPS nhưng chứng thư không được tin cậy (${httpsFirst.tls.authorizationError ?? 'không rõ'}): người dùng quen bỏ qua cảnh báo, kẻ tấn công xen giữa lấy được mật khẩu.`,
      `Webmail ${evidence.host} answers HTTPS but its certificate is not trusted (${httpsFirst.tls.authorizationError ?? 'unknown'}): users learn to click through warnings, and an interceptor collects passwords.`,
    );
  }
  const downgrade = https.steps.find((step) => step.location?.startsWith('http://'));
  if (downgrade) {
    return fail(
      `Webmail chuyển hướng từ HTTPS về HTTP (${downgrade.url} → ${downgrade.location}).`,
      `Webmail redirects from HTTPS back to HTTP (${downgrade.url} → ${downgrade.location}).`,
    );
  }

  // 2. Plain HTTP: closed, or redirecting to HTTPS.
  const httpFirst = http?.steps[0];
  if (!httpFirst || httpFirst.error) {
    const reason = httpFirst?.error ?? http?.error;
    // a refused or unresolvable HTTP endpoint is HTTPS-only; a stall or a budget cut is unknown
    if (reason && !['connect', 'dns'].includes(reason.code)) return errorResult(ID, TITLE, CATEGORY, reason, REFS, facts);
    return webResult({
      ...base,
      status: 'pass',
      severity: 'info',
      detail: text(
        `Webmail ${evidence.host} chỉ phục vụ qua HTTPS (cổng HTTP đóng).`,
        `Webmail ${evidence.host} is served over HTTPS only (plain HTTP is closed).`,
      ),
    });
  }
  if (!httpFirst.location) {
    return fail(
      `${http!.start} trả lời ${httpFirst.status} qua HTTP, không chuyển hướng sang HTTPS: trang đăng nhập webmail có thể bị nghe lén hoặc giả mạo.`,
      `${http!.start} answers ${httpFirst.status} over plain HTTP without redirecting to HTTPS: the webmail sign-in can be sniffed or tampered with.`,
    );
  }
  const final = http!.finalUrl ?? http!.steps.at(-1)?.location ?? '';
  if (!http!.steps.some((s) => s.location?.startsWith('https://'))) {
    if (http!.outcome !== 'ok') return errorResult(ID, TITLE, CATEGORY, http!.error ?? { code: 'other', message: 'redirect chain ended early' }, REFS, facts);
    return fail(`HTTP chuyển hướng nhưng kết thúc ở ${final}, vẫn là HTTP.`, `HTTP redirects but ends on ${final}, still plain HTTP.`);
  }
  const viaHttp = !httpFirst.location.startsWith('https://');
  return webResult({
    ...base,
    status: viaHttp ? 'warn' : 'pass',
    severity: viaHttp ? 'medium' : 'info',
    detail: viaHttp
      ? text(
          `HTTP tới được HTTPS (${isHttps(final) ? final : httpFirst.location}) nhưng bước chuyển hướng đầu (${httpFirst.location}) vẫn là HTTP.`,
          `HTTP reaches HTTPS (${isHttps(final) ? final : httpFirst.location}) but the first redirect (${httpFirst.location}) stays on HTTP.`,
        )
      : text(
          `Webmail ${evidence.host} chỉ phục vụ qua HTTPS; HTTP chuyển hướng sang ${httpFirst.location}.`,
          `Webmail ${evidence.host} is served over HTTPS only; HTTP redirects to ${httpFirst.location}.`,
        ),
  });
}
