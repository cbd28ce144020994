/**
 * Everything DNS says about a mail domain, collected once through vigil's DNS client: MX and
 * their addresses, SPF (records, a full-walk analysis and check_host for each MX / outbound IP),
 * DMARC (with organisational-domain fallback and external report authorisation), DKIM selectors,
 * MTA-STS (record + policy file over HTTPS), TLS-RPT, TLSA, DNSSEC, AXFR, CAA, SOA/NS.
 * Every lookup records its outcome, so a hostile or broken resolver turns into `error` for the
 * checks that needed that lookup and leaves the others alone.
 */
import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import { connect as tlsConnect, rootCertificates } from 'node:tls';
import { getDomain } from 'tldts';
import { Agent, request } from 'undici';
import { isDmarcRecord, parseDmarc, reportDestinationDomain } from '../checks/mail/auth/dmarc.js';
import { checkHost, type SpfEvaluation } from '../checks/mail/auth/spf/check-host.js';
import { isSpfRecord } from '../checks/mail/auth/spf/parse.js';
import { mappedEndpoint, type ProbeContext } from './context.js';
import { assertAddressInScope } from './scope.js';
import { DnsClient } from './dns/client.js';
import type { AxfrResult, DnsOutcome, DnsResult } from './dns/types.js';

/** Selectors tried when looking for DKIM keys (config adds more: mail.dkimSelectors in vigil.yaml). */
export const COMMON_DKIM_SELECTORS = [
  'default',
  'dkim',
  'mail',
  'selector1', // Microsoft 365
  'selector2', // Microsoft 365
  'google', // Google Workspace
  'k1', // Mailchimp / Mandrill
  'k2',
  's1',
  's2',
  'smtp',
  'mx',
  'email',
  'key1',
  'dkim1',
  'mta',
  'zimbra', // Zimbra (common in Vietnamese agencies)
  'mailo',
] as const;

export interface LookupEvidence {
  name: string;
  type: string;
  outcome: DnsOutcome;
  reason?: string | undefined;
  authenticated?: boolean;
}

export interface MxHostEvidence {
  exchange: string;
  preference: number;
  addresses: string[];
  a: LookupEvidence;
  aaaa: LookupEvidence;
}

export interface SpfAuthorisationEvidence {
  ip: string;
  source: 'mx' | 'outbound';
  host?: string;
  result: SpfEvaluation['result'];
  reason?: string | undefined;
}

export interface DkimSelectorEvidence {
  selector: string;
  name: string;
  lookup: LookupEvidence;
  record?: string;
  keyType?: string;
  keyBits?: number;
  revoked?: boolean;
  keyError?: string;
}

export interface MtaStsPolicyEvidence {
  url: string;
  fetched: boolean;
  status?: number;
  contentType?: string;
  body?: string;
  error?: string;
  certificateError?: string;
}

export interface MailDnsEvidence {
  domain: string;
  resolver: string;
  observedAt: string;
  durationMs: number;
  mx: { lookup: LookupEvidence; hosts: MxHostEvidence[] };
  spf: {
    lookup: LookupEvidence;
    /** v=spf1 records (TXT strings joined). */
    records: string[];
    /** Whole-record walk: check_host with an address no policy lists, limits lifted, to count every term. */
    analysis?: SpfEvaluation | undefined;
    authorisations: SpfAuthorisationEvidence[];
  };
  dmarc: {
    orgDomain: string;
    lookups: LookupEvidence[];
    /** Where the record was found (the domain's _dmarc, or the organisational domain's). */
    recordName?: string;
    records: string[];
    external: { uri: string; destination: string; authName: string; lookup: LookupEvidence; authorised: boolean }[];
  };
  dkim: { domainKey: LookupEvidence; selectors: DkimSelectorEvidence[] };
  mtaSts: { lookup: LookupEvidence; records: string[]; policy?: MtaStsPolicyEvidence };
  tlsRpt: { lookup: LookupEvidence; records: string[] };
  tlsa: { host: string; lookup: LookupEvidence; records: { usage: number; selector: number; matchingType: number; certificate: string }[] }[];
  dnssec: { soa: LookupEvidence; mx: LookupEvidence; dnskey: LookupEvidence; dnskeyCount: number };
  soa: { lookup: LookupEvidence; zone: string; record?: Record<string, unknown> };
  ns: { lookup: LookupEvidence; names: string[] };
  axfr: (AxfrResult & { ns: string })[];
  caa: { queried: LookupEvidence[]; foundAt?: string; records: { flags: number; tag: string; value: string }[] };
}

