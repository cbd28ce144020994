import { checkDane } from '../../checks/dns/index.js';
import { checkMailDns } from '../../checks/mail/auth/index.js';
import { checkMailTransport } from '../../checks/mail/transport/index.js';
import { checkWebmail } from '../../checks/mail/webmail.js';
import { checkTls } from '../../checks/tls/index.js';
import type { CheckResult } from '../../checks/types.js';
import { checkWeb } from '../../checks/web/index.js';
import type { ProbeContext } from '../../probes/context.js';
import { collectMailDnsEvidence, type MailDnsEvidence } from '../../probes/mail-dns.js';
import { collectWebEvidence, defaultResolver } from '../../probes/http/index.js';
import type { WebEvidence } from '../../probes/http/types.js';
import { collectMailTransportEvidence } from '../../probes/smtp/index.js';
import type { MailTransportEvidence } from '../../probes/smtp/types.js';
import { probeTls } from '../../probes/tls/index.js';
import type { TlsEvidence } from '../../probes/tls/types.js';

export interface MxHost {
  name: string;
  addresses: string[];
}

/**
 * The probes and checks an assessment composes. The service depends on this shape, not on the
 * modules, so each stage can fail on its own (its checks become `error`) and tests can feed
 * fixture evidence through the same orchestration.
 */
export interface AssessmentToolkit {
  collectMailDnsEvidence(domain: string, ctx: ProbeContext, options: { dkimSelectors: string[]; outboundIps: string[] }): Promise<unknown>;
  mxHostsOf(dnsEvidence: unknown): MxHost[];
  checkMailDns(dnsEvidence: unknown): CheckResult[];
  collectMailTransportEvidence(mxHosts: MxHost[], ctx: ProbeContext): Promise<MailTransportEvidence>;
  checkMailTransport(transportEvidence: MailTransportEvidence): CheckResult[];
  checkDane(dnsEvidence: unknown, transportEvidence: MailTransportEvidence): CheckResult[];
  collectWebEvidence(url: string, ctx: ProbeContext): Promise<WebEvidence>;
  checkWeb(evidence: WebEvidence): CheckResult[];
  /** mail.webmail for a site that looks like webmail (none otherwise); optional so fixture toolkits may leave it out. */
  checkWebmail?(evidence: WebEvidence): CheckResult[];
  /** Addresses of a host name through the context's resolver (the TLS probe connects by address). */
  resolveHost(host: string, ctx: ProbeContext): Promise<string[]>;
  probeTls(host: string, port: number, ctx: ProbeContext, options: { servername?: string }): Promise<TlsEvidence>;
  checkTls(evidence: TlsEvidence, options: { idPrefix: string }): CheckResult[];
}

/** The real probes and checks. */
export async function loadToolkit(): Promise<AssessmentToolkit> {
  return {
    collectMailDnsEvidence: (domain, ctx, options) => collectMailDnsEvidence(domain, ctx, options),
    mxHostsOf: (evidence) => mxHostsFromDnsEvidence(evidence),
    checkMailDns: (evidence) => checkMailDns(evidence as MailDnsEvidence),
    collectMailTransportEvidence: (mxHosts, ctx) => collectMailTransportEvidence(mxHosts, ctx),
    checkMailTransport: (evidence) => checkMailTransport(evidence),
    checkDane: (dnsEvidence, transportEvidence) => checkDane(dnsEvidence as MailDnsEvidence, transportEvidence),
    collectWebEvidence: (url, ctx) => collectWebEvidence(url, ctx),
    checkWeb: (evidence) => checkWeb(evidence),
    checkWebmail: (evidence) => [checkWebmail(evidence)].filter((r) => r !== undefined),
    resolveHost: (host, ctx) => defaultResolver(ctx)(host),
    probeTls: (host, port, ctx, options) => probeTls(host, port, ctx, options),
    checkTls: (evidence, options) => checkTls(evidence, options),
  };
}

/** MX hosts whose certificate DANE validates, from the mail.dane results (per-subject pass, or evidence.mx[].matched). */
export function daneValidatedHosts(results: CheckResult[]): string[] {
  const hosts = new Set<string>();
  for (const r of results) {
    if (r.id !== 'mail.dane') continue;
    if (r.subject && r.status === 'pass') hosts.add(r.subject);
    const perMx = r.evidence?.mx;
    if (Array.isArray(perMx)) {
      for (const m of perMx) if (m && typeof m === 'object' && (m as { matched?: unknown }).matched === true) hosts.add(String((m as { host: unknown }).host));
    }
  }
  return [...hosts];
}

/**
 * The MX hosts (name + addresses) from the mail DNS evidence, in preference order. Accepts the
 * evidence's `mx` list of `{exchange|name, preference, addresses|a/aaaa}`.
 */
export function mxHostsFromDnsEvidence(evidence: unknown): MxHost[] {
  const e = (evidence ?? {}) as Record<string, unknown>;
  const source = (
    e.mx && typeof e.mx === 'object' && !Array.isArray(e.mx) ? ((e.mx as Record<string, unknown>).hosts ?? (e.mx as Record<string, unknown>).records) : e.mx
  ) as unknown;
  if (!Array.isArray(source)) return [];
  const hosts: (MxHost & { preference: number })[] = [];
  for (const item of source) {
    if (!item || typeof item !== 'object') continue;
    const r = item as Record<string, unknown>;
    const name = String(r.exchange ?? r.name ?? r.host ?? '').replace(/\.$/, '');
    if (!name) continue; // null MX ("."): nothing to connect to
    const addresses = [r.addresses, r.a, r.aaaa, r.ipv4, r.ipv6].flatMap((list) => (Array.isArray(list) ? list.map(String) : []));
    hosts.push({ name, addresses: [...new Set(addresses)], preference: typeof r.preference === 'number' ? r.preference : 0 });
  }
  hosts.sort((a, b) => a.preference - b.preference);
  const seen = new Set<string>();
  return hosts.filter((h) => !seen.has(h.name) && seen.add(h.name)).map(({ name, addresses }) => ({ name, addresses }));
}
