import { describe, expect, it } from 'vitest';
import type { FinalPage, HttpExchange, PathProbe, RedirectChain, WebEvidence } from '../../probes/http/types.js';
import { parsePage } from '../../probes/http/page.js';
import { catalogueEntry } from '../catalogue.js';
import type { CheckResult } from '../types.js';
import { WEB_CHECK_IDS, analyseCsp, checkWeb, parseHsts } from './index.js';
import { compareVersions, judgeCmsVersion } from './cms-versions.js';
import { maskSecrets } from './exposure-paths.js';

const HOST = 'agency.vigil.test';
const HOME = `https://${HOST}/`;

function step(url: string, status: number, headers: Record<string, string> = {}, extra: Partial<HttpExchange> = {}): HttpExchange {
  const exchange: HttpExchange = { url, method: 'GET', status, headers, setCookies: [], durationMs: 1, ...extra };
  if (url.startsWith('https://') && !exchange.tls) exchange.tls = { authorized: true, protocol: 'TLSv1.3' };
  if (headers.location) exchange.location = new URL(headers.location, url).href;
  return exchange;
}

function chain(label: RedirectChain['label'], steps: HttpExchange[], outcome: RedirectChain['outcome'] = 'ok'): RedirectChain {
  const last = steps.at(-1)!;
  const result: RedirectChain = { label, start: steps[0]!.url, steps, outcome };
  if (outcome === 'ok') {
    result.finalUrl = last.url;
    if (last.status !== undefined) result.finalStatus = last.status;
  }
  return result;
}

const GOOD_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'content-security-policy': "default-src 'none'; script-src 'self' https://cdn.vigil.test; style-src 'self'; img-src 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  server: 'nginx',
};

const GOOD_HTML =
  '<!doctype html><html><head><title>Cổng thông tin</title><script src="/app.js"></script>' +
  '<script src="https://cdn.vigil.test/lib.js" integrity="sha384-abc" crossorigin="anonymous"></script></head>' +
  '<body><img src="/logo.png"></body></html>';

function finalPage(url: string, headers: Record<string, string>, html: string | undefined, extra: Partial<FinalPage> = {}): FinalPage {
  const page: FinalPage = { url, status: 200, headers, bodyBytes: html?.length ?? 0, truncated: false, loginPage: false, ...extra };
  if (html !== undefined) page.html = parsePage(html, url, headers);
  if (page.html?.loginForm) page.loginPage = true;
  return page;
}

function paths(found: Partial<Record<PathProbe['category'], string>> = {}, verdict: PathProbe['verdict'] = 'found'): PathProbe[] {
  const categories: PathProbe['category'][] = ['git', 'svn', 'env', 'backup', 'phpinfo', 'directory-listing', 'server-status', 'logs', 'config', 'admin-panel'];
  return categories.map((category) => {
    const path = found[category];
    if (path)
      return {
        path,
        category,
        entry: category === 'admin-panel' && path.includes('phpmyadmin') ? 'phpmyadmin' : category,
        verdict,
        status: 200,
        signature: 'sig',
        excerpt: 'x',
      };
    return { path: `/${category}-probe`, category, entry: category, verdict: 'absent', status: 404 };
  });
}

/** A site where every web check passes. */
function goodEvidence(): WebEvidence {
  const home = step(HOME, 200, GOOD_HEADERS, { setCookies: ['__Host-sid=s3cr3t; Path=/; Secure; HttpOnly; SameSite=Lax'] });
  return {
    target: HOME,
    host: HOST,
    apexHost: HOST,
    startedAt: '2026-11-25T00:00:00.000Z',
    durationMs: 10,
    chain: chain('target', [home]),
    endpoints: [
      chain('http-apex', [step(`http://${HOST}/`, 301, { location: HOME }), home]),
      chain('https-apex', [home]),
      chain('http-www', [step(`http://www.${HOST}/`, 301, { location: `https://www.${HOST}/` }), step(`https://www.${HOST}/`, 301, { location: HOME }), home]),
      chain('https-www', [step(`https://www.${HOST}/`, 301, { location: HOME }), home]),
    ],
    siteOrigin: `https://${HOST}`,
    finalPage: finalPage(HOME, GOOD_HEADERS, GOOD_HTML),
    cookies: [
      {
        name: '__Host-sid',
        setBy: HOME,
        secure: true,
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        persistent: false,
        sessionLike: true,
        antiCsrf: false,
        prefixValid: true,
      },
    ],
    baseline: { samples: [{ path: '/vigil-x.txt', status: 404, length: 10 }], soft404: false },
    paths: paths(),
    cors: { url: HOME, origin: 'https://evil.example', status: 200 },
    errorPages: { probes: [{ url: `${HOME}vigil-x`, status: 404 }], stackTraceMarkers: [], versionStrings: [] },
    securityTxt: {
      url: `${HOME}.well-known/security.txt`,
      status: 200,
      contentType: 'text/plain',
      found: true,
      fields: { contact: ['mailto:attt@vigil.test'], expires: ['2027-06-01T00:00:00Z'] },
      signed: false,
      problems: [],
      expires: '2027-06-01T00:00:00Z',
    },
    limits: { maxBodyBytes: 2 ** 21, maxPathBodyBytes: 65536, maxRedirects: 10, requestTimeoutMs: 1000, pathBudgetMs: 1000, pathConcurrency: 8 },
    notes: [],
  };
}

