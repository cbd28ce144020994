import { describe, expect, it } from 'vitest';
import { collectCookies, parseSetCookie } from './cookies.js';
import { expandPaths, fingerprint, siteNames, similarity } from './exposure.js';
import { analyseSecurityTxt, scanErrorText } from './extras.js';
import { parsePage } from './page.js';
import { EXPOSURE_PATHS } from '../../checks/web/exposure-paths.js';
import type { ErrorPageEvidence } from './types.js';

describe('parsePage', () => {
  const html = `<!doctype html><html><head><title> Cổng thông tin điện tử </title>
    <meta name="generator" content="WordPress 6.1.1">
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'">
    <link rel="stylesheet" href="http://static.other.test/a.css">
    <link rel="stylesheet" href="/wp-includes/css/dashicons.min.css?ver=6.1.1">
    <script src="/wp-includes/js/jquery/jquery.min.js?ver=3.6.1"></script>
    <script src="/wp-includes/js/wp-embed.min.js?ver=6.1.1"></script>
    <script src="https://cdn.other.test/x.js" integrity="sha384-abc" crossorigin="anonymous"></script>
    <script>var inline = 1;</script></head>
    <body><iframe src="http://maps.other.test/embed"></iframe><img src="http://img.other.test/a.png"><img src="data:image/png;base64,xx">
    <form action="/search"><input name="q"></form><form action="http://agency.vigil.test/login" method="POST"><input type="password" name="p"></form>
    </body></html>`;
  const page = parsePage(html, 'https://agency.vigil.test/', {});

  it('extracts title, generator, meta CSP and scripts with SRI attributes', () => {
    expect(page.title).toBe('Cổng thông tin điện tử');
    expect(page.generators).toEqual(['WordPress 6.1.1']);
    expect(page.metaCsp).toEqual(["default-src 'self'"]);
    expect(page.inlineScripts).toBe(1);
    const cdn = page.scripts.find((s) => s.url === 'https://cdn.other.test/x.js');
    expect(cdn).toMatchObject({ external: true, integrity: 'sha384-abc', crossorigin: 'anonymous' });
    expect(page.scripts.filter((s) => !s.external)).toHaveLength(2);
  });

  it('finds mixed content, active and passive, ignoring data: URLs', () => {
    const kinds = page.mixedContent.map((m) => `${m.kind}:${m.tag}`).sort();
    expect(kinds).toEqual(['active:form', 'active:iframe', 'active:link', 'passive:img']);
  });

  it('detects forms with passwords and CMS version markers from wp-includes only', () => {
    expect(page.loginForm).toBe(true);
    expect(page.forms.find((f) => f.hasPassword)?.method).toBe('post');
    const versions = page.cms.filter((m) => m.cms === 'wordpress').map((m) => `${m.source}|${m.version}`);
    expect(versions).toContain('meta generator|6.1.1');
    expect(versions).toContain('wp-includes ver=|6.1.1');
    expect(versions).not.toContain('wp-includes ver=|3.6.1');
  });

  it('recognises Joomla and Drupal markers', () => {
    expect(parsePage('<html><head><script src="/media/jui/js/jquery.min.js"></script></head></html>', 'https://a.test/').cms[0]?.cms).toBe('joomla');
    const drupal = parsePage('<html><head><meta name="Generator" content="Drupal 10 (https://www.drupal.org)"></head></html>', 'https://a.test/');
    expect(drupal.cms[0]).toMatchObject({ cms: 'drupal', version: '10' });
    expect(parsePage('<html></html>', 'https://a.test/', { 'x-drupal-cache': 'HIT' }).cms[0]?.cms).toBe('drupal');
  });

  it('reports no mixed content on an http page', () => {
    expect(parsePage('<img src="http://x.test/a.png">', 'http://a.test/').mixedContent).toHaveLength(0);
  });
});

