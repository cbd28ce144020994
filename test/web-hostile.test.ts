/**
 * The web probe against hostile, broken and tricky sites on loopback: soft-404 sites (no exposure
 * false positives), report-only CSP, login redirects, redirect loops, an endless body, a slow
 * drip, a stall after the headers, a stalled path, certificate problems, and the resolver choice.
 * Each run must finish within its limits, the affected checks report `error` with the reason and
 * the others keep their verdicts.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/checks/types.js';
import { checkWeb } from '../src/checks/web/index.js';
import { type CollectWebOptions, collectWebEvidence } from '../src/probes/http/index.js';
import type { WebEvidence } from '../src/probes/http/types.js';
import { type FixtureRequest, type FixtureResponse, type RunningFixture, page, startFixture } from './support/http-fixtures.js';

const SECURE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'self'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};
const { 'content-security-policy': _enforced, ...WITHOUT_CSP } = SECURE_HEADERS;
const LOGIN_FORM = '<form method="post" action="/dang-nhap"><input name="user"><input type="password" name="pass"><button>Đăng nhập</button></form>';
const SPA = page('Cổng dịch vụ công', `<div id="app"></div>${LOGIN_FORM}<script src="/static/app.js"></script>`);

const byHostNotFound = (request: FixtureRequest): FixtureResponse => {
  switch (request.host) {
    case 'spa.vigil.test':
      // Single-page app: every path answers 200 with the same shell (and a login form).
      return { status: 200, headers: SECURE_HEADERS, body: SPA };
    case 'echo.vigil.test':
      // Soft-404 that quotes the requested path and the date.
      return {
        status: 200,
        headers: SECURE_HEADERS,
        body: page('Không tìm thấy', `<p>Trang ${request.path} không tồn tại (${Date.now()}).</p><p>Quay lại <a href="/">trang chủ</a>.</p>`),
      };
    case 'redirect-all.vigil.test':
      return { status: 302, headers: { location: '/' } };
    default:
      return { status: 404, headers: { 'content-type': 'text/html' }, body: page('404', '<h1>Not Found</h1>') };
  }
};

const secureHome = (title: string, extraHeaders: Record<string, string> = {}): FixtureResponse => ({
  status: 200,
  headers: { ...SECURE_HEADERS, ...extraHeaders },
  body: page(title),
});
const toHttps = (host: string): FixtureResponse => ({ status: 301, headers: { location: `https://${host}/` } });

const SITES = ['spa', 'echo', 'redirect-all', 'report-only', 'login', 'sso', 'loop', 'fullloop', 'endless', 'drip', 'stall', 'slowpath', 'dns'].map(
  (name) => `${name}.vigil.test`,
);
let fixture: RunningFixture;
let options: CollectWebOptions;
let hostile: CollectWebOptions;

beforeAll(async () => {
  fixture = await startFixture({
    // Only these names resolve (no www siblings), as in a small DNS zone.
    names: [...SITES, 'www.dns.vigil.test', 'idp.vigil.test', 'agency.vigil.test'],
    certNames: ['vigil.test', '*.vigil.test', 'www.dns.vigil.test'],
    notFound: byHostNotFound,
    routes: {
      'spa.vigil.test/': { status: 200, headers: SECURE_HEADERS, body: SPA },
      'redirect-all.vigil.test/': { status: 200, headers: SECURE_HEADERS, body: page('Trang chủ', LOGIN_FORM) },
      'echo.vigil.test/': secureHome('Trang chủ'),
      'http://report-only.vigil.test/': toHttps('report-only.vigil.test'),
      'https://report-only.vigil.test/': {
        status: 200,
        headers: {
          ...WITHOUT_CSP,
          'x-frame-options': 'DENY',
          'content-security-policy-report-only': "default-src 'self'; script-src 'self' 'unsafe-inline'; report-uri /csp",
        },
        body: page('Report-only'),
      },
      'http://login.vigil.test/': toHttps('login.vigil.test'),
      'https://login.vigil.test/': { status: 302, headers: { ...SECURE_HEADERS, location: '/dang-nhap?return=%2F' } },
      'https://login.vigil.test/dang-nhap': { status: 200, headers: SECURE_HEADERS, body: page('Đăng nhập', LOGIN_FORM) },
      'http://sso.vigil.test/': toHttps('sso.vigil.test'),
      'https://sso.vigil.test/': {
        status: 302,
        headers: { ...SECURE_HEADERS, location: 'https://idp.vigil.test/cas/login?service=https%3A%2F%2Fsso.vigil.test%2F' },
      },
      'https://idp.vigil.test/cas/login': { status: 200, headers: SECURE_HEADERS, body: page('CAS', LOGIN_FORM) },
      // Redirect loops: on one page only, and on the whole site.
      'http://loop.vigil.test/': toHttps('loop.vigil.test'),
      'https://loop.vigil.test/': secureHome('Loop home'),
      'https://loop.vigil.test/portal': { status: 302, headers: { location: '/portal2' } },
      'https://loop.vigil.test/portal2': { status: 302, headers: { location: '/portal' } },
      'http://fullloop.vigil.test/': toHttps('fullloop.vigil.test'),
      'https://fullloop.vigil.test/': { status: 302, headers: { location: '/x' } },
      'https://fullloop.vigil.test/x': { status: 302, headers: { location: '/' } },
      // Bodies that never end, drip, or stall after the headers.
      'http://endless.vigil.test/': toHttps('endless.vigil.test'),
      'https://endless.vigil.test/': { behaviour: 'endless', headers: SECURE_HEADERS },
      'http://drip.vigil.test/': toHttps('drip.vigil.test'),
      'https://drip.vigil.test/': { behaviour: 'drip', headers: SECURE_HEADERS },
      'http://stall.vigil.test/': toHttps('stall.vigil.test'),
      'https://stall.vigil.test/': { behaviour: 'stall-body', headers: SECURE_HEADERS },
      // One sensitive path hangs before its headers.
      'http://slowpath.vigil.test/': toHttps('slowpath.vigil.test'),
      'https://slowpath.vigil.test/': secureHome('Slow path'),
      'slowpath.vigil.test/.env': { behaviour: 'stall-headers' },
      'https://slowpath.vigil.test/.git/HEAD': { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ref: refs/heads/main\n' },
      // Resolver test site.
      'http://dns.vigil.test/': toHttps('dns.vigil.test'),
      'https://dns.vigil.test/': secureHome('Resolved by the chosen resolver'),
    },
  });
  // Generous limits for well-behaved answers (CI machines can be slow), tight ones for hostile parts.
  options = { resolve: fixture.resolve, requestTimeoutMs: 5_000, bodyIdleTimeoutMs: 3_000, totalRequestTimeoutMs: 10_000, pathBudgetMs: 30_000 };
  hostile = { ...options, requestTimeoutMs: 3_000, bodyIdleTimeoutMs: 800, totalRequestTimeoutMs: 3_000 };
}, 30_000);

afterAll(async () => {
  await fixture?.close();
});

const byId = (results: CheckResult[], id: string): CheckResult => results.find((r) => r.id === id)!;
const EXPOSURE_IDS = [
  'web.exposure.git',
  'web.exposure.svn',
  'web.exposure.env',
  'web.exposure.backup',
  'web.exposure.phpinfo',
  'web.exposure.directory-listing',
  'web.exposure.server-status',
  'web.exposure.logs',
  'web.exposure.config',
  'web.admin-panel',
];

async function assess(url: string, chosen: CollectWebOptions = options): Promise<{ evidence: WebEvidence; results: CheckResult[]; ms: number }> {
  const started = performance.now();
  const evidence = await collectWebEvidence(url, fixture.ctx, chosen);
  return { evidence, results: checkWeb(evidence), ms: performance.now() - started };
}

describe('soft-404 sites produce no exposure findings', () => {
  it.each(['spa.vigil.test', 'echo.vigil.test', 'redirect-all.vigil.test'])('%s', async (host) => {
    const { evidence, results } = await assess(`https://${host}/`);
    expect(evidence.baseline?.soft404).toBe(true);
    for (const id of EXPOSURE_IDS) expect(byId(results, id).status, `${id}: ${byId(results, id).detail.en}`).toBe('pass');
    if (host !== 'echo.vigil.test') {
      // Admin signatures (a password field) matched, but the answer was the not-found page.
      expect(evidence.paths.filter((p) => p.verdict === 'soft-404').length).toBeGreaterThan(0);
    }
  });
});

describe('peers’ gaps on real sockets', () => {
  it('a report-only CSP is reported as report-only', async () => {
    const { results } = await assess('https://report-only.vigil.test/', { ...options, exposure: false });
    const csp = byId(results, 'web.headers.csp');
    expect(csp.status).toBe('warn');
    expect(csp.detail.en).toMatch(/Report-Only.*unsafe-inline/s);
  });

  it('a 302 to a login page is judged as a login redirect', async () => {
    const { evidence, results } = await assess('login.vigil.test', { ...options, exposure: false });
    expect(evidence.chain.steps.map((s) => s.status)).toEqual([302, 200]);
    expect(evidence.finalPage.loginPage).toBe(true);
    expect(byId(results, 'web.https').status).toBe('pass');
    expect(byId(results, 'web.https').detail.en).toContain('login redirect');
    expect(byId(results, 'web.headers.csp').status).toBe('pass');
  });

  it('a redirect to another host’s single sign-on keeps probing the target site', async () => {
    const { evidence, results } = await assess('https://sso.vigil.test/');
    expect(evidence.finalPage.url).toContain('https://idp.vigil.test/cas/login');
    expect(evidence.finalPage.loginPage).toBe(true);
    expect(evidence.siteOrigin).toBe('https://sso.vigil.test');
    expect(byId(results, 'web.https').status).toBe('pass');
  });
});

describe('hostile peers: the run finishes within its limits', () => {
  it('a redirect loop on the page errors the page checks only', async () => {
    const { evidence, results, ms } = await assess('https://loop.vigil.test/portal', hostile);
    expect(evidence.chain.outcome).toBe('redirect-loop');
    expect(ms).toBeLessThan(20_000);
    for (const id of ['web.headers.csp', 'web.headers.x-frame-options', 'web.sri', 'web.mixed-content']) {
      expect(byId(results, id).status).toBe('error');
      expect(byId(results, id).detail.en).toContain('redirect loop');
    }
    expect(byId(results, 'web.https').status).toBe('pass');
    expect(byId(results, 'web.hsts').status).toBe('pass');
    expect(byId(results, 'web.exposure.git').status).toBe('pass');
  });

  it('a whole-site redirect loop errors web.https with the reason', async () => {
    const { evidence, results, ms } = await assess('https://fullloop.vigil.test/', hostile);
    expect(ms).toBeLessThan(20_000);
    expect(evidence.endpoints.find((e) => e.label === 'https-apex')?.outcome).toBe('redirect-loop');
    expect(byId(results, 'web.https').status).toBe('error');
    expect(byId(results, 'web.https').detail.en).toContain('redirect loop');
    // A looping home page does not stop the sensitive-path probes.
    expect(byId(results, 'web.exposure.git').status).toBe('pass');
  });

  it('an endless body is cut at the cap with bounded memory; the page is still judged', async () => {
    const before = process.memoryUsage().heapUsed;
    const { evidence, results, ms } = await assess('https://endless.vigil.test/', { ...hostile, exposure: false, maxBodyBytes: 2 * 1024 * 1024 });
    const grown = process.memoryUsage().heapUsed - before;
    expect(ms).toBeLessThan(20_000);
    expect(evidence.finalPage.truncated).toBe(true);
    expect(evidence.finalPage.bodyBytes).toBe(2 * 1024 * 1024);
    expect(evidence.finalPage.html?.title).toBe('endless');
    expect(grown).toBeLessThan(96 * 1024 * 1024);
    expect(byId(results, 'web.sri').status).toBe('pass');
    expect(byId(results, 'web.headers.csp').status).toBe('pass');
  });

  it('a slow-drip body ends at the request time limit; body checks error, header checks judge', async () => {
    const { evidence, results, ms } = await assess('https://drip.vigil.test/', { ...hostile, exposure: false });
    expect(ms).toBeLessThan(20_000);
    expect(evidence.finalPage.error?.code).toBe('timeout-total');
    expect(byId(results, 'web.sri').status).toBe('error');
    expect(byId(results, 'web.cms').status).toBe('error');
    expect(byId(results, 'web.headers.csp').status).toBe('pass');
    expect(byId(results, 'web.hsts').status).toBe('pass');
  });

  it('a stall after the headers errors body checks with the reason, others unaffected', async () => {
    const { evidence, results, ms } = await assess('https://stall.vigil.test/', hostile);
    expect(ms).toBeLessThan(20_000);
    expect(evidence.finalPage.error?.code).toBe('timeout-body');
    for (const id of ['web.sri', 'web.mixed-content', 'web.cms']) {
      expect(byId(results, id).status).toBe('error');
      expect(byId(results, id).detail.en).toContain('stalled');
    }
    expect(byId(results, 'web.headers.x-content-type-options').status).toBe('pass');
    expect(byId(results, 'web.exposure.env').status).toBe('pass');
  });

  it('a sensitive path that never answers errors its category only', async () => {
    const { results, ms } = await assess('https://slowpath.vigil.test/', hostile);
    expect(ms).toBeLessThan(20_000);
    expect(byId(results, 'web.exposure.env').status).toBe('error');
    expect(byId(results, 'web.exposure.env').detail.en).toMatch(/timeout-headers|no response headers/);
    expect(byId(results, 'web.exposure.git').status).toBe('fail');
    expect(byId(results, 'web.exposure.backup').status).toBe('pass');
  });

  it('the whole-run budget ends a stalled target early with partial evidence', async () => {
    // The request time limits are far past the bound: ending before them shows the 1 s run budget did it.
    const { evidence, results, ms } = await assess('https://slowpath.vigil.test/.env', {
      ...options,
      requestTimeoutMs: 25_000,
      totalRequestTimeoutMs: 25_000,
      runBudgetMs: 1_000,
    });
    expect(ms).toBeLessThan(10_000);
    expect(evidence.chain.error?.code).toBe('budget');
    expect(byId(results, 'web.headers.csp').status).toBe('error');
    expect(byId(results, 'web.headers.csp').detail.en).toContain('budget');
  });

  it('a path budget that runs out reports unchecked paths as errors, quickly', async () => {
    const { evidence, results, ms } = await assess('https://slowpath.vigil.test/', { ...hostile, pathBudgetMs: 300, pathConcurrency: 1 });
    expect(ms).toBeLessThan(20_000);
    expect(evidence.paths.some((p) => p.error?.code === 'budget')).toBe(true);
    expect(results.filter((r) => r.category === 'exposure').some((r) => r.status === 'error')).toBe(true);
  });
});

describe('certificates', () => {
  let mismatch: RunningFixture;
  beforeAll(async () => {
    mismatch = await startFixture({ certNames: ['someone-else.test'], routes: { '/': { status: 200, headers: SECURE_HEADERS, body: page('Wrong name') } } });
  });
  afterAll(async () => {
    await mismatch?.close();
  });

  it('a certificate for another name fails web.https and web.hsts, the page is still read', async () => {
    const evidence = await collectWebEvidence('https://agency.vigil.test/', mismatch.ctx, { ...options, resolve: mismatch.resolve, exposure: false });
    const results = checkWeb(evidence);
    expect(evidence.chain.steps[0]?.tls?.authorizationError).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(byId(results, 'web.https').status).toBe('fail');
    expect(byId(results, 'web.hsts').status).toBe('fail');
    expect(byId(results, 'web.headers.csp').status).toBe('pass');
    expect(byId(results, 'web.exposure.git').status).toBe('info');
  });

  it('without the extra CA the chain is untrusted', async () => {
    const evidence = await collectWebEvidence('https://agency.vigil.test/', { ...fixture.ctx, extraCaPem: [] }, { ...options, exposure: false });
    expect(evidence.chain.steps[0]?.tls?.authorized).toBe(false);
    expect(evidence.chain.steps[0]?.tls?.authorizationError).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
  });
});

describe('the resolver choice', () => {
  let server: dgram.Socket;
  let silent: dgram.Socket;
  const queries: string[] = [];
  beforeAll(async () => {
    server = dgram.createSocket('udp4');
    server.on('message', (message, peer) => {
      const query = dnsPacket.decode(message);
      const question = query.questions?.[0];
      if (!question) return;
      queries.push(`${question.type} ${question.name}`);
      const known = /(^|\.)dns\.vigil\.test$/i.test(question.name);
      const answers = known && question.type === 'A' ? [{ type: 'A' as const, name: question.name, ttl: 60, data: '127.0.0.1' }] : [];
      const response = dnsPacket.encode({
        type: 'response',
        id: query.id,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3),
        questions: query.questions,
        answers,
      });
      server.send(response, peer.port, peer.address);
    });
    silent = dgram.createSocket('udp4');
    await Promise.all([server, silent].map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))));
  });
  afterAll(() => {
    server?.close();
    silent?.close();
  });

  it('resolves through ctx.resolver when set (no resolve option)', async () => {
    const ctx = { ...fixture.ctx, resolver: { host: '127.0.0.1', port: (server.address() as AddressInfo).port }, dnsTimeoutMs: 500, dnsRetries: 0 };
    const { resolve: _unused, ...withoutResolve } = options;
    const evidence = await collectWebEvidence('https://dns.vigil.test/', ctx, { ...withoutResolve, exposure: false });
    expect(evidence.finalPage.status).toBe(200);
    expect(queries).toContain('A dns.vigil.test');
    expect(evidence.endpoints.find((e) => e.label === 'https-www')?.outcome).toBe('ok');
  });

  it('never falls back to the system resolver when ctx.resolver is set', async () => {
    const ctx = { ...fixture.ctx, resolver: { host: '127.0.0.1', port: (silent.address() as AddressInfo).port }, dnsTimeoutMs: 300, dnsRetries: 0 };
    const { resolve: _unused, ...withoutResolve } = options;
    const started = performance.now();
    // localhost resolves through /etc/hosts on the system resolver; the silent resolver must win.
    const evidence = await collectWebEvidence('http://localhost/', ctx, { ...withoutResolve, exposure: false, includeWww: false });
    expect(performance.now() - started).toBeLessThan(8_000);
    expect(evidence.chain.steps[0]?.error?.code).toBe('dns');
    expect(checkWeb(evidence).find((r) => r.id === 'web.headers.csp')?.status).toBe('error');
  });
});
