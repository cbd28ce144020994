import { describe, expect, it } from 'vitest';
import type { FinalPage, HttpExchange, ProbeFailure, RedirectChain, WebEvidence } from '../../probes/http/types.js';
import { checkWebmail, hostOfUrl, webmailSignals } from './webmail.js';

const HOST = 'webmail.agency.vigil.test';

function step(url: string, status: number | undefined, extra: Partial<HttpExchange> = {}): HttpExchange {
  const exchange: HttpExchange = { url, method: 'GET', headers: {}, setCookies: [], durationMs: 1, ...extra };
  if (status !== undefined) exchange.status = status;
  if (url.startsWith('https://') && status !== undefined && !exchange.tls) exchange.tls = { authorized: true, protocol: 'TLSv1.3' };
  return exchange;
}

function failed(url: string, error: ProbeFailure): HttpExchange {
  return step(url, undefined, { error });
}

function chain(label: RedirectChain['label'], steps: HttpExchange[]): RedirectChain {
  const last = steps.at(-1)!;
  const error = steps.find((s) => s.error)?.error;
  const result: RedirectChain = { label, start: steps[0]!.url, steps, outcome: error ? 'error' : 'ok' };
  if (error) result.error = error;
  else {
    result.finalUrl = last.url;
    if (last.status !== undefined) result.finalStatus = last.status;
  }
  return result;
}

/** The fields checkWebmail reads (host, the pshtt endpoints, the final page); the rest is not consulted. */
function evidence(host: string, http: HttpExchange[], https: HttpExchange[], title = 'Outlook Web App'): WebEvidence {
  const page: FinalPage = { url: `https://${host}/`, status: 200, headers: {}, bodyBytes: 10, truncated: false, loginPage: true };
  page.html = {
    title,
    generators: [],
    metaCsp: [],
    scripts: [],
    inlineScripts: 0,
    iframes: [],
    stylesheets: [],
    images: [],
    forms: [],
    mixedContent: [],
    cms: [],
    loginForm: true,
    truncatedLists: false,
  } as unknown as NonNullable<FinalPage['html']>;
  return { host, endpoints: [chain('http-apex', http), chain('https-apex', https)], finalPage: page } as unknown as WebEvidence;
}

const HTTPS_OK = [step(`https://${HOST}/`, 302, { location: `https://${HOST}/owa/` }), step(`https://${HOST}/owa/`, 200)];

describe('webmailSignals', () => {
  it('recognises webmail by host label, page title or generator, and nothing else', () => {
    expect(webmailSignals('webmail.so.gov.vn')).toEqual(['host label "webmail"']);
    expect(webmailSignals('mail.so.gov.vn')).toHaveLength(1);
    expect(webmailSignals('owa.so.gov.vn')).toHaveLength(1);
    expect(webmailSignals('thu.so.gov.vn', { title: 'Roundcube Webmail :: Welcome' })).toHaveLength(1);
    expect(webmailSignals('thu.so.gov.vn', { title: 'Zimbra Web Client Sign In' })).toHaveLength(1);
    expect(webmailSignals('thu.so.gov.vn', { title: 'x', generators: ['SOGo 5.8'] })).toEqual(['generator "SOGo 5.8"']);
    expect(webmailSignals('www.so.gov.vn', { title: 'Cổng thông tin điện tử', generators: ['WordPress 6.4'] })).toEqual([]);
    expect(webmailSignals('mailinglist.so.gov.vn', { title: 'Power tools' })).toEqual([]);
  });

  it('takes the host out of a URL, with or without a scheme', () => {
    expect(hostOfUrl('http://webmail.x.test:8080/owa')).toBe('webmail.x.test');
    expect(hostOfUrl('webmail.x.test')).toBe('webmail.x.test');
  });
});