export interface MailDnsOptions {
  dkimSelectors: string[];
  outboundIps: string[];
}

/** An IP no SPF policy authorises (RFC 5737 TEST-NET-1 is used by the lab, so use "this network"). */
const ANALYSIS_IP = '0.0.0.1';
const MAX_MX_HOSTS = 10;
const MAX_NS_FOR_AXFR = 4;
const MTA_STS_MAX_BYTES = 64 * 1024;

function lookupOf(result: DnsResult): LookupEvidence {
  return {
    name: result.name,
    type: result.type,
    outcome: result.outcome,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.authenticated ? { authenticated: true } : {}),
  };
}

function txtStrings(result: DnsResult): string[] {
  return result.records.map((r) => (Array.isArray(r.data) ? r.data.join('') : String(r.data)));
}

/**
 * The organisational domain (RFC 7489 §3.2) by the public suffix list. Lab and test names end
 * in the reserved `.test` TLD: it is set aside, the PSL applied to the rest, and it is put back,
 * so `mail.agency.gov.vn.test` → `agency.gov.vn.test`, as `mail.agency.gov.vn` → `agency.gov.vn`.
 */
export function organisationalDomain(domain: string): string {
  const name = domain.toLowerCase().replace(/\.$/, '');
  const testSuffix = name.endsWith('.test') ? '.test' : '';
  const base = testSuffix ? name.slice(0, -testSuffix.length) : name;
  const org = getDomain(base, { allowPrivateDomains: false });
  if (org) return `${org}${testSuffix}`;
  // no registrable part (a bare suffix or a one-label lab name): the name itself
  return name;
}

export async function collectMailDnsEvidence(domain: string, ctx: ProbeContext, options: MailDnsOptions): Promise<MailDnsEvidence> {
  const started = Date.now();
  const name = domain.toLowerCase().replace(/\.$/, '');
  const dns = DnsClient.fromContext(ctx);
  const orgDomain = organisationalDomain(name);

  const [mx, spf, dmarc, dkim, mtaSts, tlsRpt, dnssec, soaNs, caa] = await Promise.all([
    collectMx(dns, name),
    dns.query(name, 'TXT'),
    collectDmarc(dns, name, orgDomain),
    collectDkim(dns, name, options.dkimSelectors),
    dns.query(`_mta-sts.${name}`, 'TXT'),
    dns.query(`_smtp._tls.${name}`, 'TXT'),
    Promise.all([dns.query(name, 'SOA'), dns.query(name, 'MX'), dns.query(name, 'DNSKEY')]),
    collectSoaNs(dns, name, orgDomain),
    collectCaa(dns, name, orgDomain),
  ]);

  const spfRecords = txtStrings(spf).filter(isSpfRecord);
  const [analysis, authorisations, tlsa, axfr, policy] = await Promise.all([
    spfRecords.length > 0
      ? checkHost({ ip: ANALYSIS_IP, sender: `postmaster@${name}`, helo: name }, dns, { maxLookups: 50, maxVoidLookups: 50 })
      : Promise.resolve(undefined),
    authoriseSenders(dns, name, mx.hosts, options.outboundIps, spfRecords.length > 0),
    Promise.all(mx.hosts.slice(0, MAX_MX_HOSTS).map((h) => collectTlsa(dns, h.exchange))),
    collectAxfr(dns, ctx, soaNs.zone, soaNs.ns.names),
    txtStrings(mtaSts).some((t) => /^v=STSv1/i.test(t)) ? fetchMtaStsPolicy(dns, ctx, name) : Promise.resolve(undefined),
  ]);

  return {
    domain: name,
    resolver: dns.server.host.includes(':') ? `[${dns.server.host}]:${dns.server.port}` : `${dns.server.host}:${dns.server.port}`,
    observedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    mx,
    spf: { lookup: lookupOf(spf), records: spfRecords, analysis, authorisations },
    dmarc,
    dkim,
    mtaSts: { lookup: lookupOf(mtaSts), records: txtStrings(mtaSts).filter((t) => /^v=STSv1/i.test(t)), ...(policy ? { policy } : {}) },
    tlsRpt: { lookup: lookupOf(tlsRpt), records: txtStrings(tlsRpt).filter((t) => /^v=TLSRPTv1/i.test(t)) },
    tlsa,
    dnssec: {
      soa: lookupOf(dnssec[0]),
      mx: lookupOf(dnssec[1]),
      dnskey: lookupOf(dnssec[2]),
      dnskeyCount: dnssec[2].records.length,
    },
    soa: soaNs.soa,
    ns: soaNs.ns,
    axfr,
    caa,
  };
}

