/**
 * Encoding queries and decoding responses with dns-packet, plus the checks dns-packet does not
 * do itself: name validity (label ≤ 63 bytes, name ≤ 253), response/question matching, and
 * normalising record data to JSON-safe shapes.
 */
import packet from 'dns-packet';
import type { DnsAnswerRecord, DnsQueryType, DnsRecordData } from './types.js';

/** Advertised EDNS0 UDP payload size (the DNS Flag Day 2020 value: avoids IP fragmentation). */
export const EDNS_UDP_SIZE = 1232;

export function normaliseQueryName(name: string): string {
  return name.replace(/\.+$/, '');
}

/** Why a name cannot be put on the wire, or undefined when it can. Any byte other than '.' is allowed in a label. */
export function invalidNameReason(name: string): string | undefined {
  const n = normaliseQueryName(name);
  if (n === '') return 'empty name';
  if (Buffer.byteLength(n) > 253) return 'name longer than 253 bytes';
  for (const label of n.split('.')) {
    if (label.length === 0) return 'empty label';
    if (Buffer.byteLength(label) > 63) return 'label longer than 63 bytes';
  }
  return undefined;
}

export function encodeQuery(id: number, name: string, type: DnsQueryType | 'AXFR', dnssecOk: boolean): Buffer {
  return packet.encode({
    id,
    type: 'query',
    flags: type === 'AXFR' ? 0 : packet.RECURSION_DESIRED,
    questions: [{ name: normaliseQueryName(name), type, class: 'IN' }],
    additionals: type === 'AXFR' ? [] : [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE, flags: dnssecOk ? packet.DNSSEC_OK : 0, options: [] }],
  } as unknown as packet.Packet);
}

export interface DecodedResponse {
  id: number;
  rcode: string;
  truncated: boolean;
  authenticated: boolean;
  question: { name: string; type: string } | undefined;
  answers: DnsAnswerRecord[];
  authorities: DnsAnswerRecord[];
}

export type DecodeOutcome = { ok: true; response: DecodedResponse } | { ok: false; reason: string };

interface RawRecord {
  name: string;
  type: string;
  ttl?: number;
  data?: unknown;
}

/** Decode a response; anything dns-packet cannot parse, or that is not a response, is a reason string. */
export function decodeResponse(bytes: Buffer): DecodeOutcome {
  let decoded: {
    id?: number;
    type?: string;
    rcode?: string;
    flag_tc?: boolean;
    flag_ad?: boolean;
    questions?: { name: string; type: string }[];
    answers?: RawRecord[];
    authorities?: RawRecord[];
  };
  try {
    decoded = packet.decode(bytes) as unknown as typeof decoded;
  } catch (error) {
    return { ok: false, reason: `undecodable response: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (decoded.type !== 'response') return { ok: false, reason: 'packet is not a response (QR=0)' };
  try {
    return {
      ok: true,
      response: {
        id: decoded.id ?? 0,
        rcode: decoded.rcode ?? 'NOERROR',
        truncated: Boolean(decoded.flag_tc),
        authenticated: Boolean(decoded.flag_ad),
        question: decoded.questions?.[0],
        answers: (decoded.answers ?? []).filter((r) => r.type !== 'OPT').map(normaliseRecord),
        authorities: (decoded.authorities ?? []).filter((r) => r.type !== 'OPT').map(normaliseRecord),
      },
    };
  } catch (error) {
    return { ok: false, reason: `unexpected record data: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Whether a response answers the question we asked (a spoofed or stray packet does not). */
export function matchesQuestion(response: DecodedResponse, id: number, name: string, type: string): boolean {
  if (response.id !== id || !response.question) return false;
  return normaliseQueryName(response.question.name).toLowerCase() === normaliseQueryName(name).toLowerCase() && response.question.type === type;
}

function normaliseRecord(record: RawRecord): DnsAnswerRecord {
  return { name: normaliseQueryName(record.name), type: record.type, ttl: record.ttl ?? 0, data: normaliseData(record.type, record.data) };
}

function normaliseData(type: string, data: unknown): DnsRecordData {
  switch (type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return normaliseQueryName(String(data));
    case 'TXT':
      return (Array.isArray(data) ? data : [data]).map((s) => (Buffer.isBuffer(s) ? s.toString('utf8') : String(s)));
    case 'SPF':
      // dns-packet has no SPF decoder: the rdata arrives raw; it has TXT's layout.
      return decodeCharacterStrings(data as Buffer);
    case 'MX': {
      const d = data as { preference: number; exchange: string };
      return { preference: d.preference, exchange: normaliseQueryName(d.exchange) };
    }
    case 'SOA': {
      const d = data as { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
      return { mname: d.mname, rname: d.rname, serial: d.serial, refresh: d.refresh, retry: d.retry, expire: d.expire, minimum: d.minimum };
    }
    case 'CAA': {
      const d = data as { flags: number; tag: string; value: string };
      return { flags: d.flags, tag: d.tag, value: d.value };
    }
    case 'TLSA': {
      const d = data as { usage: number; selector: number; matchingType: number; certificate: Buffer };
      return { usage: d.usage, selector: d.selector, matchingType: d.matchingType, certificate: d.certificate.toString('hex') };
    }
    case 'DNSKEY': {
      const d = data as { flags: number; algorithm: number; key: Buffer };
      return { flags: d.flags, algorithm: d.algorithm, key: d.key.toString('base64') };
    }
    case 'DS': {
      const d = data as { keyTag: number; algorithm: number; digestType: number; digest: Buffer };
      return { keyTag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType, digest: d.digest.toString('hex') };
    }
    default:
      return { raw: Buffer.isBuffer(data) ? data.toString('hex') : JSON.stringify(data ?? null) };
  }
}

function decodeCharacterStrings(rdata: Buffer): string[] {
  const out: string[] = [];
  let offset = 0;
  while (offset < rdata.length) {
    const length = rdata[offset]!;
    if (offset + 1 + length > rdata.length) throw new Error('character-string overruns the record');
    out.push(rdata.subarray(offset + 1, offset + 1 + length).toString('utf8'));
    offset += 1 + length;
  }
  return out;
}
