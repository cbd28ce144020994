import { describe, expect, it } from 'vitest';
import type { CertificateEvidence, CertificateInfo, TlsCertificateCheck } from '../probes/tls/types.js';
import { httpMonitorSchema, smtpMonitorSchema, tlsMonitorSchema } from './config-schema.js';
import { decideHttp, decideSmtp, decideTls, evaluateJsonCondition } from './decide.js';
import type { HttpEvidence } from './monitors/http.js';

const http = (extra: Record<string, unknown> = {}) => httpMonitorSchema.parse({ name: 'p', type: 'http', url: 'https://p.example/', ...extra });
const response = (extra: Partial<HttpEvidence> = {}): HttpEvidence => ({
  status: 200,
  finalUrl: 'https://p.example/',
  redirects: [],
  body: '<p>Cổng thông tin</p>',
  bodyTruncated: false,
  responseMs: 120,
  ...extra,
});

describe('http verdicts', () => {
  it('status, keyword present/absent, regex, degraded by response time', () => {
    expect(decideHttp(http(), response()).status).toBe('up');
    expect(decideHttp(http(), response({ status: 503 })).status).toBe('down');
    expect(decideHttp(http({ expectStatus: [401] }), response({ status: 401 })).status).toBe('up');
    expect(decideHttp(http({ keyword: 'Cổng thông tin' }), response()).status).toBe('up');
    expect(decideHttp(http({ keyword: 'Dịch vụ công' }), response()).detail).toBe('text "Dịch vụ công" not found');
    expect(decideHttp(http({ keyword: 'Cổng', absent: true }), response()).status).toBe('down');
    expect(decideHttp(http({ regex: 'C.ng\\s+th' }), response()).status).toBe('up');
    expect(decideHttp(http({ degradedAfter: '100ms' }), response()).status).toBe('degraded');
    expect(decideHttp(http(), response({ error: 'ECONNREFUSED', status: undefined })).status).toBe('down');
  });

  it('JSON path conditions', () => {
    const body = JSON.stringify({ status: { db: 'ok', queue: [1, 2, 3] }, lag: 42 });
    expect(evaluateJsonCondition(body, { path: 'status.db', op: '==', value: 'ok' }).ok).toBe(true);
    expect(evaluateJsonCondition(body, { path: 'status.queue[2]', op: '==', value: 3 }).ok).toBe(true);
    expect(evaluateJsonCondition(body, { path: 'lag', op: '<', value: 10 })).toEqual({ ok: false, detail: 'lag = 42, expected < 10' });
    expect(evaluateJsonCondition(body, { path: 'missing', op: 'exists' }).ok).toBe(false);
    expect(evaluateJsonCondition('not json', { path: 'a', op: '==', value: 1 }).detail).toBe('body is not JSON');
    expect(evaluateJsonCondition(body, { path: '__proto__.x', op: 'exists' }).ok).toBe(false);
  });
});

describe('certificate expiry thresholds (default 21/14/7 days)', () => {
  const tls = tlsMonitorSchema.parse({ name: 't', type: 'tls', host: 'p.example' });
  const now = Date.parse('2027-02-01T00:00:00Z');
  const expiring = (days: number, facts: Partial<CertificateEvidence> = {}): TlsCertificateCheck => ({
    certificate: {
      chain: [leaf(new Date(now + days * 86_400_000 + 3_600_000).toISOString())],
      trusted: true,
      checkedName: 'p.example',
      hostnameMatches: true,
      ocspStapled: false,
      observedAt: new Date(now).toISOString(),
      ...facts,
    },
    responseMs: 5,
  });
  it('up above 21 days, degraded at 21 and 14, down at 7 and when expired', () => {
    expect(decideTls(tls, expiring(40), now).status).toBe('up');
    expect(decideTls(tls, expiring(20), now)).toMatchObject({ status: 'degraded', event: { kind: 'cert-expiry' } });
    expect(decideTls(tls, expiring(12), now).status).toBe('degraded');
    expect(decideTls(tls, expiring(6), now).status).toBe('down');
    expect(decideTls(tls, expiring(-2), now).detail).toMatch(/expired/);
  });
  it('a threshold crossing is an event once', () => {
    const first = decideTls(tls, expiring(20), now);
    const second = decideTls(tls, expiring(19), now, first.memory as { threshold?: number });
    expect(second.event).toBeUndefined();
    expect(decideTls(tls, expiring(13), now, first.memory as { threshold?: number }).event?.kind).toBe('cert-expiry');
  });
  it('an untrusted chain or a name the certificate does not cover is down, whatever the dates', () => {
    expect(decideTls(tls, expiring(40, { trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), now)).toMatchObject({
      status: 'down',
      detail: expect.stringContaining('DEPTH_ZERO_SELF_SIGNED_CERT'),
    });
    expect(decideTls(tls, expiring(40, { hostnameMatches: false, hostnameError: 'Host: p.example. is not in the cert' }), now)).toMatchObject({
      status: 'down',
      detail: expect.stringContaining('ERR_TLS_CERT_ALTNAME_INVALID'),
    });
    expect(decideTls(tls, { error: 'ECONNREFUSED', responseMs: 1 }, now).detail).toBe('TLS failed: ECONNREFUSED');
    expect(decideTls(tls, { responseMs: 1 }, now).detail).toBe('no certificate');
  });
  it('an SMTP monitor by address judges the chain and the dates, not the name', () => {
    const byAddress = smtpMonitorSchema.parse({ name: 's', type: 'smtp', host: '127.0.0.25' });
    const evidence = { banner: 'mx ESMTP', extensions: ['STARTTLS'], starttlsOffered: true, responseMs: 3 };
    expect(decideSmtp(byAddress, { ...evidence, tls: expiring(40, { hostnameMatches: false }) }, now).status).toBe('up');
    expect(decideSmtp(byAddress, { ...evidence, tls: expiring(40, { trusted: false, trustError: 'CERT_HAS_EXPIRED' }) }, now).status).toBe('down');
    const byName = smtpMonitorSchema.parse({ name: 's', type: 'smtp', host: 'mx.example' });
    expect(decideSmtp(byName, { ...evidence, tls: expiring(40, { hostnameMatches: false }) }, now).status).toBe('down');
  });
});

function leaf(notAfter: string): CertificateInfo {
  return {
    subject: 'CN=p.example',
    subjectAltNames: ['DNS:p.example'],
    issuer: 'CN=Test CA',
    serialNumber: '01',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter,
    keyType: 'ec',
    signatureAlgorithm: 'ecdsa-with-SHA256',
    fingerprintSha256: 'AA',
    selfSigned: false,
    isCa: false,
    derBase64: '',
  };
}
