/**
 * RFC 7208 check_host(): the complete evaluation, with the processing limits of §4.6.4 (10
 * DNS-querying terms, 2 void lookups, 10 MX / PTR names), include/redirect loops, temperror and
 * permerror semantics, exp= explanations, and a trace of every step. DNS goes through an injected
 * resolver (vigil's DNS client in production), so this module itself never touches the network.
 */
import { isIPv4, isIPv6 } from '../../../../net-address.js';
import type { DnsQueryType, DnsResult } from '../../../../probes/dns/types.js';
import { expandMacroString, type MacroContext, type MacroString, nibbles, parseMacroString, printable, SpfSyntaxError } from './macro.js';
import { DNS_MECHANISMS, ipv6Bytes, isSpfRecord, type Mechanism, type ParsedSpfRecord, parseSpfRecord } from './parse.js';

export type SpfResultCode = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';

/** What check_host needs from DNS: vigil's DnsClient satisfies it. */
export interface SpfResolver {
  query(name: string, type: DnsQueryType): Promise<DnsResult>;
}

export interface SpfTraceEntry {
  depth: number;
  domain: string;
  message: string;
}

export interface SpfEvaluation {
  result: SpfResultCode;
  /** The exp= text for a fail (macro-expanded), when the domain publishes one and it resolves. */
  explanation?: string;
  /** DNS-querying terms evaluated (include, a, mx, ptr, exists, redirect), across includes. */
  lookups: number;
  /** Terms whose lookup returned NXDOMAIN or no records (§4.6.4). */
  voidLookups: number;
  trace: SpfTraceEntry[];
  /** The domain checked and the identity used. */
  domain: string;
  sender: string;
  /** The top-level SPF record, when one was found. */
  record?: string;
  /** Why the result is permerror/temperror/none. */
  reason?: string;
}

export interface SpfRequest {
  /** The SMTP client's IP address. */
  ip: string;
  /** MAIL FROM; empty for bounces (then postmaster@helo, §2.4). */
  sender: string;
  /** HELO/EHLO name. */
  helo: string;
  /** Domain to check (default: the sender's domain, or HELO when the sender is empty). */
  domain?: string | undefined;
  /** %{r}: the receiving host's name. */
  receiver?: string | undefined;
}

export interface SpfLimits {
  maxLookups: number;
  maxVoidLookups: number;
  /** Names looked up per mx (more is permerror) and per ptr (the rest are ignored). */
  maxNames: number;
  /** Whole-evaluation time limit (§4.6.4 suggests at least 20 s): beyond it, temperror. */
  timeLimitMs: number;
  now: () => number;
}

export const DEFAULT_SPF_LIMITS: SpfLimits = { maxLookups: 10, maxVoidLookups: 2, maxNames: 10, timeLimitMs: 20_000, now: () => Date.now() };

/** Ends evaluation with a result (permerror/temperror) from anywhere in the recursion. */
class SpfAbort extends Error {
  constructor(
    readonly result: 'permerror' | 'temperror',
    readonly reason: string,
  ) {
    super(reason);
  }
}

interface ClientIp {
  family: 4 | 6;
  bytes: number[];
  readable: string;
}

/** Parse the client IP; IPv4-mapped IPv6 (::ffff:a.b.c.d) is IPv4 for every purpose (§5). */
export function parseClientIp(text: string): ClientIp | undefined {
  const trimmed = text.trim();
  if (isIPv4(trimmed)) return { family: 4, bytes: trimmed.split('.').map(Number), readable: trimmed };
  if (!isIPv6(trimmed)) return undefined;
  const bytes = ipv6Bytes(trimmed);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) {
    const v4 = bytes.slice(12);
    return { family: 4, bytes: v4, readable: v4.join('.') };
  }
  return { family: 6, bytes, readable: compressIpv6(bytes) };
}

/** RFC 5952 text form (lowercase, longest zero run compressed) for %{c}. */
function compressIpv6(bytes: number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function inNetwork(ip: number[], network: number[], prefix: number): boolean {
  if (ip.length !== network.length) return false;
  let bits = prefix;
  for (let i = 0; i < ip.length && bits > 0; i++) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[i]! & mask) !== (network[i]! & mask)) return false;
    bits -= 8;
  }
  return true;
}

