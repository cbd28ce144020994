/**
 * vigil's DNS client (stub resolver) over dns-packet. Written by hand rather than using Node's
 * resolver because vigil needs what Node's does not give: the AD flag with DO set, the exact
 * NXDOMAIN/NODATA/SERVFAIL/timeout distinction (SPF counts void lookups and maps errors to
 * temperror), names with ':' and other odd bytes (RFC 7208 suite), SPF type 99, TLSA, AXFR, and
 * hard bounds on time and bytes against hostile resolvers.
 */
import { randomInt } from 'node:crypto';
import type { ProbeContext } from '../context.js';
import { defaultResolver } from './system.js';
import { type Endpoint, type ExchangeOutcome, exchangeTcp, exchangeUdp } from './transport.js';
import { type AxfrResult, type DnsAnswerRecord, DnsQueryError, type DnsQueryType, type DnsResult } from './types.js';
import { type DecodedResponse, encodeQuery, invalidNameReason, normaliseQueryName } from './wire.js';

export interface DnsClientOptions {
  server: Endpoint;
  timeoutMs: number;
  /** Retries after a UDP timeout (0 = one attempt). */
  retries: number;
  signal?: AbortSignal | undefined;
  /** Entries kept in the in-run cache (oldest evicted first); 0 = no cache, for long-running callers (the watch). */
  cacheSize?: number;
}

export interface QueryOptions {
  /** Set the DO bit (the resolver then reports AD). Default true. */
  dnssec?: boolean;
  /** Skip UDP (AXFR-like probes, tests). */
  tcpOnly?: boolean;
  /** Ask this server instead of the configured resolver (e.g. an authoritative NS). */
  server?: Endpoint;
}

const MAX_CNAME_CHASE = 8;
const AXFR_MAX_BYTES = 4 * 1024 * 1024;
const AXFR_SAMPLE_NAMES = 10;

export interface DnsClientStats {
  queries: number;
  cacheHits: number;
  timeouts: number;
}

export class DnsClient {
  readonly server: Endpoint;
  private readonly cache = new Map<string, Promise<DnsResult>>();
  private readonly counters: DnsClientStats = { queries: 0, cacheHits: 0, timeouts: 0 };

  constructor(private readonly options: DnsClientOptions) {
    this.server = options.server;
  }