function byId(results: CheckResult[], id: string): CheckResult {
  const found = results.find((r) => r.id === id);
  if (!found) throw new Error(`no result ${id}`);
  return found;
}

function withPage(evidence: WebEvidence, headers: Record<string, string>, html = GOOD_HTML, url = HOME): WebEvidence {
  return { ...evidence, finalPage: finalPage(url, headers, html) };
}

describe('checkWeb on a well-configured site', () => {
  const results = checkWeb(goodEvidence());

  it('returns every catalogue id once, in order', () => {
    expect(results.map((r) => r.id)).toEqual([...WEB_CHECK_IDS]);
  });

  it.each([...WEB_CHECK_IDS])('%s passes', (id) => {
    const result = byId(results, id);
    expect(result.status, `${id}: ${result.detail.en}`).toBe('pass');
    expect(result.severity).toBe('info');
    expect(result.title.vi.length).toBeGreaterThan(0);
    // The catalogue's title and category, the same as an `error` result of this id carries.
    expect({ title: result.title, category: result.category }).toEqual({ title: catalogueEntry(id)?.title, category: catalogueEntry(id)?.category });
    expect(result.detail.vi.length).toBeGreaterThan(0);
    expect(typeof result.evidence.observatoryModifier).toBe('number');
    expect(result.references.length).toBeGreaterThan(0);
  });

  it('assigns the scoring categories', () => {
    expect(byId(results, 'web.https').category).toBe('web-tls');
    expect(byId(results, 'web.hsts').category).toBe('web-tls');
    expect(byId(results, 'web.headers.csp').category).toBe('web-headers');
    expect(byId(results, 'web.exposure.git').category).toBe('exposure');
    expect(byId(results, 'web.admin-panel').category).toBe('exposure');
  });

  it('carries Observatory bonuses on a strict site', () => {
    expect(byId(results, 'web.headers.csp').evidence.observatoryModifier).toBe(10);
    expect(byId(results, 'web.headers.x-frame-options').evidence.observatoryModifier).toBe(5);
    expect(byId(results, 'web.headers.referrer-policy').evidence.observatoryModifier).toBe(5);
    expect(byId(results, 'web.cookies').evidence.observatoryModifier).toBe(5);
    expect(byId(results, 'web.sri').evidence.observatoryModifier).toBe(5);
  });
});