async function collectMx(dns: DnsClient, domain: string): Promise<MailDnsEvidence['mx']> {
  const result = await dns.query(domain, 'MX');
  const records = result.records
    .map((r) => r.data as { preference: number; exchange: string })
    .sort((a, b) => a.preference - b.preference)
    .slice(0, 50);
  const hosts = await Promise.all(
    records.map(async (r) => {
      const exchange = r.exchange.replace(/\.$/, '').toLowerCase();
      if (exchange === '') {
        const none: LookupEvidence = { name: '.', type: 'A', outcome: 'nodata' };
        return { exchange: '', preference: r.preference, addresses: [], a: none, aaaa: { ...none, type: 'AAAA' } };
      }
      const [a, aaaa] = await Promise.all([dns.query(exchange, 'A'), dns.query(exchange, 'AAAA')]);
      const addresses = [...a.records, ...aaaa.records].map((x) => String(x.data));
      return { exchange, preference: r.preference, addresses, a: lookupOf(a), aaaa: lookupOf(aaaa) };
    }),
  );
  return { lookup: lookupOf(result), hosts };
}

async function authoriseSenders(
  dns: DnsClient,
  domain: string,
  hosts: MxHostEvidence[],
  outboundIps: string[],
  hasSpf: boolean,
): Promise<SpfAuthorisationEvidence[]> {
  if (!hasSpf) return [];
  const targets: { ip: string; source: 'mx' | 'outbound'; host?: string }[] = [];
  for (const host of hosts.slice(0, MAX_MX_HOSTS)) for (const ip of host.addresses) targets.push({ ip, source: 'mx', host: host.exchange });
  for (const ip of outboundIps) if (isIP(ip)) targets.push({ ip, source: 'outbound' });
  return Promise.all(
    targets.slice(0, 40).map(async (t) => {
      const evaluation = await checkHost({ ip: t.ip, sender: `postmaster@${domain}`, helo: t.host ?? domain }, dns);
      return { ...t, result: evaluation.result, ...(evaluation.reason ? { reason: evaluation.reason } : {}) };
    }),
  );
}

async function collectDmarc(dns: DnsClient, domain: string, orgDomain: string): Promise<MailDnsEvidence['dmarc']> {
  const lookups: LookupEvidence[] = [];
  let recordName: string | undefined;
  let records: string[] = [];
  for (const candidate of domain === orgDomain ? [domain] : [domain, orgDomain]) {
    const result = await dns.query(`_dmarc.${candidate}`, 'TXT');
    lookups.push(lookupOf(result));
    const found = txtStrings(result).filter(isDmarcRecord);
    if (found.length > 0) {
      recordName = `_dmarc.${candidate}`;
      records = found;
      break;
    }
    // A DNS failure is not "no record": do not fall back past it.
    if (!['nodata', 'nxdomain', 'answer'].includes(result.outcome)) break;
  }
  const external: MailDnsEvidence['dmarc']['external'] = [];
  if (records.length === 1) {
    const parsed = parseDmarc(records[0]!);
    const recordDomain = recordName!.slice('_dmarc.'.length);
    const destinations = new Map<string, string>();
    for (const uri of [...parsed.rua, ...parsed.ruf]) {
      const destination = reportDestinationDomain(uri);
      if (destination && organisationalDomain(destination) !== organisationalDomain(recordDomain)) destinations.set(uri, destination);
    }
    for (const [uri, destination] of [...destinations].slice(0, 10)) {
      // RFC 7489 §7.1: the destination publishes "<domain>._report._dmarc.<destination>" with v=DMARC1.
      const authName = `${recordDomain}._report._dmarc.${destination}`;
      const result = await dns.query(authName, 'TXT');
      external.push({ uri, destination, authName, lookup: lookupOf(result), authorised: txtStrings(result).some(isDmarcRecord) });
    }
  }
  return { orgDomain, lookups, ...(recordName ? { recordName } : {}), records, external };
}

