/**
 * End to end over loopback: the HTTP probe against a well-configured and a badly configured site
 * served by the fixture (real sockets, real TLS with a self-made CA, the port map and Host/SNI as
 * in the lab), then checkWeb — every web check id shows both a pass and a fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_CHECK_IDS, checkWeb } from '../src/checks/web/index.js';
import type { CheckResult } from '../src/checks/types.js';
import { collectWebEvidence } from '../src/probes/http/index.js';
import type { WebEvidence } from '../src/probes/http/types.js';
import { type FixtureRequest, type RunningFixture, page, startFixture } from './support/http-fixtures.js';

const GOOD = 'agency.vigil.test';
const BAD = 'bad.vigil.test';
const nextYear = new Date(Date.now() + 180 * 86_400_000).toISOString();

const GOOD_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'content-security-policy': "default-src 'none'; script-src 'self' https://cdn.vigil.test; style-src 'self'; img-src 'self'; frame-ancestors 'self'",
  'x-frame-options': 'SAMEORIGIN',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  server: 'nginx',
};

function notFound(request: FixtureRequest) {
  // The bad site's framework prints a stack trace on malformed requests (the error-page probe).
  if (request.host === BAD && request.path.includes('%ff')) {
    return {
      status: 500,
      headers: { 'content-type': 'text/html' },
      body: '<b>Fatal error</b>: Uncaught TypeError: array given in <b>/var/www/html/index.php</b> on line <b>7</b><br />Stack trace:<br />#0 {main}',
    };
  }
  return { status: 404, headers: { 'content-type': 'text/html' }, body: page('404', '<h1>Không tìm thấy / Not Found</h1>') };
}

let fixture: RunningFixture;
let good: WebEvidence;
let bad: WebEvidence;
let goodResults: CheckResult[];
let badResults: CheckResult[];
let goodMs = 0;

beforeAll(async () => {
  fixture = await startFixture({
    notFound,
    routes: {
      // --- the well-configured portal
      [`http://${GOOD}/`]: { status: 301, headers: { location: `https://${GOOD}/` } },
      [`http://www.${GOOD}/`]: { status: 301, headers: { location: `https://www.${GOOD}/` } },
      [`https://www.${GOOD}/`]: { status: 301, headers: { location: `https://${GOOD}/`, 'strict-transport-security': 'max-age=63072000; includeSubDomains' } },
      [`https://${GOOD}/`]: {
        status: 200,
        headers: { ...GOOD_HEADERS, 'set-cookie': ['__Host-sid=opaque; Path=/; Secure; HttpOnly; SameSite=Lax'] },
        body: page(
          'Cổng thông tin điện tử',
          '<script src="/app.js"></script><script src="https://cdn.vigil.test/lib.js" integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC" crossorigin="anonymous"></script><img src="/logo.png">',
        ),
      },
      [`https://${GOOD}/.well-known/security.txt`]: {
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: `Contact: mailto:attt@${GOOD}\nExpires: ${nextYear}\nPreferred-Languages: vi, en\n`,
      },
      // --- the badly configured portal
      [`http://${BAD}/`]: { status: 200, headers: { 'content-type': 'text/html' }, body: page('Bad over http') },
      [`https://${BAD}/`]: (request) => ({
        status: 200,
        headers: {
          'content-type': 'text/html',
          server: 'Apache/2.4.41 (Ubuntu)',
          'x-powered-by': 'PHP/7.4.3',
          'referrer-policy': 'unsafe-url',
          'permissions-policy': 'camera=*, geolocation=*',
          'set-cookie': ['PHPSESSID=hunter2session; path=/'],
          ...(request.headers.origin ? { 'access-control-allow-origin': String(request.headers.origin), 'access-control-allow-credentials': 'true' } : {}),
        },
        body: page(
          'Bad portal',
          '<meta name="generator" content="Joomla! 3.9 - Open Source Content Management"><script src="http://cdn.other.test/jquery.js"></script>',
        ),
      }),
      [`${BAD}/.git/HEAD`]: { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: 'ref: refs/heads/master\n' },
      [`${BAD}/.svn/entries`]: { status: 200, headers: { 'content-type': 'text/plain' }, body: '12\n' },
      [`${BAD}/.env`]: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'APP_ENV=production\nDB_HOST=10.0.0.5\nDB_PASSWORD=hunter2\n' },
      [`${BAD}/backup.sql`]: { status: 200, headers: { 'content-type': 'application/sql' }, body: '-- MySQL dump 10.13\nCREATE TABLE `users` (`id` int);\n' },
      [`${BAD}/phpinfo.php`]: {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>phpinfo()</title></head><body><h1 class="p">PHP Version 7.4.3</h1></body></html>',
      },
      [`${BAD}/uploads/`]: {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>Index of /uploads</title></head><body><h1>Index of /uploads</h1><a href="cv.pdf">cv.pdf</a></body></html>',
      },
      [`${BAD}/server-status`]: {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html><body><h1>Apache Server Status for bad.vigil.test (via 127.0.0.1)</h1></body></html>',
      },
      [`${BAD}/debug.log`]: {
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: '[25-Nov-2026 10:00:00 UTC] PHP Warning:  Undefined variable $x in /var/www/html/index.php on line 3\n',
      },
      [`${BAD}/docker-compose.yml`]: {
        status: 200,
        headers: { 'content-type': 'text/yaml' },
        body: 'services:\n  db:\n    image: mysql:5.7\n    environment:\n      MYSQL_ROOT_PASSWORD: hunter2\n',
      },
      [`${BAD}/phpmyadmin/`]: {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>phpMyAdmin</title></head><body><form><input name="pma_username"><input type="password" name="pma_password"></form></body></html>',
      },
      [`${BAD}/.well-known/security.txt`]: {
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: `Contact: mailto:attt@${BAD}\nExpires: 2020-01-01T00:00:00Z\n`,
      },
    },
  });
  const options = { resolve: fixture.resolve, requestTimeoutMs: 5_000 };
  const started = performance.now();
  good = await collectWebEvidence(`https://${GOOD}/`, fixture.ctx, options);
  goodMs = performance.now() - started;
  bad = await collectWebEvidence(BAD, fixture.ctx, options);
  goodResults = checkWeb(good);
  badResults = checkWeb(bad);
}, 60_000);

afterAll(async () => {
  await fixture?.close();
});

const byId = (results: CheckResult[], id: string) => results.find((r) => r.id === id)!;

describe('collectWebEvidence against a loopback site', () => {
  it('connects through the port map while keeping Host and SNI, trusting the extra CA', () => {
    const hosts = new Set(fixture.requests.map((r) => r.host));
    expect(hosts.has(GOOD)).toBe(true);
    expect(hosts.has(`www.${GOOD}`)).toBe(true);
    const first = good.chain.steps[0]!;
    expect(first.tls).toMatchObject({ authorized: true });
    expect(first.connectedTo).toBe(`127.0.0.1:${fixture.httpsPort}`);
  });

  it('follows the four pshtt endpoints', () => {
    expect(good.endpoints.map((e) => `${e.label}:${e.outcome}:${e.finalUrl}`)).toEqual([
      `http-apex:ok:https://${GOOD}/`,
      `https-apex:ok:https://${GOOD}/`,
      `http-www:ok:https://${GOOD}/`,
      `https-www:ok:https://${GOOD}/`,
    ]);
    expect(good.endpoints[2]!.steps.map((s) => s.status)).toEqual([301, 301, 200]);
  });

  it('parses the final page, cookies and security.txt', () => {
    expect(good.finalPage.status).toBe(200);
    expect(good.finalPage.html?.title).toBe('Cổng thông tin điện tử');
    expect(good.finalPage.html?.scripts.find((s) => s.external)?.integrity).toMatch(/^sha384-/);
    expect(good.cookies).toEqual([expect.objectContaining({ name: '__Host-sid', secure: true, httpOnly: true, sameSite: 'Lax', sessionLike: true })]);
    expect(good.securityTxt).toMatchObject({ found: true, problems: [] });
    expect(good.baseline?.soft404).toBe(false);
    expect(good.paths.length).toBeGreaterThan(60);
    expect(good.paths.every((p) => p.verdict === 'absent')).toBe(true);
  });

  it('finds the bad site’s exposures with proof, never storing secrets', () => {
    const found = bad.paths.filter((p) => p.verdict === 'found').map((p) => p.path);
    expect(found).toEqual(
      expect.arrayContaining([
        '/.git/HEAD',
        '/.svn/entries',
        '/.env',
        '/backup.sql',
        '/phpinfo.php',
        '/uploads/',
        '/server-status',
        '/debug.log',
        '/docker-compose.yml',
        '/phpmyadmin/',
      ]),
    );
    expect(bad.paths.find((p) => p.path === '/.git/HEAD')?.excerpt).toBe('ref: refs/heads/master');
    expect(bad.paths.find((p) => p.path === '/.env')?.excerpt).toContain('DB_PASSWORD=***');
    const stored = JSON.stringify({ bad, badResults });
    expect(stored).not.toContain('hunter2');
    expect(bad.errorPages?.stackTraceMarkers.map((m) => m.marker)).toContain('PHP error with path');
    expect(bad.cors).toMatchObject({ allowOrigin: 'https://evil.example', allowCredentials: 'true' });
  });

  it('assesses a site in well under the time limits', () => {
    expect(goodMs).toBeLessThan(15_000);
    expect(good.durationMs).toBeGreaterThan(0);
  });
});

describe('checkWeb on the collected evidence', () => {
  it.each([...WEB_CHECK_IDS])('%s passes on the good site', (id) => {
    const result = byId(goodResults, id);
    expect(result.status, result.detail.en).toBe('pass');
  });

  it.each([...WEB_CHECK_IDS])('%s fails on the bad site', (id) => {
    const result = byId(badResults, id);
    expect(result.status, result.detail.en).toBe('fail');
    expect(result.remediation.vi).not.toBe('');
  });

  it('lets the orchestrator compute an Observatory-style score', () => {
    const score = (results: CheckResult[]) => 100 + results.reduce((sum, r) => sum + (r.evidence.observatoryModifier as number), 0);
    expect(score(goodResults)).toBeGreaterThanOrEqual(100);
    expect(score(badResults)).toBeLessThan(0);
  });
});