/** For every id: a mutation of the good site that must make it fail, with the Observatory modifier expected. */
const FAILURES: { id: string; mutate: (e: WebEvidence) => WebEvidence; modifier?: number; severity?: string }[] = [
  {
    id: 'web.https',
    modifier: -20,
    mutate: (e) => ({
      ...e,
      endpoints: e.endpoints.map((c) => (c.label === 'http-apex' ? chain('http-apex', [step(`http://${HOST}/`, 200, { 'content-type': 'text/html' })]) : c)),
    }),
  },
  {
    id: 'web.hsts',
    modifier: -20,
    mutate: (e) => {
      const { 'strict-transport-security': _drop, ...rest } = GOOD_HEADERS;
      return withPage(e, rest);
    },
  },
  {
    id: 'web.headers.csp',
    modifier: -25,
    mutate: (e) => {
      const { 'content-security-policy': _drop, ...rest } = GOOD_HEADERS;
      return withPage(e, rest);
    },
  },
  {
    id: 'web.headers.x-frame-options',
    modifier: -20,
    mutate: (e) => {
      const { 'x-frame-options': _x, 'content-security-policy': _c, ...rest } = GOOD_HEADERS;
      return withPage(e, rest);
    },
  },
  {
    id: 'web.headers.x-content-type-options',
    modifier: -5,
    mutate: (e) => {
      const { 'x-content-type-options': _drop, ...rest } = GOOD_HEADERS;
      return withPage(e, rest);
    },
  },
  { id: 'web.headers.referrer-policy', modifier: -5, mutate: (e) => withPage(e, { ...GOOD_HEADERS, 'referrer-policy': 'unsafe-url' }) },
  { id: 'web.headers.permissions-policy', mutate: (e) => withPage(e, { ...GOOD_HEADERS, 'permissions-policy': 'camera=*, geolocation=()' }) },
  {
    id: 'web.cookies',
    modifier: -40,
    severity: 'high',
    mutate: (e) => {
      const { 'strict-transport-security': _drop, ...rest } = GOOD_HEADERS;
      return {
        ...withPage(e, rest),
        cookies: [{ name: 'PHPSESSID', setBy: HOME, secure: false, httpOnly: true, persistent: false, sessionLike: true, antiCsrf: false, prefixValid: true }],
      };
    },
  },
  {
    id: 'web.cors',
    modifier: -50,
    severity: 'high',
    mutate: (e) => ({ ...e, cors: { url: HOME, origin: 'https://evil.example', status: 200, allowOrigin: 'https://evil.example', allowCredentials: 'true' } }),
  },
  {
    id: 'web.sri',
    modifier: -50,
    mutate: (e) => withPage(e, GOOD_HEADERS, '<html><head><script src="http://cdn.other.test/jquery.js"></script></head><body></body></html>'),
  },
  {
    id: 'web.disclosure',
    mutate: (e) => ({ ...e, errorPages: { probes: [], stackTraceMarkers: [{ url: `${HOME}x`, marker: 'PHP error with path' }], versionStrings: [] } }),
  },
  { id: 'web.exposure.git', severity: 'critical', mutate: (e) => ({ ...e, paths: paths({ git: '/.git/HEAD' }) }) },
  { id: 'web.exposure.svn', mutate: (e) => ({ ...e, paths: paths({ svn: '/.svn/entries' }) }) },
  { id: 'web.exposure.env', severity: 'critical', mutate: (e) => ({ ...e, paths: paths({ env: '/.env' }) }) },
  { id: 'web.exposure.backup', mutate: (e) => ({ ...e, paths: paths({ backup: '/backup.sql' }) }) },
  { id: 'web.exposure.phpinfo', mutate: (e) => ({ ...e, paths: paths({ phpinfo: '/phpinfo.php' }) }) },
  { id: 'web.exposure.directory-listing', mutate: (e) => ({ ...e, paths: paths({ 'directory-listing': '/uploads/' }) }) },
  { id: 'web.exposure.server-status', mutate: (e) => ({ ...e, paths: paths({ 'server-status': '/server-status' }) }) },
  { id: 'web.exposure.logs', mutate: (e) => ({ ...e, paths: paths({ logs: '/debug.log' }) }) },
  { id: 'web.exposure.config', mutate: (e) => ({ ...e, paths: paths({ config: '/docker-compose.yml' }) }) },
  { id: 'web.admin-panel', severity: 'high', mutate: (e) => ({ ...e, paths: paths({ 'admin-panel': '/phpmyadmin/' }) }) },
  {
    id: 'web.cms',
    severity: 'high',
    mutate: (e) => withPage(e, GOOD_HEADERS, '<html><head><meta name="generator" content="Joomla! 3.9 - Open Source Content Management"></head></html>'),
  },
  {
    id: 'web.security-txt',
    mutate: (e) => ({
      ...e,
      securityTxt: {
        ...e.securityTxt!,
        fields: { contact: ['mailto:a@b.vn'], expires: ['2020-01-01T00:00:00Z'] },
        problems: ['Expires 2020-01-01T00:00:00Z is in the past: the file is stale'],
      },
    }),
  },
  {
    id: 'web.mixed-content',
    mutate: (e) => withPage(e, GOOD_HEADERS, '<html><head><link rel="stylesheet" href="http://static.vigil.test/site.css"></head><body></body></html>'),
  },
];