async function collectDkim(dns: DnsClient, domain: string, configured: string[]): Promise<MailDnsEvidence['dkim']> {
  const selectors = [...new Set([...configured.map((s) => s.trim().toLowerCase()).filter(Boolean), ...COMMON_DKIM_SELECTORS])].slice(0, 60);
  const [domainKey, ...found] = await Promise.all([
    dns.query(`_domainkey.${domain}`, 'TXT'),
    ...selectors.map(async (selector): Promise<DkimSelectorEvidence> => {
      const name = `${selector}._domainkey.${domain}`;
      const result = await dns.query(name, 'TXT');
      const record = txtStrings(result).find((t) => /(^|;)\s*p\s*=/i.test(t) || /^v=DKIM1/i.test(t));
      return { selector, name, lookup: lookupOf(result), ...(record !== undefined ? { record, ...dkimKeyFacts(record) } : {}) };
    }),
  ]);
  return { domainKey: lookupOf(domainKey!), selectors: found };
}

/** Key type and size from a DKIM record's k= and p= (RFC 6376 §3.6.1). */
export function dkimKeyFacts(record: string): Pick<DkimSelectorEvidence, 'keyType' | 'keyBits' | 'revoked' | 'keyError'> {
  const tags: Record<string, string> = {};
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) tags[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).replace(/\s+/g, '');
  }
  const keyType = (tags.k || 'rsa').toLowerCase();
  const p = tags.p ?? '';
  if (p === '') return { keyType, revoked: true };
  try {
    const der = Buffer.from(p, 'base64');
    if (keyType === 'ed25519') return { keyType, keyBits: der.length === 32 ? 256 : der.length * 8 };
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    const bits = key.asymmetricKeyDetails?.modulusLength;
    return { keyType: key.asymmetricKeyType ?? keyType, ...(bits ? { keyBits: bits } : {}) };
  } catch (error) {
    return { keyType, keyError: `p= is not a valid public key: ${(error as Error).message}` };
  }
}

async function collectTlsa(dns: DnsClient, host: string): Promise<MailDnsEvidence['tlsa'][number]> {
  const result = await dns.query(`_25._tcp.${host}`, 'TLSA');
  const records = result.records.map((r) => r.data as { usage: number; selector: number; matchingType: number; certificate: string });
  return { host, lookup: lookupOf(result), records };
}

async function collectSoaNs(dns: DnsClient, domain: string, orgDomain: string) {
  // The zone apex: the domain when it has an SOA, else the organisational domain.
  let soa = await dns.query(domain, 'SOA');
  let zone = domain;
  if (soa.outcome !== 'answer' && orgDomain !== domain) {
    const org = await dns.query(orgDomain, 'SOA');
    if (org.outcome === 'answer') {
      soa = org;
      zone = orgDomain;
    }
  }
  const ns = await dns.query(zone, 'NS');
  return {
    zone,
    soa: { lookup: lookupOf(soa), zone, ...(soa.records[0] ? { record: soa.records[0].data as Record<string, unknown> } : {}) },
    ns: { lookup: lookupOf(ns), names: ns.records.map((r) => String(r.data).toLowerCase()) },
  };
}

async function collectAxfr(dns: DnsClient, ctx: ProbeContext, zone: string, nameservers: string[]): Promise<MailDnsEvidence['axfr']> {
  return Promise.all(
    nameservers.slice(0, MAX_NS_FOR_AXFR).map(async (ns) => {
      const a = await dns.query(ns, 'A');
      const address = a.records[0] ? String(a.records[0].data) : undefined;
      if (!address) {
        return {
          ns,
          zone,
          server: ns,
          outcome: 'error' as const,
          recordCount: 0,
          sampleNames: [],
          reason: `no address for ${ns} (${a.outcome})`,
          durationMs: 0,
        };
      }
      if (ctx.scope && !ctx.scope.allowsAddress(address)) {
        return { ns, zone, server: ns, outcome: 'error' as const, recordCount: 0, sampleNames: [], reason: `out-of-scope: ${ns} → ${address}`, durationMs: 0 };
      }
      const endpoint = mappedEndpoint(ctx, address, 53);
      return { ns, ...(await dns.axfr(zone, endpoint)) };
    }),
  );
}