describe('checkWebmail', () => {
  it('gives no result for a site that does not look like webmail', () => {
    const portal = evidence(
      'www.agency.vigil.test',
      [step('http://www.agency.vigil.test/', 200)],
      [failed('https://www.agency.vigil.test/', { code: 'connect', message: 'refused' })],
      'Cổng thông tin',
    );
    expect(checkWebmail(portal)).toBeUndefined();
  });

  it('passes when HTTPS answers and HTTP redirects straight to HTTPS', () => {
    const result = checkWebmail(evidence(HOST, [step(`http://${HOST}/`, 301, { location: `https://${HOST}/` }), ...HTTPS_OK], HTTPS_OK))!;
    expect(result).toMatchObject({ id: 'mail.webmail', status: 'pass', category: 'mail-transport', subject: HOST });
    expect(result.detail.en).toContain('HTTPS only');
  });

  it('passes when plain HTTP is closed', () => {
    const result = checkWebmail(evidence(HOST, [failed(`http://${HOST}/`, { code: 'connect', message: 'ECONNREFUSED' })], HTTPS_OK))!;
    expect(result.status).toBe('pass');
    expect(result.detail.en).toContain('plain HTTP is closed');
  });

  it('fails when HTTPS does not answer (webmail over plain HTTP), with nginx/Apache/IIS remediation in both languages', () => {
    const result = checkWebmail(evidence(HOST, [step(`http://${HOST}/`, 200)], [failed(`https://${HOST}/`, { code: 'connect', message: 'ECONNREFUSED' })]))!;
    expect(result).toMatchObject({ status: 'fail', severity: 'high' });
    expect(result.detail.vi).toContain('không trả lời qua HTTPS');
    for (const server of ['nginx', 'Apache', 'IIS']) {
      expect(result.remediation.en).toContain(server);
      expect(result.remediation.vi).toContain(server);
    }
    expect(result.remediation.en).toContain('return 301 https://$host$request_uri;');
  });

  it('fails when HTTP serves the sign-in page without redirecting', () => {
    const result = checkWebmail(evidence(HOST, [step(`http://${HOST}/`, 200)], HTTPS_OK))!;
    expect(result.status).toBe('fail');
    expect(result.detail.en).toContain('without redirecting to HTTPS');
  });

  it('fails on an untrusted certificate and on an HTTPS → HTTP downgrade', () => {
    const untrusted = [step(`https://${HOST}/`, 200, { tls: { authorized: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN' } })];
    expect(checkWebmail(evidence(HOST, [step(`http://${HOST}/`, 301, { location: `https://${HOST}/` }), ...untrusted], untrusted))!.status).toBe('fail');
    const downgrade = [step(`https://${HOST}/`, 302, { location: `http://${HOST}/login` }), step(`http://${HOST}/login`, 200)];
    const result = checkWebmail(evidence(HOST, [step(`http://${HOST}/`, 200)], downgrade))!;
    expect(result.status).toBe('fail');
    expect(result.detail.en).toContain('back to HTTP');
  });

  it('warns when the first HTTP redirect stays on HTTP before reaching HTTPS', () => {
    const http = [
      step(`http://${HOST}/`, 301, { location: `http://${HOST}/owa/` }),
      step(`http://${HOST}/owa/`, 301, { location: `https://${HOST}/owa/` }),
      step(`https://${HOST}/owa/`, 200),
    ];
    expect(checkWebmail(evidence(HOST, http, HTTPS_OK))!.status).toBe('warn');
  });

  it('reports an error, not a verdict, when the probe ran out of time', () => {
    const result = checkWebmail(evidence(HOST, [failed(`http://${HOST}/`, { code: 'timeout-headers', message: 'no headers in 5 s' })], HTTPS_OK))!;
    expect(result.status).toBe('error');
    const budget = checkWebmail(evidence(HOST, [step(`http://${HOST}/`, 200)], [failed(`https://${HOST}/`, { code: 'budget', message: 'deadline' })]))!;
    expect(budget.status).toBe('error');
  });
});