describe('checkWeb failing outcomes', () => {
  it('covers every id', () => {
    expect(FAILURES.map((f) => f.id).sort()).toEqual([...WEB_CHECK_IDS].sort());
  });

  it.each(FAILURES)('$id fails', ({ id, mutate, modifier, severity }) => {
    const results = checkWeb(mutate(goodEvidence()));
    const result = byId(results, id);
    expect(result.status, result.detail.en).toBe('fail');
    if (modifier !== undefined) expect(result.evidence.observatoryModifier).toBe(modifier);
    if (severity) expect(result.severity).toBe(severity);
    expect(result.remediation.en.length).toBeGreaterThan(20);
    expect(result.remediation.vi.length).toBeGreaterThan(20);
    // The mutation touches one thing: unrelated checks still pass.
    expect(byId(results, id === 'web.exposure.git' ? 'web.exposure.env' : 'web.exposure.git').status).toBe('pass');
  });

  it('names concrete nginx, Apache and IIS configuration in header remediation', () => {
    const hsts = byId(checkWeb(FAILURES[1]!.mutate(goodEvidence())), 'web.hsts');
    expect(hsts.remediation.en).toContain('add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;');
    expect(hsts.remediation.en).toContain('Header always set Strict-Transport-Security');
    expect(hsts.remediation.en).toContain('<customHeaders>');
    expect(hsts.remediation.vi).toContain('add_header Strict-Transport-Security');
  });
});

describe("peers' gaps", () => {
  it('judges a report-only CSP as report-only (warn, policy analysed), not missing', () => {
    const { 'content-security-policy': _drop, ...rest } = GOOD_HEADERS;
    const e = withPage(goodEvidence(), { ...rest, 'content-security-policy-report-only': "default-src 'self'; script-src 'self' 'unsafe-inline'" });
    const csp = byId(checkWeb(e), 'web.headers.csp');
    expect(csp.status).toBe('warn');
    expect(csp.detail.en).toContain('Report-Only');
    expect(csp.detail.en).toContain('unsafe-inline');
    expect(csp.evidence.observatoryModifier).toBe(-15);
    expect(csp.evidence.reportOnlyOnly).toBe(true);
  });

  it('judges a 302 to a login page as a login redirect, not a failure', () => {
    const login = `https://${HOST}/login?next=%2F`;
    const e = goodEvidence();
    const loginStep = step(login, 200, GOOD_HEADERS);
    e.chain = chain('target', [step(HOME, 302, { ...GOOD_HEADERS, location: login }), loginStep]);
    e.endpoints = e.endpoints.map((c) => (c.label === 'https-apex' ? { ...e.chain, label: 'https-apex' } : c));
    e.finalPage = finalPage(
      login,
      GOOD_HEADERS,
      '<html><head><title>Đăng nhập</title></head><body><form method="post"><input name="u"><input type="password" name="p"></form></body></html>',
    );
    const results = checkWeb(e);
    expect(e.finalPage.loginPage).toBe(true);
    expect(byId(results, 'web.https').status).toBe('pass');
    expect(byId(results, 'web.https').detail.en).toContain('login redirect');
    expect(byId(results, 'web.headers.csp').status).toBe('pass');
  });

  it('reports nothing on a soft-404 site (answers like the not-found page are not findings)', () => {
    const e = {
      ...goodEvidence(),
      paths: paths({ git: '/.git/HEAD', env: '/.env', 'admin-panel': '/admin/' }, 'soft-404'),
      baseline: { samples: [], soft404: true },
    };
    const results = checkWeb(e);
    for (const id of WEB_CHECK_IDS.filter((i) => i.startsWith('web.exposure') || i === 'web.admin-panel')) {
      expect(byId(results, id).status).toBe('pass');
    }
    expect(byId(results, 'web.exposure.git').detail.en).toContain('not-found page');
  });
});

describe('degraded evidence gives error results with the reason', () => {
  it('header checks error when the page gave no answer; exposure checks keep their verdicts', () => {
    const e = goodEvidence();
    e.finalPage = { url: HOME, headers: {}, bodyBytes: 0, truncated: false, loginPage: false, error: { code: 'redirect-loop', message: 'redirect loop' } };
    const results = checkWeb(e);
    for (const id of ['web.headers.csp', 'web.headers.x-frame-options', 'web.sri', 'web.cms', 'web.mixed-content']) {
      expect(byId(results, id).status).toBe('error');
      expect(byId(results, id).detail.en).toContain('redirect loop');
    }
    expect(byId(results, 'web.exposure.git').status).toBe('pass');
  });

  it('a body stalled after the headers errors body checks only', () => {
    const e = goodEvidence();
    e.finalPage = { ...e.finalPage, error: { code: 'timeout-body', message: 'the body stalled' } };
    const results = checkWeb(e);
    expect(byId(results, 'web.headers.csp').status).toBe('pass');
    expect(byId(results, 'web.sri').status).toBe('error');
    expect(byId(results, 'web.sri').evidence.error).toMatchObject({ code: 'timeout-body' });
  });

  it('an unanswered sensitive path makes its category an error, not a pass', () => {
    const e = goodEvidence();
    e.paths = e.paths.map((p) =>
      p.category === 'env' ? { ...p, verdict: 'error', error: { code: 'timeout-headers', message: 'no response headers in time' } } : p,
    );
    const results = checkWeb(e);
    expect(byId(results, 'web.exposure.env').status).toBe('error');
    expect(byId(results, 'web.exposure.git').status).toBe('pass');
  });
});