async function collectCaa(dns: DnsClient, domain: string, orgDomain: string): Promise<MailDnsEvidence['caa']> {
  // RFC 8659 §3: climb from the name towards the root; the first CAA set found applies. vigil stops at the organisational domain.
  const queried: LookupEvidence[] = [];
  let current = domain;
  for (let i = 0; i < 10; i++) {
    const result = await dns.query(current, 'CAA');
    queried.push(lookupOf(result));
    if (result.outcome === 'answer') {
      return { queried, foundAt: current, records: result.records.map((r) => r.data as { flags: number; tag: string; value: string }) };
    }
    if (!['nodata', 'nxdomain'].includes(result.outcome) || current === orgDomain || !current.includes('.')) break;
    current = current.slice(current.indexOf('.') + 1);
  }
  return { queried, records: [] };
}

/**
 * GET https://mta-sts.<domain>/.well-known/mta-sts.txt (RFC 8461 §3.3), resolving the host with
 * vigil's resolver, connecting through the lab's port map, trusting the lab CA; body ≤ 64 KiB,
 * no redirects, bounded by the connect timeout.
 */
async function fetchMtaStsPolicy(dns: DnsClient, ctx: ProbeContext, domain: string): Promise<MtaStsPolicyEvidence> {
  const host = `mta-sts.${domain}`;
  const url = `https://${host}/.well-known/mta-sts.txt`;
  const a = await dns.query(host, 'A');
  const aaaa = a.records.length ? undefined : await dns.query(host, 'AAAA');
  const address = String((a.records[0] ?? aaaa?.records[0])?.data ?? '');
  if (!address) return { url, fetched: false, error: `${host} has no address (${a.outcome})` };
  try {
    assertAddressInScope(ctx.scope, address, host);
  } catch (error) {
    return { url, fetched: false, error: (error as Error).message };
  }
  const endpoint = mappedEndpoint(ctx, address, 443);
  const ca = [...rootCertificates, ...ctx.extraCaPem];
  const agent = new Agent({
    connectTimeout: ctx.connectTimeoutMs,
    headersTimeout: ctx.connectTimeoutMs,
    bodyTimeout: ctx.connectTimeoutMs,
    connect: (_options, callback) => {
      const socket = tlsConnect({ host: endpoint.host, port: endpoint.port, servername: host, ca, ALPNProtocols: ['http/1.1'] });
      socket.setTimeout(ctx.connectTimeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${ctx.connectTimeoutMs} ms`)));
      socket.once('secureConnect', () => {
        socket.setTimeout(0);
        callback(null, socket);
      });
      socket.once('error', (error) => callback(error, null));
    },
  });
  const abort = AbortSignal.any([AbortSignal.timeout(ctx.connectTimeoutMs * 2), ...(ctx.signal ? [ctx.signal] : [])]);
  try {
    // undici follows no redirects unless told to (RFC 8461 §3.3 forbids following them)
    const response = await request(url, { dispatcher: agent, signal: abort });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MTA_STS_MAX_BYTES) {
        response.body.destroy();
        return { url, fetched: false, status: response.statusCode, error: `policy larger than ${MTA_STS_MAX_BYTES} bytes` };
      }
      chunks.push(chunk as Buffer);
    }
    const contentType = String(response.headers['content-type'] ?? '');
    return { url, fetched: true, status: response.statusCode, contentType, body: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    const message = (error as Error).message;
    const certificate = /certificate|self.signed|CERT_|altname|hostname/i.test(message) || /CERT|SELF_SIGNED/.test(String((error as { code?: string }).code));
    return { url, fetched: false, error: message, ...(certificate ? { certificateError: message } : {}) };
  } finally {
    await agent.close().catch(() => {});
  }
}