function addressBytes(text: string): number[] | undefined {
  if (isIPv4(text)) return text.split('.').map(Number);
  if (isIPv6(text)) return ipv6Bytes(text);
  return undefined;
}

/** Why a <domain> fails §4.3 initial processing (malformed or not multi-label), or undefined. */
export function malformedDomainReason(domain: string): string | undefined {
  const d = domain.replace(/\.$/, '');
  if (d.startsWith('[')) return 'a domain literal is not a domain';
  if (d.length > 253) return 'longer than 253 characters';
  const labels = d.split('.');
  if (labels.length < 2) return 'not a multi-label domain name';
  if (labels.some((l) => l.length === 0)) return 'empty label';
  if (labels.some((l) => l.length > 63)) return 'label longer than 63 characters';
  return undefined;
}

/** §4.8: an expanded name above 253 characters loses labels from the left until it fits. */
function truncateExpandedName(name: string): string {
  let n = name.replace(/\.$/, '');
  while (n.length > 253 && n.includes('.')) n = n.slice(n.indexOf('.') + 1);
  return n;
}

const DNS_ERROR_OUTCOMES = new Set(['timeout', 'servfail', 'refused', 'malformed', 'error']);

interface Frame {
  domain: string;
  depth: number;
}

/** The outcome of evaluating one domain's record; `exp` travels up through redirects only. */
interface DomainOutcome {
  result: SpfResultCode;
  reason?: string;
  exp?: { spec: MacroString; domain: string };
  record?: string;
}

