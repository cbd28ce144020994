/**
 * What vigil's DNS client returns. Every query ends in exactly one outcome, so callers (SPF's
 * check_host, the mail-DNS evidence collector) can map each to their own semantics: SPF turns
 * `timeout`/`servfail`/`malformed` into temperror, `nxdomain`/`nodata` into void lookups.
 */
export type DnsQueryType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'SPF' | 'CNAME' | 'NS' | 'SOA' | 'CAA' | 'TLSA' | 'PTR' | 'DNSKEY' | 'DS';

export type DnsOutcome =
  /** NOERROR with records of the asked type. */
  | 'answer'
  /** NOERROR, the name exists but has no records of this type. */
  | 'nodata'
  | 'nxdomain'
  | 'servfail'
  | 'refused'
  /** No (matching) answer within the timeout, after every retry. */
  | 'timeout'
  /** An answer came back but does not parse, or does not match the question asked. */
  | 'malformed'
  /** Anything else: an unexpected RCODE, an invalid name, a network error. */
  | 'error';

/** Record data, normalised to JSON-safe shapes. */
export type DnsRecordData =
  | string // A, AAAA, CNAME, NS, PTR
  | string[] // TXT, SPF: the character-strings of one record, in order
  | { preference: number; exchange: string } // MX
  | { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number } // SOA
  | { flags: number; tag: string; value: string } // CAA
  | { usage: number; selector: number; matchingType: number; certificate: string } // TLSA (hex)
  | { flags: number; algorithm: number; key: string } // DNSKEY (base64)
  | { keyTag: number; algorithm: number; digestType: number; digest: string } // DS (hex)
  | { raw: string }; // anything else (hex)

export interface DnsAnswerRecord {
  name: string;
  type: string;
  ttl: number;
  data: DnsRecordData;
}

export interface DnsResult {
  name: string;
  type: DnsQueryType;
  outcome: DnsOutcome;
  /** The RCODE as received, when a response was received. */
  rcode?: string;
  /** Records of the asked type (after following CNAMEs). */
  records: DnsAnswerRecord[];
  /** The CNAME chain followed, in order (owner → target). */
  cnames: string[];
  /** AD flag of the final response (DNSSEC-validated by the resolver). */
  authenticated: boolean;
  /** Which transport produced the final response. */
  transport?: 'udp' | 'tcp';
  /** Why the outcome is not an answer (for `error` status in checks). */
  reason?: string;
  /** Which server was asked. */
  server: string;
  durationMs: number;
  fromCache?: boolean;
}

/** Thrown only by the `*OrThrow` helpers; the client itself reports failures as outcomes. */
export class DnsQueryError extends Error {
  readonly outcome: DnsOutcome;
  readonly result: DnsResult;

  constructor(result: DnsResult) {
    super(`DNS ${result.type} ${result.name}: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}`);
    this.name = 'DnsQueryError';
    this.outcome = result.outcome;
    this.result = result;
  }
}

export interface AxfrResult {
  zone: string;
  server: string;
  /** transferred = the server sent the zone (a finding); refused = correct behaviour. */
  outcome: 'transferred' | 'refused' | 'timeout' | 'malformed' | 'error';
  rcode?: string;
  /** Number of records received before the closing SOA (bounded). */
  recordCount: number;
  /** A few owner names from the transfer, as evidence. */
  sampleNames: string[];
  reason?: string;
  durationMs: number;
}