  /** A client for a probe context: `--resolver`, else the system's first nameserver. */
  static fromContext(
    context: Pick<ProbeContext, 'resolver' | 'dnsTimeoutMs' | 'dnsRetries' | 'signal'>,
    options: Pick<DnsClientOptions, 'cacheSize'> = {},
  ): DnsClient {
    return new DnsClient({
      server: context.resolver ?? defaultResolver(),
      timeoutMs: context.dnsTimeoutMs,
      retries: context.dnsRetries,
      signal: context.signal,
      ...options,
    });
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  stats(): DnsClientStats {
    return { ...this.counters };
  }

  /** Query `name` for `type`; never throws; the outcome says what happened. Results are cached for the client's life. */
  query(name: string, type: DnsQueryType, options: QueryOptions = {}): Promise<DnsResult> {
    const server = options.server ?? this.server;
    const dnssec = options.dnssec ?? true;
    const key = `${normaliseQueryName(name).toLowerCase()}|${type}|${dnssec ? 1 : 0}|${options.tcpOnly ? 1 : 0}|${server.host}:${server.port}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.counters.cacheHits++;
      return cached.then((result) => ({ ...result, fromCache: true }));
    }
    const pending = this.resolveChasingCnames(name, type, { ...options, server, dnssec });
    const limit = this.options.cacheSize ?? 5_000;
    if (limit === 0) return pending;
    this.cache.set(key, pending);
    if (this.cache.size > limit) this.cache.delete(this.cache.keys().next().value!);
    return pending;
  }

  /** Like query, but anything other than an answer or an empty answer (nodata/nxdomain) throws DnsQueryError. */
  async records(name: string, type: DnsQueryType, options: QueryOptions = {}): Promise<DnsAnswerRecord[]> {
    const result = await this.query(name, type, options);
    if (result.outcome === 'answer' || result.outcome === 'nodata' || result.outcome === 'nxdomain') return result.records;
    throw new DnsQueryError(result);
  }

  private async resolveChasingCnames(name: string, type: DnsQueryType, options: QueryOptions & { server: Endpoint; dnssec: boolean }): Promise<DnsResult> {
    const started = Date.now();
    const cnames: string[] = [];
    let current = normaliseQueryName(name);
    let authenticated = true;
    for (let hop = 0; ; hop++) {
      const result = await this.resolveOnce(current, type, options);
      authenticated &&= result.authenticated;
      cnames.push(...result.cnames);
      // An authoritative server (the lab's, or a NS asked directly) stops at the edge of its data;
      // a recursive resolver already followed the chain. Chase what is left, a few hops at most.
      const target = result.cnames.at(-1);
      const chase = type !== 'CNAME' && target && result.records.length === 0 && result.outcome === 'nodata' && hop < MAX_CNAME_CHASE;
      if (!chase || cnames.slice(0, -1).includes(target)) {
        return { ...result, name: normaliseQueryName(name), cnames, authenticated: authenticated && result.authenticated, durationMs: Date.now() - started };
      }
      current = target;
    }
  }

  private async resolveOnce(name: string, type: DnsQueryType, options: QueryOptions & { server: Endpoint; dnssec: boolean }): Promise<DnsResult> {
    const started = Date.now();
    const server = options.server;
    const base = { name, type, records: [], cnames: [], authenticated: false, server: `${server.host}:${server.port}` };
    const invalid = invalidNameReason(name);
    if (invalid) return { ...base, outcome: 'error', reason: `invalid name: ${invalid}`, durationMs: 0 };
    if (this.options.signal?.aborted) return { ...base, outcome: 'error', reason: 'aborted', durationMs: 0 };

    this.counters.queries++;
    let outcome: ExchangeOutcome = { kind: 'timeout' };
    let transport: 'udp' | 'tcp' = 'udp';
    const attempts = 1 + Math.max(0, this.options.retries);
    const newRequest = () => {
      const id = randomInt(0, 65_536);
      return { server, id, name, type, query: encodeQuery(id, name, type, options.dnssec), timeoutMs: this.options.timeoutMs, signal: this.options.signal };
    };
    if (!options.tcpOnly) {
      for (let attempt = 0; attempt < attempts; attempt++) {
        outcome = await exchangeUdp(newRequest());
        if (outcome.kind !== 'timeout') break;
      }
    }
    if (options.tcpOnly || (outcome.kind === 'response' && outcome.response.truncated)) {
      transport = 'tcp';
      outcome = await exchangeTcp(newRequest());
    }
    const durationMs = Date.now() - started;
    switch (outcome.kind) {
      case 'timeout':
        this.counters.timeouts++;
        return {
          ...base,
          outcome: 'timeout',
          transport,
          reason: `no answer from ${base.server} within ${this.options.timeoutMs} ms × ${transport === 'udp' ? attempts : 1}`,
          durationMs,
        };
      case 'malformed':
        return { ...base, outcome: 'malformed', transport, reason: outcome.reason, durationMs };
      case 'error':
        return { ...base, outcome: 'error', transport, reason: outcome.reason, durationMs };
      case 'response':
        return interpret(base, outcome.response, type, transport, durationMs);
    }
  }

  /**
   * Ask `server` for a full zone transfer (TCP, bounded by the timeout and 4 MiB). Used to show
   * that authoritative servers refuse AXFR; the records are only counted, not kept.
   */
  async axfr(zone: string, server: Endpoint): Promise<AxfrResult> {
    const started = Date.now();
    const serverLabel = `${server.host}:${server.port}`;
    const id = randomInt(0, 65_536);
    const name = normaliseQueryName(zone);
    const invalid = invalidNameReason(name);
    if (invalid)
      return { zone: name, server: serverLabel, outcome: 'error', recordCount: 0, sampleNames: [], reason: `invalid name: ${invalid}`, durationMs: 0 };
    let soaSeen = 0;
    let recordCount = 0;
    let rcode = 'NOERROR';
    const sample = new Set<string>();
    const outcome = await exchangeTcp(
      { server, id, name, type: 'AXFR', query: encodeQuery(id, name, 'AXFR', false), timeoutMs: this.options.timeoutMs * 2, signal: this.options.signal },
      {
        maxBytes: AXFR_MAX_BYTES,
        collect: (response) => {
          rcode = response.rcode;
          if (response.rcode !== 'NOERROR' || response.answers.length === 0) return true;
          for (const record of response.answers) {
            if (record.type === 'SOA') soaSeen++;
            else recordCount++;
            if (sample.size < AXFR_SAMPLE_NAMES) sample.add(record.name);
          }
          return soaSeen >= 2;
        },
      },
    );
    const durationMs = Date.now() - started;
    const base = { zone: name, server: serverLabel, recordCount, sampleNames: [...sample], durationMs };
    if (soaSeen >= 1 && recordCount + soaSeen > 0 && rcode === 'NOERROR') {
      // Even a partial transfer (cut by our byte budget) proves the server hands the zone out.
      return { ...base, outcome: 'transferred', rcode };
    }
    if (outcome.kind === 'response') return { ...base, outcome: 'refused', rcode, reason: `server answered ${rcode}` };
    if (outcome.kind === 'timeout') return { ...base, outcome: 'timeout', reason: `no complete answer within ${this.options.timeoutMs * 2} ms` };
    if (outcome.kind === 'malformed') return { ...base, outcome: 'malformed', reason: outcome.reason };
    // A server that closes the connection without answering refuses in practice.
    if (/closed/.test(outcome.reason) || /ECONNREFUSED/.test(outcome.reason)) return { ...base, outcome: 'refused', reason: outcome.reason };
    return { ...base, outcome: 'error', reason: outcome.reason };
  }
}

function interpret(
  base: Pick<DnsResult, 'name' | 'type' | 'server'>,
  response: DecodedResponse,
  type: DnsQueryType,
  transport: 'udp' | 'tcp',
  durationMs: number,
): DnsResult {
  const common = { ...base, rcode: response.rcode, authenticated: response.authenticated, transport, durationMs };
  // Follow the CNAME chain in the answer section from the asked name.
  const cnames: string[] = [];
  let owner = base.name.toLowerCase();
  for (let i = 0; i < MAX_CNAME_CHASE * 2 && type !== 'CNAME'; i++) {
    const cname = response.answers.find((r) => r.type === 'CNAME' && r.name.toLowerCase() === owner);
    if (!cname) break;
    const target = String(cname.data);
    if (cnames.includes(target)) break;
    cnames.push(target);
    owner = target.toLowerCase();
  }
  const records = response.answers.filter((r) => r.type === type && (type === 'CNAME' || r.name.toLowerCase() === owner));
  switch (response.rcode) {
    case 'NOERROR':
      return { ...common, outcome: records.length > 0 ? 'answer' : 'nodata', records, cnames };
    case 'NXDOMAIN':
      return { ...common, outcome: 'nxdomain', records: [], cnames };
    case 'SERVFAIL':
      return { ...common, outcome: 'servfail', records: [], cnames, reason: 'the resolver answered SERVFAIL' };
    case 'REFUSED':
      return { ...common, outcome: 'refused', records: [], cnames, reason: 'the resolver answered REFUSED' };
    default:
      return { ...common, outcome: 'error', records: [], cnames, reason: `unexpected RCODE ${response.rcode}` };
  }
}
