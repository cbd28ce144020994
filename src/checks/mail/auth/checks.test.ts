import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LookupEvidence, MailDnsEvidence } from '../../../probes/mail-dns.js';
import { dkimKeyFacts } from '../../../probes/mail-dns.js';
import { checkDane, tlsaMatches } from '../../dns/index.js';
import { catalogueEntry } from '../../catalogue.js';
import type { CheckResult } from '../../types.js';
import { checkMailDns, MAIL_DNS_CHECK_IDS, mxMatchesPattern, parseMtaStsPolicy } from './index.js';

const ok = (name: string, type: string, authenticated = false): LookupEvidence => ({
  name,
  type,
  outcome: 'answer',
  ...(authenticated ? { authenticated } : {}),
});
const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const rsa512 = generateKeyPairSync('rsa', { modulusLength: 512 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

/** A domain that does everything right. */
function good(): MailDnsEvidence {
  const d = 'agency.gov.vn.test';
  const analysis = { result: 'fail' as const, lookups: 1, voidLookups: 0, trace: [], domain: d, sender: `postmaster@${d}` };
  return {
    domain: d,
    resolver: '127.0.0.1:53',
    observedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 5,
    mx: {
      lookup: ok(d, 'MX', true),
      hosts: [
        { exchange: `mx.${d}`, preference: 10, addresses: ['192.0.2.25'], a: ok(`mx.${d}`, 'A'), aaaa: { name: `mx.${d}`, type: 'AAAA', outcome: 'nodata' } },
      ],
    },
    spf: { lookup: ok(d, 'TXT'), records: ['v=spf1 mx -all'], analysis, authorisations: [{ ip: '192.0.2.25', source: 'mx', host: `mx.${d}`, result: 'pass' }] },
    dmarc: {
      orgDomain: d,
      lookups: [ok(`_dmarc.${d}`, 'TXT')],
      recordName: `_dmarc.${d}`,
      records: [`v=DMARC1; p=reject; rua=mailto:dmarc@${d}`],
      external: [],
    },
    dkim: {
      domainKey: { name: `_domainkey.${d}`, type: 'TXT', outcome: 'nodata' },
      selectors: [
        {
          selector: 'selector1',
          name: `selector1._domainkey.${d}`,
          lookup: ok(`selector1._domainkey.${d}`, 'TXT'),
          record: `v=DKIM1; k=rsa; p=${rsa2048}`,
          ...dkimKeyFacts(`v=DKIM1; k=rsa; p=${rsa2048}`),
        },
      ],
    },
    mtaSts: {
      lookup: ok(`_mta-sts.${d}`, 'TXT'),
      records: ['v=STSv1; id=2026010101'],
      policy: {
        url: `https://mta-sts.${d}/.well-known/mta-sts.txt`,
        fetched: true,
        status: 200,
        contentType: 'text/plain',
        body: `version: STSv1\nmode: enforce\nmx: *.${d}\nmax_age: 604800\n`,
      },
    },
    tlsRpt: { lookup: ok(`_smtp._tls.${d}`, 'TXT'), records: [`v=TLSRPTv1; rua=mailto:tlsrpt@${d}`] },
    tlsa: [{ host: `mx.${d}`, lookup: { name: `_25._tcp.mx.${d}`, type: 'TLSA', outcome: 'nxdomain' }, records: [] }],
    dnssec: { soa: ok(d, 'SOA', true), mx: ok(d, 'MX', true), dnskey: ok(d, 'DNSKEY', true), dnskeyCount: 1 },
    soa: { lookup: ok(d, 'SOA'), zone: d },
    ns: { lookup: ok(d, 'NS'), names: [`ns1.${d}`] },
    axfr: [{ ns: `ns1.${d}`, zone: d, server: '192.0.2.53:53', outcome: 'refused', rcode: 'REFUSED', recordCount: 0, sampleNames: [], durationMs: 1 }],
    caa: { queried: [ok(d, 'CAA')], foundAt: d, records: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] },
  };
}

function byId(results: CheckResult[], id: string): CheckResult {
  const found = results.find((r) => r.id === id);
  if (!found) throw new Error(`no result ${id}`);
  return found;
}

function statusOf(evidence: MailDnsEvidence, id: string): string {
  return byId(checkMailDns(evidence), id).status;
}

describe('checkMailDns on fixture evidence', () => {
  it('passes every check for a well-configured domain, with bilingual text and the catalogue categories', () => {
    const results = checkMailDns(good());
    expect(results.map((r) => r.id)).toEqual([...MAIL_DNS_CHECK_IDS]);
    for (const r of results) {
      expect(r.status, `${r.id}: ${r.detail.en}`).toBe('pass');
      expect(r.title.vi && r.title.en && r.detail.vi && r.detail.en).toBeTruthy();
      expect(r.references.length).toBeGreaterThan(0);
      // The catalogue's title and category, the same as an `error` result of this id carries.
      expect({ title: r.title, category: r.category }).toEqual({ title: catalogueEntry(r.id)?.title, category: catalogueEntry(r.id)?.category });
    }
    expect(byId(results, 'mail.mx').category).toBe('mail-transport');
    expect(byId(results, 'mail.spf.record').category).toBe('mail-auth');
    expect(byId(results, 'dns.axfr').category).toBe('dns');
  });

  const failures: [string, (e: MailDnsEvidence) => void, string][] = [
    ['mail.mx', (e) => (e.mx.hosts = []), 'fail'],
    ['mail.mx', (e) => (e.mx.hosts[0]!.addresses = []), 'fail'],
    ['mail.spf.record', (e) => (e.spf.records = []), 'fail'],
    ['mail.spf.record', (e) => (e.spf.records = ['v=spf1 -all', 'v=spf1 mx -all']), 'fail'],
    ['mail.spf.record', (e) => (e.spf.records = ['v=spf1 ip4:192.0.2.300 -all']), 'fail'],
    ['mail.spf.all', (e) => (e.spf.analysis!.result = 'pass'), 'fail'],
    ['mail.spf.all', (e) => (e.spf.analysis!.result = 'neutral'), 'fail'],
    ['mail.spf.mx-authorised', (e) => (e.spf.authorisations[0]!.result = 'softfail'), 'fail'],
    ['mail.spf.lookups', (e) => Object.assign(e.spf.analysis!, { lookups: 14 }), 'fail'],
    ['mail.spf.lookups', (e) => Object.assign(e.spf.analysis!, { voidLookups: 3 }), 'fail'],
    ['mail.spf.lookups', (e) => Object.assign(e.spf.analysis!, { result: 'permerror', reason: 'include loop: a → b → a' }), 'fail'],
    ['mail.spf.mx-authorised', (e) => e.spf.authorisations.push({ ip: '203.0.113.7', source: 'outbound', result: 'fail' }), 'fail'],
    ['mail.dmarc.record', (e) => (e.dmarc.records = []), 'fail'],
    ['mail.dmarc.record', (e) => (e.dmarc.records = ['v=DMARC1; p=block']), 'fail'],
    ['mail.dmarc.policy', (e) => (e.dmarc.records = ['v=DMARC1; p=none; rua=mailto:d@agency.gov.vn.test']), 'fail'],
    ['mail.dmarc.policy', (e) => (e.dmarc.records = ['v=DMARC1; p=reject; pct=50; rua=mailto:d@agency.gov.vn.test']), 'warn'],
    [
      'mail.dmarc.reports',
      (e) => {
        e.dmarc.records = ['v=DMARC1; p=reject; rua=mailto:r@reports.example'];
        e.dmarc.external = [
          {
            uri: 'mailto:r@reports.example',
            destination: 'reports.example',
            authName: 'agency.gov.vn.test._report._dmarc.reports.example',
            lookup: { name: 'x', type: 'TXT', outcome: 'nxdomain' },
            authorised: false,
          },
        ];
      },
      'fail',
    ],
    ['mail.dmarc.reports', (e) => (e.dmarc.records = ['v=DMARC1; p=reject']), 'warn'],
    ['mail.dkim', (e) => Object.assign(e.dkim, { selectors: [], domainKey: { name: '_domainkey', type: 'TXT', outcome: 'nxdomain' } }), 'fail'],
    ['mail.dkim', (e) => Object.assign(e.dkim.selectors[0]!, dkimKeyFacts(`p=${rsa512}`)), 'fail'],
    ['mail.mta-sts', (e) => (e.mtaSts.records = []), 'fail'],
    ['mail.mta-sts', (e) => (e.mtaSts.policy!.body = 'version: STSv1\nmode: enforce\nmx: other.example\nmax_age: 604800\n'), 'fail'],
    [
      'mail.mta-sts',
      (e) =>
        (e.mtaSts.policy = {
          url: 'https://mta-sts.x/',
          fetched: false,
          error: 'unable to verify the first certificate',
          certificateError: 'unable to verify the first certificate',
        }),
      'fail',
    ],
    ['mail.tls-rpt', (e) => (e.tlsRpt.records = []), 'fail'],
    ['mail.tls-rpt', (e) => (e.tlsRpt.records = ['v=TLSRPTv1; rua=ftp://x']), 'fail'],
    ['dns.dnssec', (e) => Object.assign(e.dnssec, { soa: ok('d', 'SOA'), mx: ok('d', 'MX'), dnskeyCount: 0 }), 'fail'],
    ['dns.dnssec', (e) => Object.assign(e.dnssec, { soa: ok('d', 'SOA'), mx: ok('d', 'MX') }), 'fail'],
    ['dns.axfr', (e) => (e.axfr[0]!.outcome = 'transferred'), 'fail'],
    ['dns.caa', (e) => Object.assign(e.caa, { records: [], foundAt: undefined }), 'fail'],
    ['dns.caa', (e) => (e.caa.records = [{ flags: 0, tag: 'iodef', value: 'mailto:x@y.test' }]), 'warn'],
  ];
  it.each(failures.map(([id, mutate, expected], i) => [`${id} #${i}`, id, mutate, expected] as const))(
    '%s reports the problem',
    (_label, id, mutate, expected) => {
      const e = good();
      mutate(e);
      const r = byId(checkMailDns(e), id);
      expect(r.status, r.detail.en).toBe(expected);
      expect(r.remediation.en.length, 'a failing check names the change').toBeGreaterThan(20);
      expect(r.remediation.vi.length).toBeGreaterThan(20);
    },
  );

  it('reports error, with the reason, only for checks whose lookups failed', () => {
    const e = good();
    e.dmarc.records = [];
    e.dmarc.recordName = undefined;
    e.dmarc.lookups = [{ name: '_dmarc.agency.gov.vn.test', type: 'TXT', outcome: 'timeout', reason: 'no answer within 300 ms' }];
    e.caa = { queried: [{ name: 'agency.gov.vn.test', type: 'CAA', outcome: 'malformed', reason: 'undecodable response' }], records: [] };
    const results = checkMailDns(e);
    expect(byId(results, 'mail.dmarc.record').status).toBe('error');
    expect(byId(results, 'mail.dmarc.record').detail.en).toMatch(/timeout \(no answer within 300 ms\)/);
    expect(byId(results, 'dns.caa').status).toBe('error');
    expect(results.filter((r) => r.status === 'error').map((r) => r.id)).toEqual(['mail.dmarc.record', 'mail.dmarc.policy', 'mail.dmarc.reports', 'dns.caa']);
  });

  it('recognises a null MX as a deliberate "no mail" domain', () => {
    const e = good();
    e.mx.hosts = [
      { exchange: '', preference: 0, addresses: [], a: { name: '.', type: 'A', outcome: 'nodata' }, aaaa: { name: '.', type: 'AAAA', outcome: 'nodata' } },
    ];
    expect(statusOf(e, 'mail.mx')).toBe('pass');
    e.mx.hosts.push(good().mx.hosts[0]!);
    expect(statusOf(e, 'mail.mx')).toBe('fail');
  });

  describe('DMARC for subdomains (RFC 7489 §6.6.3)', () => {
    const sub = (record: string | undefined): MailDnsEvidence => {
      const e = good();
      e.domain = 'mail.agency.gov.vn.test';
      e.dmarc.orgDomain = 'agency.gov.vn.test';
      e.dmarc.lookups = [
        { name: '_dmarc.mail.agency.gov.vn.test', type: 'TXT', outcome: 'nxdomain' },
        record === undefined ? { name: '_dmarc.agency.gov.vn.test', type: 'TXT', outcome: 'nodata' } : ok('_dmarc.agency.gov.vn.test', 'TXT'),
      ];
      e.dmarc.records = record === undefined ? [] : [record];
      if (record === undefined) e.dmarc.recordName = undefined;
      else e.dmarc.recordName = '_dmarc.agency.gov.vn.test';
      return e;
    };

    it('present: the domain’s own record, p= applies, nothing said about inheritance', () => {
      const e = good();
      e.domain = 'mail.agency.gov.vn.test';
      e.dmarc.orgDomain = 'agency.gov.vn.test';
      e.dmarc.recordName = '_dmarc.mail.agency.gov.vn.test';
      e.dmarc.records = ['v=DMARC1; p=reject; sp=none; rua=mailto:d@agency.gov.vn.test'];
      const policy = byId(checkMailDns(e), 'mail.dmarc.policy');
      // its own p=reject; sp=none only weakens its subdomains (a warning)
      expect(policy.status).toBe('warn');
      expect(policy.evidence).toMatchObject({ effective: 'reject', inherited: false });
      expect(policy.detail.en).not.toContain('inherited');
    });

    it('inherited without sp=: the organisational p= applies, and the check says from where', () => {
      const results = checkMailDns(sub('v=DMARC1; p=quarantine; rua=mailto:d@agency.gov.vn.test'));
      const policy = byId(results, 'mail.dmarc.policy');
      expect(policy.status).toBe('pass');
      expect(policy.evidence).toMatchObject({ effective: 'quarantine', inherited: true, inheritedFrom: '_dmarc.agency.gov.vn.test', appliedTag: 'p' });
      expect(policy.detail.en).toContain("inherited from the organisational domain's _dmarc.agency.gov.vn.test, applying p=quarantine (no sp=)");
      expect(policy.detail.vi).toContain('kế thừa từ _dmarc.agency.gov.vn.test');
      const record = byId(results, 'mail.dmarc.record');
      expect(record.status).toBe('pass');
      expect(record.detail.en).toContain('no record at _dmarc.mail.agency.gov.vn.test; inherited from');
      const reports = byId(results, 'mail.dmarc.reports');
      expect(reports.status).toBe('pass');
      expect(reports.detail.en).toContain('inherited from _dmarc.agency.gov.vn.test');
    });

    it('inherited with sp=: sp= applies, not p=', () => {
      const weak = byId(checkMailDns(sub('v=DMARC1; p=reject; sp=none; rua=mailto:d@agency.gov.vn.test')), 'mail.dmarc.policy');
      expect(weak.status).toBe('fail');
      expect(weak.evidence).toMatchObject({ effective: 'none', appliedTag: 'sp' });
      expect(weak.detail.en).toContain('applying sp=none');
      // the fix names the record to change: the organisational one (or a record of its own)
      expect(weak.remediation.en).toContain('set sp=reject there');
      const strong = byId(checkMailDns(sub('v=DMARC1; p=none; sp=reject; rua=mailto:d@agency.gov.vn.test')), 'mail.dmarc.policy');
      expect(strong.status).toBe('pass');
      expect(strong.evidence).toMatchObject({ effective: 'reject', appliedTag: 'sp' });
    });

    it('no record anywhere: fails and names both places looked at', () => {
      const results = checkMailDns(sub(undefined));
      const record = byId(results, 'mail.dmarc.record');
      expect(record.status).toBe('fail');
      expect(record.detail.en).toBe('No DMARC record at _dmarc.mail.agency.gov.vn.test or _dmarc.agency.gov.vn.test.');
      expect(byId(results, 'mail.dmarc.policy').status).toBe('info');
    });
  });

  it('judges a subdomain by the organisational record’s sp=', () => {
    const e = good();
    e.domain = 'hr.agency.gov.vn.test';
    e.dmarc.recordName = '_dmarc.agency.gov.vn.test';
    e.dmarc.records = ['v=DMARC1; p=reject; sp=none; rua=mailto:d@agency.gov.vn.test'];
    expect(statusOf(e, 'mail.dmarc.policy')).toBe('fail');
  });
});

describe('MTA-STS policy parsing', () => {
  it('parses fields and matches wildcard MX patterns to one label', () => {
    const policy = parseMtaStsPolicy('version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 86400\r\n');
    expect(policy).toMatchObject({ version: 'STSv1', mode: 'testing', mx: ['mail.example.com', '*.example.net'], maxAge: 86400, problems: [] });
    expect(mxMatchesPattern('mx1.example.net', '*.example.net')).toBe(true);
    expect(mxMatchesPattern('a.b.example.net', '*.example.net')).toBe(false);
    expect(parseMtaStsPolicy('mode: enforce').problems).toContain('version must be STSv1');
  });
});

describe('mail.dane', () => {
  // A TLSA 3 1 1 record matches the SHA-256 of the SubjectPublicKeyInfo: build one from a real certificate.
  it('is info without TLSA or without certificates, passes on a match and fails on a mismatch', async () => {
    const { createTestCa } = await import('../../../../test/support/test-ca.js');
    const ca = await createTestCa();
    const leaf = await ca.issue({ names: ['mx.agency.gov.vn.test'], ec: true });
    const spki = new (await import('node:crypto')).X509Certificate(Buffer.from(leaf.derBase64, 'base64')).publicKey.export({ type: 'spki', format: 'der' });
    const digest = createHash('sha256').update(spki).digest('hex');
    const e = good();
    expect(checkDane(e)[0]!.status).toBe('info');
    e.tlsa = [
      {
        host: 'mx.agency.gov.vn.test',
        lookup: ok('_25._tcp.mx.agency.gov.vn.test', 'TLSA', true),
        records: [{ usage: 3, selector: 1, matchingType: 1, certificate: digest }],
      },
    ];
    expect(checkDane(e)[0]!.status).toBe('info');
    expect(tlsaMatches(e.tlsa[0]!.records[0]!, [leaf.derBase64])).toBe(true);
    expect(checkDane(e, { 'mx.agency.gov.vn.test': [leaf.derBase64] })[0]!.status).toBe('pass');
    const transport = { mx: [{ host: 'mx.agency.gov.vn.test', addresses: [{ tls: { certificate: { chain: [{ derBase64: leaf.derBase64 }] } } }] }] };
    expect(checkDane(e, transport)[0]!.status).toBe('pass');
    const other = await ca.issue({ names: ['mx.agency.gov.vn.test'], ec: true });
    const mismatch = checkDane(e, { 'mx.agency.gov.vn.test': [other.derBase64] })[0]!;
    expect(mismatch.status).toBe('fail');
    expect(mismatch.severity).toBe('critical');
    expect(checkDane(e, transport)[0]!.evidence.mx).toEqual([expect.objectContaining({ host: 'mx.agency.gov.vn.test', matched: true, tlsaMatch: true })]);
    e.tlsa[0]!.lookup = ok('_25._tcp.mx.agency.gov.vn.test', 'TLSA');
    const unsigned = checkDane(e, { 'mx.agency.gov.vn.test': [leaf.derBase64] })[0]!;
    expect(unsigned.status).toBe('fail');
    // without DNSSEC a matching TLSA does not validate the MX
    expect(unsigned.evidence.mx).toEqual([expect.objectContaining({ matched: false, tlsaMatch: true })]);
  });
});

describe('DKIM key facts', () => {
  it('reads key type and size from p=, and flags revoked keys', () => {
    expect(dkimKeyFacts(`v=DKIM1; k=rsa; p=${rsa2048}`)).toEqual({ keyType: 'rsa', keyBits: 2048 });
    expect(dkimKeyFacts('v=DKIM1; p=')).toEqual({ keyType: 'rsa', revoked: true });
    expect(dkimKeyFacts('v=DKIM1; p=bm90IGEga2V5').keyError).toMatch(/not a valid public key/);
  });
});