describe('finer verdicts', () => {
  it('HSTS thresholds: < 6 months fails, 6–12 months warns, no includeSubDomains warns', () => {
    const hsts = (value: string) => byId(checkWeb(withPage(goodEvidence(), { ...GOOD_HEADERS, 'strict-transport-security': value })), 'web.hsts');
    expect(hsts('max-age=86400').status).toBe('fail');
    expect(hsts('max-age=86400').evidence.observatoryModifier).toBe(-10);
    expect(hsts('max-age=20000000; includeSubDomains').status).toBe('warn');
    expect(hsts('max-age=31536000').status).toBe('warn');
    expect(hsts('max-age=31536000; includeSubDomains; preload').detail.en).toContain('preload');
    expect(hsts('includeSubDomains').status).toBe('fail');
    expect(parseHsts('max-age="31536000"; includeSubDomains').maxAge).toBe(31536000);
  });

  it('HTTPS with an untrusted certificate fails web.https and web.hsts', () => {
    const e = goodEvidence();
    const bad = step(HOME, 200, GOOD_HEADERS, { tls: { authorized: false, authorizationError: 'CERT_HAS_EXPIRED' } });
    e.endpoints = e.endpoints.map((c) => (c.label === 'https-apex' ? chain('https-apex', [bad]) : c));
    e.chain = chain('target', [bad]);
    const results = checkWeb(e);
    expect(byId(results, 'web.https').status).toBe('fail');
    expect(byId(results, 'web.https').detail.en).toContain('CERT_HAS_EXPIRED');
    expect(byId(results, 'web.hsts').status).toBe('fail');
  });

  it('no HTTPS at all fails web.https and web.hsts', () => {
    const e = goodEvidence();
    const failed: RedirectChain = {
      label: 'https-apex',
      start: HOME,
      steps: [{ url: HOME, method: 'GET', headers: {}, setCookies: [], durationMs: 1, error: { code: 'connect', message: 'ECONNREFUSED' } }],
      outcome: 'error',
      error: { code: 'connect', message: 'ECONNREFUSED' },
    };
    e.endpoints = e.endpoints.map((c) =>
      c.label === 'https-apex' ? failed : c.label === 'http-apex' ? chain('http-apex', [step(`http://${HOST}/`, 200, {})]) : c,
    );
    e.finalPage = finalPage(`http://${HOST}/`, { 'content-type': 'text/html' }, GOOD_HTML);
    const results = checkWeb(e);
    expect(byId(results, 'web.https').status).toBe('fail');
    expect(byId(results, 'web.hsts').status).toBe('fail');
    expect(byId(results, 'web.mixed-content').status).toBe('info');
  });

  it('a host that answers nothing (down, unresolvable) is an error for web.https and web.hsts, not a missing-HTTPS failure', () => {
    const e = goodEvidence();
    const refused = (label: RedirectChain['label'], url: string): RedirectChain => ({
      label,
      start: url,
      steps: [{ url, method: 'GET', headers: {}, setCookies: [], durationMs: 1, error: { code: 'connect', message: 'ECONNREFUSED' } }],
      outcome: 'error',
      error: { code: 'connect', message: 'ECONNREFUSED' },
    });
    e.endpoints = e.endpoints.map((c) =>
      c.label === 'https-apex' ? refused('https-apex', HOME) : c.label === 'http-apex' ? refused('http-apex', `http://${HOST}/`) : c,
    );
    e.chain = refused('target', HOME);
    e.finalPage = { url: HOME, headers: {}, error: { code: 'connect', message: 'ECONNREFUSED' } } as typeof e.finalPage;
    const results = checkWeb(e);
    for (const id of ['web.https', 'web.hsts']) {
      expect(byId(results, id).status, id).toBe('error');
      expect(byId(results, id).detail.en).toContain(`${HOST} did not answer over HTTP or HTTPS: ECONNREFUSED`);
    }
  });

  it('CSP analysis: nonces neutralise unsafe-inline, wildcards do not', () => {
    expect(analyseCsp(["script-src 'self' 'unsafe-inline' 'nonce-abc'"]).unsafeInline).toBe(false);
    expect(analyseCsp(["script-src 'self' 'unsafe-inline'"]).unsafeInline).toBe(true);
    expect(analyseCsp(["default-src 'self'; script-src *"]).insecureSchemeActive).toBe(true);
    expect(analyseCsp(["img-src 'self'"]).unsafeInline).toBe(true);
    // Two enforced policies: inline is allowed only if both allow it.
    expect(analyseCsp(["script-src 'unsafe-inline'", "script-src 'self'"]).unsafeInline).toBe(false);
  });

  it('a CSP with unsafe-eval only warns (−10)', () => {
    const csp = byId(
      checkWeb(withPage(goodEvidence(), { ...GOOD_HEADERS, 'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-eval'" })),
      'web.headers.csp',
    );
    expect(csp.status).toBe('warn');
    expect(csp.evidence.observatoryModifier).toBe(-10);
  });

  it('a reflected origin without credentials only warns', () => {
    const e = { ...goodEvidence(), cors: { url: HOME, origin: 'https://evil.example', status: 200, allowOrigin: 'https://evil.example' } };
    expect(byId(checkWeb(e), 'web.cors').status).toBe('warn');
  });

  it('session cookie without HttpOnly fails with −30', () => {
    const e = goodEvidence();
    e.cookies = [{ ...e.cookies[0]!, name: 'JSESSIONID', httpOnly: false }];
    const cookies = byId(checkWeb(e), 'web.cookies');
    expect(cookies.status).toBe('fail');
    expect(cookies.evidence.observatoryModifier).toBe(-30);
  });

  it('a public CMS admin login warns; a database admin tool fails', () => {
    const cms = byId(checkWeb({ ...goodEvidence(), paths: paths({ 'admin-panel': '/wp-admin/' }) }), 'web.admin-panel');
    expect(cms.status).toBe('warn');
    const db = byId(checkWeb({ ...goodEvidence(), paths: paths({ 'admin-panel': '/phpmyadmin/' }) }), 'web.admin-panel');
    expect(db.status).toBe('fail');
  });

  it('version disclosure warns; a versionless Server header passes', () => {
    const warn = byId(checkWeb(withPage(goodEvidence(), { ...GOOD_HEADERS, server: 'Apache/2.4.41 (Ubuntu)', 'x-powered-by': 'PHP/7.4.3' })), 'web.disclosure');
    expect(warn.status).toBe('warn');
    expect(warn.detail.en).toContain('Apache/2.4.41');
  });

  it('CMS versions: end of life, outdated, current', () => {
    expect(judgeCmsVersion('wordpress', '4.5.2')).toBe('end-of-life');
    expect(judgeCmsVersion('wordpress', '5.9')).toBe('outdated');
    expect(judgeCmsVersion('wordpress', '6.8.1')).toBe('current');
    expect(judgeCmsVersion('drupal', '7')).toBe('end-of-life');
    expect(judgeCmsVersion('joomla', '4.4.3')).toBe('end-of-life');
    expect(compareVersions('10.10', '10.9')).toBe(1);
  });

  it('says what is wrong in Vietnamese too', () => {
    const expired = FAILURES.find((f) => f.id === 'web.security-txt')!.mutate(goodEvidence());
    expect(byId(checkWeb(expired), 'web.security-txt').detail.vi).toContain('đã qua');
    const cookie = FAILURES.find((f) => f.id === 'web.cookies')!.mutate(goodEvidence());
    expect(byId(checkWeb(cookie), 'web.cookies').detail.vi).toContain('cookie phiên thiếu Secure');
    const weak = withPage(goodEvidence(), { ...GOOD_HEADERS, 'content-security-policy': "script-src 'self' 'unsafe-inline'" });
    expect(byId(checkWeb(weak), 'web.headers.csp').detail.vi).toContain('cho phép script nội tuyến');
  });

  it('masks secrets in excerpts', () => {
    expect(maskSecrets('DB_PASSWORD=hunter2\nAPP_ENV=production')).toBe('DB_PASSWORD=***\nAPP_ENV=***');
  });
});
