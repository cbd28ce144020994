/**
 * Contract of the lab's authoritative DNS server (src/lab/dns/server.ts), used by the lab
 * organisation and by the SPF conformance tests. Record data follows dns-packet's answer `data`
 * shapes: A/AAAA: string; MX: {preference, exchange}; TXT: string | string[] (strings are
 * character-strings; a record of several strings is an array); CNAME/NS/PTR: string;
 * SOA: {mname, rname, serial, refresh, retry, expire, minimum}; CAA: {flags, tag, value};
 * TLSA: {usage, selector, matchingType, certificate: hex string}.
 */
export type DnsRecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'SPF' | 'CNAME' | 'NS' | 'SOA' | 'CAA' | 'TLSA' | 'PTR';

export interface DnsRecord {
  name: string;
  type: DnsRecordType;
  ttl?: number;
  data: unknown;
}

/**
 * Misbehaviour for names at or below `name` (hostile-peer tests):
 * - timeout: never answer;  - servfail: RCODE 2;  - refused: RCODE 5;
 * - malformed: send bytes that do not parse as DNS;  - truncate: set TC over UDP (TCP answers fully);
 * - truncated-garbage: TC over UDP, and garbage over TCP.
 */
export type DnsMisbehaviour = 'timeout' | 'servfail' | 'refused' | 'malformed' | 'truncate' | 'truncated-garbage';

export interface DnsMisbehaviourRule {
  name: string;
  mode: DnsMisbehaviour;
  /** Only `name` itself, not the names below it (default: at or below). */
  exact?: boolean;
  /** Misbehave only for query types `name` has no records of (the RFC 7208 suite's TIMEOUT semantics). */
  onlyMissingTypes?: boolean;
}

export interface DnsServerOptions {
  host: string;
  /** 0 = any free port. The same port is used for UDP and TCP. */
  port: number;
  records: DnsRecord[];
  misbehave?: DnsMisbehaviourRule[];
  /** Zones whose full transfer (AXFR over TCP) is allowed (to show dns.axfr failing). */
  axfrAllowed?: string[];
  /** Zones served as DNSSEC-signed: answers to DO queries set AD (the lab is trusted as a validating resolver would be). */
  signedZones?: string[];
}

export interface RunningDnsServer {
  host: string;
  port: number;
  /** Replace the served records (the watch demo changes an MX at run time). */
  setRecords(records: DnsRecord[]): void;
  stop(): Promise<void>;
}
