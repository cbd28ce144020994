/**
 * Mail DNS evidence collected for real from vigil's lab DNS server (and an HTTPS server for the
 * MTA-STS policy), then judged by the checks; plus the hostile peers: malformed answers, an SPF
 * include loop, a resolver that never answers.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMailDns } from '../src/checks/mail/auth/index.js';
import type { CheckResult } from '../src/checks/types.js';
import { startDnsServer } from '../src/lab/dns/server.js';
import type { DnsRecord, RunningDnsServer } from '../src/lab/dns/types.js';
import { DEFAULT_PROBE_CONTEXT, type ProbeContext } from '../src/probes/context.js';
import { collectMailDnsEvidence, organisationalDomain } from '../src/probes/mail-dns.js';
import { createTestCa } from './support/test-ca.js';

const D = 'agency.gov.vn.test';
const soa = { mname: `ns1.${D}`, rname: `hostmaster.${D}`, serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 60 };
const dkimKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const records: DnsRecord[] = [
  { name: D, type: 'SOA', data: soa },
  { name: D, type: 'NS', data: `ns1.${D}` },
  { name: `ns1.${D}`, type: 'A', data: '127.0.0.1' },
  { name: D, type: 'MX', data: { preference: 10, exchange: `mx.${D}` } },
  { name: `mx.${D}`, type: 'A', data: '127.0.0.1' },
  { name: D, type: 'TXT', data: 'v=spf1 mx ip4:192.0.2.0/24 -all' },
  { name: D, type: 'CAA', data: { flags: 0, tag: 'issue', value: 'ca.lab.test' } },
  { name: `_dmarc.${D}`, type: 'TXT', data: `v=DMARC1; p=reject; rua=mailto:dmarc@${D},mailto:agg@reports.example.test` },
  { name: `selector1._domainkey.${D}`, type: 'TXT', data: ['v=DKIM1; k=rsa; p=', dkimKey] },
  { name: `_mta-sts.${D}`, type: 'TXT', data: 'v=STSv1; id=20260101' },
  { name: `mta-sts.${D}`, type: 'A', data: '127.0.0.1' },
  { name: `_smtp._tls.${D}`, type: 'TXT', data: `v=TLSRPTv1; rua=mailto:tlsrpt@${D}` },
  // a subdomain without its own DMARC: falls back to the organisational domain
  { name: `hr.${D}`, type: 'MX', data: { preference: 5, exchange: `mx.${D}` } },
  { name: `hr.${D}`, type: 'TXT', data: 'v=spf1 ip4:198.51.100.1 ~all' },
  // another organisation whose record carries sp= (p=none for itself, reject for subdomains), one
  // with no DMARC record anywhere, and a subdomain whose own _dmarc lookup fails (SERVFAIL below)
  { name: '_dmarc.dept.gov.vn.test', type: 'TXT', data: 'v=DMARC1; p=none; sp=reject; rua=mailto:dmarc@dept.gov.vn.test' },
  { name: 'mail.dept.gov.vn.test', type: 'MX', data: { preference: 10, exchange: `mx.${D}` } },
  { name: 'mail.nodmarc.gov.vn.test', type: 'MX', data: { preference: 10, exchange: `mx.${D}` } },
  { name: `broken.${D}`, type: 'MX', data: { preference: 10, exchange: `mx.${D}` } },
  // hostile domain: an include loop, malformed DMARC answers, a never-answering _mta-sts
  { name: 'hostile.test', type: 'SOA', data: { ...soa, mname: 'ns.hostile.test' } },
  { name: 'hostile.test', type: 'MX', data: { preference: 10, exchange: `mx.${D}` } },
  { name: 'hostile.test', type: 'TXT', data: 'v=spf1 include:loop1.hostile.test -all' },
  { name: 'loop1.hostile.test', type: 'TXT', data: 'v=spf1 include:loop2.hostile.test' },
  { name: 'loop2.hostile.test', type: 'TXT', data: 'v=spf1 include:loop1.hostile.test' },
];

let dns: RunningDnsServer;
let silent: RunningDnsServer;
let https: Server;
let ctx: ProbeContext;

beforeAll(async () => {
  dns = await startDnsServer({
    host: '127.0.0.1',
    port: 0,
    records,
    axfrAllowed: [D],
    signedZones: [D],
    misbehave: [
      { name: '_dmarc.hostile.test', mode: 'malformed' },
      { name: `_dmarc.broken.${D}`, mode: 'servfail' },
      { name: '_mta-sts.hostile.test', mode: 'timeout' },
    ],
  });
  silent = await startDnsServer({ host: '127.0.0.1', port: 0, records: [], misbehave: [{ name: '', mode: 'timeout' }] });
  const ca = await createTestCa();
  const leaf = await ca.issue({ names: [`mta-sts.${D}`], ec: true });
  https = createServer({ key: leaf.keyPem, cert: leaf.chainPem }, (req, res) => {
    if (req.url === '/.well-known/mta-sts.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`version: STSv1\nmode: enforce\nmx: mx.${D}\nmax_age: 604800\n`);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', () => resolve()));
  const httpsPort = (https.address() as { port: number }).port;
  ctx = {
    ...DEFAULT_PROBE_CONTEXT,
    resolver: { host: '127.0.0.1', port: dns.port },
    // generous: a busy 2-core CI machine must not turn a slow answer into a timeout
    dnsTimeoutMs: 2_000,
    dnsRetries: 1,
    extraCaPem: [ca.caPem],
    portMap: { '127.0.0.1:443': httpsPort, '127.0.0.1:53': dns.port },
    connectTimeoutMs: 3_000,
  };
}, 30_000);

afterAll(async () => {
  await dns.stop();
  await silent.stop();
  await new Promise<void>((resolve) => https.close(() => resolve()));
});

const statuses = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.id, r.status]));

describe('collectMailDnsEvidence against the lab DNS server', () => {
  it('collects every piece of evidence and the checks judge it', async () => {
    const evidence = await collectMailDnsEvidence(D, ctx, { dkimSelectors: ['custom'], outboundIps: ['192.0.2.10', '203.0.113.5'] });
    expect(evidence.mx.hosts).toEqual([expect.objectContaining({ exchange: `mx.${D}`, addresses: ['127.0.0.1'] })]);
    expect(evidence.spf.records).toEqual(['v=spf1 mx ip4:192.0.2.0/24 -all']);
    expect(evidence.spf.analysis).toMatchObject({ result: 'fail', lookups: 1, voidLookups: 0 });
    expect(evidence.spf.authorisations).toEqual([
      { ip: '127.0.0.1', source: 'mx', host: `mx.${D}`, result: 'pass' },
      { ip: '192.0.2.10', source: 'outbound', result: 'pass' },
      { ip: '203.0.113.5', source: 'outbound', result: 'fail' },
    ]);
    expect(evidence.dmarc.external).toEqual([expect.objectContaining({ destination: 'reports.example.test', authorised: false })]);
    expect(evidence.dkim.selectors.map((s) => s.selector)).toContain('custom');
    expect(evidence.dkim.selectors.find((s) => s.selector === 'selector1')).toMatchObject({ keyType: 'rsa', keyBits: 2048 });
    expect(evidence.mtaSts.policy).toMatchObject({ fetched: true, status: 200 });
    expect(evidence.dnssec).toMatchObject({ soa: { authenticated: true }, dnskeyCount: 1 });
    expect(evidence.axfr[0]).toMatchObject({ ns: `ns1.${D}`, outcome: 'transferred' });
    expect(evidence.caa.foundAt).toBe(D);

    const results = checkMailDns(evidence);
    expect(statuses(results)).toEqual({
      'mail.mx': 'pass',
      'mail.spf.record': 'pass',
      'mail.spf.all': 'pass',
      'mail.spf.lookups': 'pass',
      'mail.spf.mx-authorised': 'fail', // 203.0.113.5 is a configured outbound IP SPF does not list
      'mail.dmarc.record': 'pass',
      'mail.dmarc.policy': 'pass',
      'mail.dmarc.reports': 'fail', // reports.example.test has not authorised the reports
      'mail.dkim': 'pass',
      'mail.mta-sts': 'pass',
      'mail.tls-rpt': 'pass',
      'dns.dnssec': 'pass',
      'dns.axfr': 'fail', // the lab server hands the zone out
      'dns.caa': 'pass',
    });
  }, 30_000);

  it('falls back to the organisational domain for DMARC (PSL, with the .test suffix set aside)', async () => {
    expect(organisationalDomain(`mail.hr.${D}`)).toBe(D);
    expect(organisationalDomain('www.example.com')).toBe('example.com');
    const evidence = await collectMailDnsEvidence(`hr.${D}`, ctx, { dkimSelectors: [], outboundIps: [] });
    expect(evidence.dmarc.recordName).toBe(`_dmarc.${D}`);
    expect(evidence.dmarc.lookups.map((l) => l.outcome)).toEqual(['nxdomain', 'answer']);
    const results = checkMailDns(evidence);
    expect(statuses(results)['mail.dmarc.record']).toBe('pass');
    expect(statuses(results)['mail.mta-sts']).toBe('fail');
    expect(statuses(results)['mail.dkim']).toBe('fail');
  }, 30_000);

  it('the organisational domain is the public suffix list’s, not the last two labels (gov.vn, edu.vn, com.vn are suffixes)', () => {
    expect(organisationalDomain('mail.abc.gov.vn')).toBe('abc.gov.vn');
    expect(organisationalDomain('abc.gov.vn')).toBe('abc.gov.vn');
    expect(organisationalDomain('a.b.truong.edu.vn')).toBe('truong.edu.vn');
    expect(organisationalDomain('www.cty.com.vn')).toBe('cty.com.vn');
    expect(organisationalDomain('mail.dept.gov.vn.test')).toBe('dept.gov.vn.test');
  });

  it('DMARC of a subdomain: the organisational record’s sp= applies, the check says it was inherited and from where', async () => {
    const evidence = await collectMailDnsEvidence('mail.dept.gov.vn.test', ctx, { dkimSelectors: [], outboundIps: [] });
    expect(evidence.dmarc).toMatchObject({ orgDomain: 'dept.gov.vn.test', recordName: '_dmarc.dept.gov.vn.test' });
    expect(evidence.dmarc.lookups.map((l) => [l.name, l.outcome])).toEqual([
      ['_dmarc.mail.dept.gov.vn.test', 'nxdomain'],
      ['_dmarc.dept.gov.vn.test', 'answer'],
    ]);
    const policy = checkMailDns(evidence).find((r) => r.id === 'mail.dmarc.policy')!;
    // p=none would fail: sp=reject is what governs the subdomain
    expect(policy.status).toBe('pass');
    expect(policy.evidence).toMatchObject({ effective: 'reject', inherited: true, inheritedFrom: '_dmarc.dept.gov.vn.test', appliedTag: 'sp' });
    expect(policy.detail.vi).toContain('kế thừa từ _dmarc.dept.gov.vn.test');
    expect(policy.detail.en).toContain('applying sp=reject');
  }, 30_000);

  it('DMARC: no record anywhere fails; a failed lookup of the domain’s own record is an error, with no fallback past it', async () => {
    const none = await collectMailDnsEvidence('mail.nodmarc.gov.vn.test', ctx, { dkimSelectors: [], outboundIps: [] });
    expect(none.dmarc.lookups.map((l) => l.outcome)).toEqual(['nxdomain', 'nxdomain']);
    expect(statuses(checkMailDns(none))['mail.dmarc.record']).toBe('fail');
    const broken = await collectMailDnsEvidence(`broken.${D}`, ctx, { dkimSelectors: [], outboundIps: [] });
    expect(broken.dmarc.lookups.map((l) => [l.name, l.outcome])).toEqual([[`_dmarc.broken.${D}`, 'servfail']]);
    expect(broken.dmarc.recordName).toBeUndefined();
    expect(statuses(checkMailDns(broken))['mail.dmarc.record']).toBe('error');
  }, 30_000);
});

describe('hostile peers', () => {
  it('an include loop, malformed and never-answered lookups: only the affected checks report error', async () => {
    const started = Date.now();
    const evidence = await collectMailDnsEvidence('hostile.test', { ...ctx, dnsTimeoutMs: 1_000, dnsRetries: 0 }, { dkimSelectors: [], outboundIps: [] });
    expect(Date.now() - started).toBeLessThan(20_000);
    const results = checkMailDns(evidence);
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['mail.spf.lookups']!.status).toBe('fail');
    expect(byId['mail.spf.lookups']!.detail.en).toMatch(/loop/);
    expect(byId['mail.dmarc.record']!.status).toBe('error');
    expect(byId['mail.dmarc.record']!.detail.en).toMatch(/malformed/);
    expect(byId['mail.mta-sts']!.status).toBe('error');
    expect(byId['mail.mta-sts']!.detail.en).toMatch(/timeout/);
    expect(evidence.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(byId['mail.mx']!.status).toBe('pass');
    expect(byId['mail.spf.record']!.status).toBe('pass');
  }, 30_000);

  it('a resolver that never answers: collection ends within its limits and every check says error or n/a', async () => {
    const started = Date.now();
    const evidence = await collectMailDnsEvidence(
      D,
      { ...ctx, resolver: { host: '127.0.0.1', port: silent.port }, dnsTimeoutMs: 500, dnsRetries: 0 },
      { dkimSelectors: [], outboundIps: [] },
    );
    // bounded: a few sequential lookups of 500 ms each, never a hang
    expect(Date.now() - started).toBeLessThan(15_000);
    const results = checkMailDns(evidence);
    expect(results).toHaveLength(14);
    for (const r of results) expect(['error', 'info'], `${r.id}: ${r.status} ${r.detail.en}`).toContain(r.status);
    expect(results.filter((r) => r.status === 'error').length).toBeGreaterThanOrEqual(10);
  }, 30_000);
});