export async function checkHost(request: SpfRequest, resolver: SpfResolver, limits: Partial<SpfLimits> = {}): Promise<SpfEvaluation> {
  const config = { ...DEFAULT_SPF_LIMITS, ...limits };
  const started = config.now();
  const trace: SpfTraceEntry[] = [];
  let lookups = 0;
  let voidLookups = 0;

  // §2.4/§4.3: identity. An empty MAIL FROM means postmaster@HELO; a sender without local-part gets "postmaster".
  const sender = request.sender.trim() === '' ? `postmaster@${request.helo}` : request.sender.trim();
  const at = sender.lastIndexOf('@');
  const localPart = at < 0 ? 'postmaster' : sender.slice(0, at) || 'postmaster';
  const senderDomain = at < 0 ? sender : sender.slice(at + 1);
  const fullSender = `${localPart}@${senderDomain}`;
  const domain = (request.domain ?? senderDomain).replace(/\.$/, '');
  const base = { domain, sender: fullSender };
  const finish = (outcome: DomainOutcome, explanation?: string): SpfEvaluation => ({
    ...base,
    result: outcome.result,
    ...(explanation !== undefined ? { explanation } : {}),
    lookups,
    voidLookups,
    trace,
    ...(outcome.record !== undefined ? { record: outcome.record } : {}),
    ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
  });

  const ip = parseClientIp(request.ip);
  if (!ip) {
    trace.push({ depth: 0, domain, message: `invalid client IP "${printable(request.ip)}"` });
    return finish({ result: 'permerror', reason: `"${request.ip}" is not an IP address` });
  }

  const log = (frame: Frame, message: string) => {
    if (trace.length < 500) trace.push({ depth: frame.depth, domain: frame.domain, message });
  };

  const query = async (frame: Frame, name: string, type: DnsQueryType): Promise<DnsResult> => {
    if (config.now() - started > config.timeLimitMs) throw new SpfAbort('temperror', `evaluation exceeded ${config.timeLimitMs} ms`);
    const result = await resolver.query(name, type);
    log(
      frame,
      `DNS ${type} ${name} → ${result.outcome}${result.records.length ? ` (${result.records.length})` : ''}${result.reason ? `: ${result.reason}` : ''}`,
    );
    return result;
  };

  const countLookup = (frame: Frame, term: string) => {
    lookups++;
    if (lookups > config.maxLookups) throw new SpfAbort('permerror', `more than ${config.maxLookups} DNS-querying terms (at "${term}" in ${frame.domain})`);
  };

  const countVoid = (frame: Frame, term: string, result: DnsResult) => {
    if (result.outcome !== 'nxdomain' && result.outcome !== 'nodata') return;
    voidLookups++;
    log(frame, `void lookup ${voidLookups} (${term})`);
    if (voidLookups > config.maxVoidLookups)
      throw new SpfAbort('permerror', `more than ${config.maxVoidLookups} void lookups (at "${term}" in ${frame.domain})`);
  };

  const failOnDnsError = (result: DnsResult, what: string) => {
    if (DNS_ERROR_OUTCOMES.has(result.outcome))
      throw new SpfAbort('temperror', `DNS ${result.outcome} for ${what}${result.reason ? `: ${result.reason}` : ''}`);
  };

  const addressType: DnsQueryType = ip.family === 4 ? 'A' : 'AAAA';

  /** Addresses of `name` of the client's family; DNS errors throw temperror unless `lenient`. */
  const addressesOf = async (frame: Frame, name: string, lenient = false): Promise<DnsResult | undefined> => {
    const result = await query(frame, name, addressType);
    if (DNS_ERROR_OUTCOMES.has(result.outcome)) {
      if (lenient) return undefined;
      failOnDnsError(result, `${addressType} ${name}`);
    }
    return result;
  };

  const matchesAny = (result: DnsResult | undefined, prefix: number): boolean =>
    (result?.records ?? []).some((r) => {
      const bytes = addressBytes(String(r.data));
      return bytes !== undefined && inNetwork(ip.bytes, bytes, prefix);
    });

  /** PTR names of the client IP that resolve back to it (§5.5), filtered by `accept` before validating. */
  const validatedNames = async (frame: Frame, accept: (name: string) => boolean, countVoidFor?: string): Promise<string[]> => {
    const reverse = ip.family === 4 ? `${[...ip.bytes].reverse().join('.')}.in-addr.arpa` : `${nibbles(ip.bytes).reverse().join('.')}.ip6.arpa`;
    const ptr = await query(frame, reverse, 'PTR');
    if (countVoidFor) countVoid(frame, countVoidFor, ptr);
    if (ptr.outcome !== 'answer') return [];
    const names = ptr.records.map((r) => String(r.data)).slice(0, config.maxNames);
    const validated: string[] = [];
    for (const name of names) {
      if (!accept(name) || malformedDomainReason(name)) continue;
      const addresses = await addressesOf(frame, name, true);
      if (matchesAny(addresses, ip.family === 4 ? 32 : 128)) validated.push(name);
    }
    return validated;
  };

  const isAtOrBelow = (name: string, target: string) => {
    const n = name.toLowerCase().replace(/\.$/, '');
    const t = target.toLowerCase().replace(/\.$/, '');
    return n === t || n.endsWith(`.${t}`);
  };

  const macroContext = (frame: Frame): MacroContext => ({
    sender: fullSender,
    localPart,
    senderDomain,
    domain: frame.domain,
    ip,
    helo: request.helo,
    receiver: request.receiver ?? 'unknown',
    now: config.now,
    validatedName: async () => {
      // %{p} (§7.3): prefer the domain itself, then a subdomain of it, then any validated name.
      const names = await validatedNames(frame, () => true);
      return names.find((n) => n.toLowerCase() === frame.domain.toLowerCase()) ?? names.find((n) => isAtOrBelow(n, frame.domain)) ?? names[0] ?? 'unknown';
    },
  });

  /** Expand a domain-spec into a name to query; undefined when the result is not a valid DNS name. */
  const targetName = async (frame: Frame, spec: MacroString | undefined): Promise<string | undefined> => {
    if (!spec) return frame.domain;
    const expanded = truncateExpandedName(await expandMacroString(spec, macroContext(frame)));
    const invalid = expanded === '' ? 'empty' : expanded.split('.').some((l) => l.length === 0 || l.length > 63) ? 'empty or over-long label' : undefined;
    if (invalid) {
      log(frame, `target "${printable(expanded)}" is not a valid domain name (${invalid}): no match`);
      return undefined;
    }
    return expanded;
  };

  const activeDomains: string[] = [];

  /** Fetch and select the SPF record of `domain` (§4.4, §4.5). */
  const fetchRecord = async (frame: Frame): Promise<{ text?: string; outcome: DomainOutcome | undefined }> => {
    const txt = await query(frame, frame.domain, 'TXT');
    if (DNS_ERROR_OUTCOMES.has(txt.outcome))
      return { outcome: { result: 'temperror', reason: `DNS ${txt.outcome} looking up TXT ${frame.domain}${txt.reason ? `: ${txt.reason}` : ''}` } };
    if (txt.outcome === 'nxdomain') return { outcome: { result: 'none', reason: `${frame.domain} does not exist (NXDOMAIN)` } };
    const texts = txt.records.map((r) => (Array.isArray(r.data) ? r.data.join('') : String(r.data)));
    const spf = texts.filter(isSpfRecord);
    if (spf.length === 0) return { outcome: { result: 'none', reason: `${frame.domain} publishes no v=spf1 record` } };
    if (spf.length > 1) return { outcome: { result: 'permerror', reason: `${frame.domain} publishes ${spf.length} v=spf1 records (exactly one allowed)` } };
    return { text: spf[0]!, outcome: undefined };
  };

  const evaluateDomain = async (frame: Frame): Promise<DomainOutcome> => {
    const fetched = await fetchRecord(frame);
    if (fetched.outcome) {
      log(frame, `${fetched.outcome.result}: ${fetched.outcome.reason}`);
      return fetched.outcome;
    }
    const text = fetched.text!;
    log(frame, `record: ${printable(text)}`);
    let record: ParsedSpfRecord;
    try {
      record = parseSpfRecord(text);
    } catch (error) {
      const reason = error instanceof SpfSyntaxError ? `syntax error in ${frame.domain}'s record: ${error.message}` : String(error);
      log(frame, `permerror: ${reason}`);
      return { result: 'permerror', reason, record: text };
    }
    activeDomains.push(frame.domain.toLowerCase());
    try {
      for (const mechanism of record.mechanisms) {
        const matched = await evaluateMechanism(frame, mechanism);
        log(frame, `${mechanism.text} → ${matched ? 'match' : 'no match'}`);
        if (matched) {
          const result = QUALIFIER_RESULTS[mechanism.qualifier];
          return { result, record: text, ...(result === 'fail' && record.exp ? { exp: { spec: record.exp, domain: frame.domain } } : {}) };
        }
      }
      // §6.1: redirect applies only when nothing matched and there is no "all" anywhere.
      if (record.redirect && !record.mechanisms.some((m) => m.kind === 'all')) {
        const term = `redirect=${record.redirect.source}`;
        countLookup(frame, term);
        const target = await targetName(frame, record.redirect);
        if (!target) return { result: 'permerror', reason: `${term}: the target is not a valid domain name`, record: text };
        if (activeDomains.includes(target.toLowerCase())) throw new SpfAbort('permerror', `redirect loop: ${[...activeDomains, target].join(' → ')}`);
        log(frame, `${term} → ${target}`);
        const outcome = await evaluateDomain({ domain: target, depth: frame.depth + 1 });
        if (outcome.result === 'none') {
          return { result: 'permerror', reason: `${term}: ${target} has no SPF record`, record: text };
        }
        return { ...outcome, record: text };
      }
      return { result: 'neutral', record: text, reason: 'no mechanism matched (default result)' };
    } finally {
      activeDomains.pop();
    }
  };

  const evaluateMechanism = async (frame: Frame, mechanism: Mechanism): Promise<boolean> => {
    if (DNS_MECHANISMS.has(mechanism.kind)) countLookup(frame, mechanism.text);
    switch (mechanism.kind) {
      case 'all':
        return true;
      case 'ip4':
        return ip.family === 4 && inNetwork(ip.bytes, mechanism.network!, mechanism.cidr4!);
      case 'ip6':
        return ip.family === 6 && inNetwork(ip.bytes, mechanism.network!, mechanism.cidr6!);
      case 'a': {
        const target = await targetName(frame, mechanism.domainSpec);
        if (!target) return false;
        const result = await addressesOf(frame, target);
        countVoid(frame, mechanism.text, result!);
        return matchesAny(result, ip.family === 4 ? (mechanism.cidr4 ?? 32) : (mechanism.cidr6 ?? 128));
      }
      case 'mx': {
        const target = await targetName(frame, mechanism.domainSpec);
        if (!target) return false;
        const mx = await query(frame, target, 'MX');
        failOnDnsError(mx, `MX ${target}`);
        countVoid(frame, mechanism.text, mx);
        if (mx.records.length > config.maxNames) {
          throw new SpfAbort('permerror', `${mechanism.text}: ${target} has ${mx.records.length} MX records (at most ${config.maxNames} may be looked up)`);
        }
        const prefix = ip.family === 4 ? (mechanism.cidr4 ?? 32) : (mechanism.cidr6 ?? 128);
        for (const record of mx.records) {
          const exchange = (record.data as { exchange: string }).exchange.replace(/\.$/, '');
          if (exchange === '') continue; // null MX (RFC 7505)
          if (matchesAny(await addressesOf(frame, exchange), prefix)) return true;
        }
        return false;
      }
      case 'ptr': {
        const target = await targetName(frame, mechanism.domainSpec);
        if (!target) return false;
        const names = await validatedNames(frame, (name) => isAtOrBelow(name, target), mechanism.text);
        return names.length > 0;
      }
      case 'exists': {
        const target = await targetName(frame, mechanism.domainSpec);
        if (!target) return false;
        // exists always asks for A, whatever the client's family (§5.7).
        const result = await query(frame, target, 'A');
        failOnDnsError(result, `A ${target}`);
        countVoid(frame, mechanism.text, result);
        return result.records.length > 0;
      }
      case 'include': {
        const target = await targetName(frame, mechanism.domainSpec);
        if (!target) throw new SpfAbort('permerror', `${mechanism.text}: the target is not a valid domain name`);
        if (activeDomains.includes(target.toLowerCase())) throw new SpfAbort('permerror', `include loop: ${[...activeDomains, target].join(' → ')}`);
        const outcome = await evaluateDomain({ domain: target, depth: frame.depth + 1 });
        switch (outcome.result) {
          case 'pass':
            return true;
          case 'fail':
          case 'softfail':
          case 'neutral':
            return false;
          case 'temperror':
            throw new SpfAbort('temperror', outcome.reason ?? `${mechanism.text}: temperror`);
          case 'permerror':
            throw new SpfAbort('permerror', outcome.reason ?? `${mechanism.text}: permerror`);
          case 'none':
            throw new SpfAbort('permerror', `${mechanism.text}: ${target} has no SPF record`);
        }
      }
    }
  };

  const topFrame: Frame = { domain, depth: 0 };
  const malformed = malformedDomainReason(domain);
  if (malformed) {
    log(topFrame, `none: "${printable(domain)}" is ${malformed} (§4.3)`);
    return finish({ result: 'none', reason: `the domain "${domain}" is ${malformed}` });
  }
  let outcome: DomainOutcome;
  try {
    outcome = await evaluateDomain(topFrame);
  } catch (error) {
    if (!(error instanceof SpfAbort)) throw error;
    log(topFrame, `${error.result}: ${error.reason}`);
    // Report the top-level record even when a nested step aborted.
    outcome = { result: error.result, reason: error.reason };
    const top = trace.find((t) => t.depth === 0 && t.message.startsWith('record: '));
    if (top) outcome.record = top.message.slice('record: '.length);
  }
  if (outcome.result === 'fail' && outcome.exp) {
    const explanation = await explain(outcome.exp, topFrame);
    return finish(outcome, explanation);
  }
  return finish(outcome);

  /** §6.2: any problem with exp= (DNS, count, syntax, non-ASCII) means no explanation, never an error. */
  async function explain(exp: { spec: MacroString; domain: string }, frame: Frame): Promise<string | undefined> {
    try {
      const expFrame = { domain: exp.domain, depth: frame.depth };
      const name = await targetName(expFrame, exp.spec);
      if (!name) return undefined;
      const txt = await resolver.query(name, 'TXT');
      log(expFrame, `exp: DNS TXT ${name} → ${txt.outcome}`);
      if (txt.outcome !== 'answer' || txt.records.length !== 1) return undefined;
      const data = txt.records[0]!.data;
      const text = Array.isArray(data) ? data.join('') : String(data);
      if (/[^\x20-\x7e]/.test(text)) return undefined;
      const expanded = await expandMacroString(parseMacroString(text, { explanation: true }), macroContext(expFrame));
      return expanded;
    } catch (error) {
      log(frame, `exp ignored: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}

const QUALIFIER_RESULTS: Record<Mechanism['qualifier'], SpfResultCode> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

/** Evaluate SPF for a message: the domain defaults to the sender's, or HELO's when the sender is empty (§2.4). */
export function evaluateSpf(request: SpfRequest, resolver: SpfResolver, limits: Partial<SpfLimits> = {}): Promise<SpfEvaluation> {
  return checkHost(request, resolver, limits);
}