describe('cookies', () => {
  it('parses flags and never keeps the value', () => {
    const cookie = parseSetCookie('PHPSESSID=supersecret; path=/; HttpOnly; SameSite=Lax', 'https://a.test/');
    expect(cookie).toMatchObject({ name: 'PHPSESSID', httpOnly: true, secure: false, sameSite: 'Lax', sessionLike: true });
    expect(JSON.stringify(cookie)).not.toContain('supersecret');
  });

  it('classifies session, anti-CSRF and prefixed cookies', () => {
    expect(parseSetCookie('XSRF-TOKEN=1; Secure', 'https://a.test/')).toMatchObject({ antiCsrf: true, sessionLike: false });
    expect(parseSetCookie('_ga=1', 'https://a.test/')?.sessionLike).toBe(false);
    expect(parseSetCookie('ASP.NET_SessionId=1', 'https://a.test/')?.sessionLike).toBe(true);
    expect(parseSetCookie('__Host-id=1; Secure; Path=/; Domain=a.test', 'https://a.test/')?.prefixValid).toBe(false);
    expect(collectCookies([{ url: 'https://a.test/', setCookies: ['a=1', 'a=2; Secure'] }])).toHaveLength(1);
  });
});

describe('soft-404 fingerprints', () => {
  it('treats a page echoing the requested path as the same page', () => {
    const a = fingerprint('<h1>Không tìm thấy trang /vigil-0123456789abcdef.txt</h1><p>Quay về trang chủ 2026</p>', '/vigil-0123456789abcdef.txt');
    const b = fingerprint('<h1>Không tìm thấy trang /.git/HEAD</h1><p>Quay về trang chủ 2025</p>', '/.git/HEAD');
    expect(similarity(a, b)).toBe(1);
  });

  it('tells different content apart', () => {
    expect(similarity(fingerprint('ref: refs/heads/main', '/.git/HEAD'), fingerprint('<html>home page news events</html>', '/x'))).toBeLessThan(0.2);
  });

  it('builds backup names from the site name', () => {
    const paths = expandPaths(EXPOSURE_PATHS, siteNames('portal.agency.gov.vn', 'agency.gov.vn')).map((p) => p.path);
    expect(paths).toContain('/portal.zip');
    expect(paths).toContain('/agency.sql');
    expect(paths).toContain('/portal.agency.gov.vn.tar.gz');
    expect(paths).toContain('/.git/HEAD');
    expect(new Set(paths).size).toBe(paths.length);
  });
});

describe('security.txt analysis (RFC 9116)', () => {
  const now = new Date('2026-11-25T00:00:00Z');
  it('accepts a valid file', () => {
    const r = analyseSecurityTxt('Contact: mailto:attt@a.gov.vn\nExpires: 2027-06-01T00:00:00.000Z\nPreferred-Languages: vi, en\n', {
      url: 'https://a.gov.vn/.well-known/security.txt',
      contentType: 'text/plain; charset=utf-8',
      now,
    });
    expect(r.found).toBe(true);
    expect(r.problems).toEqual([]);
    expect(r.fields.contact).toEqual(['mailto:attt@a.gov.vn']);
  });

  it('flags expired, missing contact, wrong type and signed files', () => {
    const r = analyseSecurityTxt('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nExpires: 2020-01-01T00:00:00Z\n', {
      url: 'https://a/.well-known/security.txt',
      contentType: 'text/html',
      now,
    });
    expect(r.signed).toBe(true);
    expect(r.problems.join(' ')).toMatch(/no Contact/);
    expect(r.problems.join(' ')).toMatch(/in the past/);
    expect(r.problems.join(' ')).toMatch(/text\/plain/);
  });

  it('refuses an HTML page as security.txt', () => {
    expect(analyseSecurityTxt('<html><body>Welcome</body></html>', { url: 'https://a/', now }).found).toBe(false);
  });
});

describe('error page scan', () => {
  it('finds stack traces and version strings', () => {
    const into: ErrorPageEvidence = { probes: [], stackTraceMarkers: [], versionStrings: [] };
    scanErrorText(
      'https://a/x',
      '<b>Fatal error</b>: Uncaught Error in <b>/var/www/html/index.php</b> on line <b>12</b><address>Apache/2.4.41 (Ubuntu) Server at a Port 443</address>',
      into,
    );
    expect(into.stackTraceMarkers.map((m) => m.marker)).toContain('PHP error with path');
    expect(into.versionStrings.map((v) => v.text)).toContain('Apache/2.4.41 (Ubuntu)');
    const clean: ErrorPageEvidence = { probes: [], stackTraceMarkers: [], versionStrings: [] };
    scanErrorText('https://a/x', '<h1>404 Not Found</h1><hr><center>nginx</center>', clean);
    expect(clean.stackTraceMarkers).toHaveLength(0);
    expect(clean.versionStrings).toHaveLength(0);
  });
});
