/**
 * The lab's authoritative DNS server: dns-packet over UDP and TCP on one port. It serves the
 * records it is given (no recursion), follows CNAME chains within its own data, tells NXDOMAIN from
 * NODATA (SOA in the authority section), honours wildcards, allows AXFR only for listed zones,
 * sets AD on DO queries for "signed" zones, truncates UDP answers above 512 bytes (or the EDNS
 * size), and can misbehave on purpose for hostile-peer tests. Garbage in never crashes it.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import packet from 'dns-packet';
import type { DnsMisbehaviour, DnsRecord, DnsServerOptions, RunningDnsServer } from './types.js';

const MAX_CNAME_HOPS = 16;
const TCP_IDLE_MS = 10_000;
const TCP_MAX_CONNECTIONS = 256;
const CLASSIC_UDP_LIMIT = 512;
const SERVER_EDNS_SIZE = 1232;
const DEFAULT_TTL = 300;

type Transport = 'udp' | 'tcp';

interface Question {
  name: string;
  type: string;
  class?: string;
}

interface WireAnswer {
  name: string;
  type: string;
  class: 'IN';
  ttl: number;
  data: unknown;
}

interface Reply {
  /** Bytes to send back, or undefined to stay silent (timeout mode, undecodable junk). */
  bytes: Buffer | undefined;
}

/** Indexed view of the served records; rebuilt on setRecords. */
class ZoneData {
  readonly byName = new Map<string, DnsRecord[]>();
  /** Every name that exists in the tree, including empty non-terminals (RFC 8020: NODATA, not NXDOMAIN). */
  readonly existing = new Set<string>();

  constructor(records: DnsRecord[]) {
    for (const record of records) {
      const name = normaliseName(record.name);
      const list = this.byName.get(name) ?? [];
      list.push(record);
      this.byName.set(name, list);
      // every ancestor exists as at least an empty non-terminal
      let current = name;
      while (current && !this.existing.has(current)) {
        this.existing.add(current);
        const dot = current.indexOf('.');
        current = dot < 0 ? '' : current.slice(dot + 1);
      }
    }
  }

  /** Records at `name`, exact or through a wildcard at the closest encloser (RFC 4592). */
  lookup(name: string): DnsRecord[] | undefined {
    const exact = this.byName.get(name);
    if (exact) return exact;
    if (this.existing.has(name)) return [];
    let encloser = name;
    while (encloser) {
      const dot = encloser.indexOf('.');
      encloser = dot < 0 ? '' : encloser.slice(dot + 1);
      if (this.existing.has(encloser) || encloser === '') {
        const wildcard = this.byName.get(encloser ? `*.${encloser}` : '*');
        return wildcard;
      }
    }
    return undefined;
  }

  /** The closest SOA record at or above `name`. */
  soaFor(name: string): DnsRecord | undefined {
    let current = name;
    for (;;) {
      const soa = this.byName.get(current)?.find((r) => r.type === 'SOA');
      if (soa) return soa;
      if (!current) return undefined;
      const dot = current.indexOf('.');
      current = dot < 0 ? '' : current.slice(dot + 1);
    }
  }

  /** All records at or below `zone`, for AXFR. */
  below(zone: string): DnsRecord[] {
    const out: DnsRecord[] = [];
    for (const [name, records] of this.byName) {
      if (isAtOrBelow(name, zone)) out.push(...records);
    }
    return out;
  }
}

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}

function isAtOrBelow(name: string, zone: string): boolean {
  const n = normaliseName(name);
  const z = normaliseName(zone);
  return z === '' || n === z || n.endsWith(`.${z}`);
}

/** Record data in the contract's shapes → dns-packet's encoder shapes. */
function toWireData(record: DnsRecord): unknown {
  switch (record.type) {
    case 'TXT':
      return txtStrings(record.data);
    case 'SPF': {
      // dns-packet has no SPF encoder: encode the TXT rdata and ship it as an opaque RR of type 99.
      const encoded = (packet as unknown as { txt: { encode(data: Buffer[]): Buffer } }).txt.encode(txtStrings(record.data));
      return encoded.subarray(2);
    }
    case 'TLSA': {
      const d = record.data as { usage: number; selector: number; matchingType: number; certificate: string | Buffer };
      const certificate = typeof d.certificate === 'string' ? Buffer.from(d.certificate, 'hex') : d.certificate;
      return { usage: d.usage, selector: d.selector, matchingType: d.matchingType, certificate };
    }
    case 'CAA': {
      const d = record.data as { flags?: number; tag: string; value: string };
      return { flags: d.flags ?? 0, tag: d.tag, value: d.value };
    }
    default:
      return record.data;
  }
}

/** TXT character-strings, split at 255 bytes (dns-packet would silently corrupt longer ones). */
function txtStrings(data: unknown): Buffer[] {
  const list = Array.isArray(data) ? data : [data];
  const out: Buffer[] = [];
  for (const item of list) {
    const bytes = Buffer.isBuffer(item) ? item : Buffer.from(String(item ?? ''), 'utf8');
    if (bytes.length === 0) out.push(bytes);
    for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255));
  }
  return out;
}

function wire(record: DnsRecord, ownerName?: string): WireAnswer {
  return { name: ownerName ?? record.name.replace(/\.+$/, ''), type: record.type, class: 'IN', ttl: record.ttl ?? DEFAULT_TTL, data: toWireData(record) };
}

function synthesisedSoa(name: string): WireAnswer {
  // Without an SOA in the data, pretend the zone is the registrable-looking last two labels.
  const labels = normaliseName(name).split('.').filter(Boolean);
  const zone = labels.slice(-2).join('.') || '.';
  return {
    name: zone,
    type: 'SOA',
    class: 'IN',
    ttl: DEFAULT_TTL,
    data: { mname: `ns.${zone}`, rname: `hostmaster.${zone}`, serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 60 },
  };
}

/** A fixed, syntactically valid DNSKEY (KSK, ECDSA P-256) for signed lab zones that publish none. */
function synthesisedDnskey(zone: string): WireAnswer {
  return { name: zone, type: 'DNSKEY', class: 'IN', ttl: DEFAULT_TTL, data: { flags: 257, algorithm: 13, key: Buffer.alloc(64, 7) } };
}

export async function startDnsServer(options: DnsServerOptions): Promise<RunningDnsServer> {
  let zone = new ZoneData(options.records);
  const misbehave = (options.misbehave ?? []).map((m) => ({ ...m, name: normaliseName(m.name) }));
  const axfrAllowed = new Set((options.axfrAllowed ?? []).map(normaliseName));
  const signedZones = (options.signedZones ?? []).map(normaliseName);

  function misbehaviourFor(name: string, qtype: string): DnsMisbehaviour | undefined {
    let best: (typeof misbehave)[number] | undefined;
    for (const m of misbehave) {
      const matches = m.exact ? name === m.name : isAtOrBelow(name, m.name);
      if (!matches) continue;
      if (m.onlyMissingTypes && (zone.byName.get(name) ?? []).some((r) => r.type === qtype)) continue;
      if (!best || m.name.length > best.name.length) best = m;
    }
    return best?.mode;
  }

  function respond(raw: Buffer, transport: Transport): Reply {
    let query: packet.Packet;
    try {
      query = packet.decode(raw);
    } catch {
      // Undecodable: answer FORMERR when there is at least a header to echo the id, else drop.
      if (raw.length < 12 || raw.readUInt16BE(2) & 0x8000) return { bytes: undefined };
      return { bytes: headerOnly(raw.readUInt16BE(0), 1) };
    }
    if (query.type !== 'query') return { bytes: undefined };
    const id = query.id ?? 0;
    const questions = (query.questions ?? []) as Question[];
    const opcode = (query as { opcode?: string }).opcode;
    if (opcode && opcode !== 'QUERY') return { bytes: encodeSafely({ id, rcode: 'NOTIMP', questions }) };
    if (questions.length !== 1) return { bytes: encodeSafely({ id, rcode: 'FORMERR', questions: [] }) };
    const question = questions[0]!;
    const qname = normaliseName(question.name);
    const qtype = question.type.toUpperCase();
    const opt = (query.additionals ?? []).find((a) => a.type === 'OPT') as { udpPayloadSize?: number; flags?: number } | undefined;
    const dnssecOk = Boolean(opt && (opt.flags ?? 0) & packet.DNSSEC_OK);
    const rd = Boolean((query.flags ?? 0) & packet.RECURSION_DESIRED);
    const limit = transport === 'tcp' ? 65_535 : Math.min(Math.max(opt?.udpPayloadSize ?? CLASSIC_UDP_LIMIT, CLASSIC_UDP_LIMIT), 4096);
    const base = { id, questions: [question], rd, edns: opt ? { dnssecOk } : undefined };

    const mode = misbehaviourFor(qname, qtype);
    if (mode === 'timeout') return { bytes: undefined };
    if (mode === 'malformed') return { bytes: garbage(id) };
    if (mode === 'servfail' || mode === 'refused') return { bytes: encodeSafely({ ...base, rcode: mode === 'servfail' ? 'SERVFAIL' : 'REFUSED' }) };
    if ((mode === 'truncate' || mode === 'truncated-garbage') && transport === 'udp') return { bytes: encodeSafely({ ...base, truncated: true }) };
    if (mode === 'truncated-garbage') return { bytes: garbage(id) };

    if (qtype === 'AXFR' || qtype === 'IXFR') {
      if (transport !== 'tcp' || !axfrAllowed.has(qname)) return { bytes: encodeSafely({ ...base, rcode: 'REFUSED' }) };
      const soa = zone.byName.get(qname)?.find((r) => r.type === 'SOA');
      const soaWire = soa ? wire(soa) : synthesisedSoa(qname);
      const body = zone.below(qname).filter((r) => r !== soa);
      return { bytes: encodeSafely({ ...base, answers: [soaWire, ...body.map((r) => wire(r)), soaWire] }, limit) };
    }

    const answers: WireAnswer[] = [];
    let current = qname;
    let currentOwner = question.name.replace(/\.+$/, '');
    const seen = new Set<string>();
    let rcode: 'NOERROR' | 'NXDOMAIN' = 'NOERROR';
    for (let hop = 0; ; hop++) {
      const records = zone.lookup(current);
      if (records === undefined) {
        // NXDOMAIN refers to the last name in the chain (RFC 6604).
        rcode = 'NXDOMAIN';
        break;
      }
      const cname = records.find((r) => r.type === 'CNAME');
      if (cname && qtype !== 'CNAME' && qtype !== 'ANY') {
        answers.push(wire(cname, currentOwner));
        seen.add(current);
        const target = normaliseName(String(cname.data));
        if (seen.has(target) || hop >= MAX_CNAME_HOPS) break;
        // A target outside our data ends the chain here; a resolver would chase it elsewhere.
        current = target;
        currentOwner = String(cname.data).replace(/\.+$/, '');
        continue;
      }
      for (const r of records) {
        if (qtype === 'ANY' || r.type === qtype) answers.push(wire(r, currentOwner));
      }
      if (qtype === 'DNSKEY' && answers.length === 0 && signedZones.includes(current)) answers.push(synthesisedDnskey(currentOwner));
      break;
    }
    const authorities: WireAnswer[] = [];
    const answeredFinal = answers.some((a) => a.type === qtype || qtype === 'ANY');
    if (!answeredFinal && (rcode === 'NXDOMAIN' || !answers.some((a) => a.type === 'CNAME'))) {
      const soa = zone.soaFor(current);
      authorities.push(soa ? wire(soa) : synthesisedSoa(current));
    }
    const authentic = dnssecOk && signedZones.some((z) => isAtOrBelow(qname, z));
    return { bytes: encodeSafely({ ...base, rcode, answers, authorities, authentic }, limit) };
  }

  const udp4: UdpSocket = createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4' });
  const tcp: Server = createServer();
  const connections = new Set<TcpSocket>();

  udp4.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    try {
      const reply = respond(msg, 'udp');
      if (reply.bytes) udp4.send(reply.bytes, rinfo.port, rinfo.address);
    } catch {
      // never let one query take the server down
    }
  });
  udp4.on('error', () => {});

  tcp.on('connection', (socket) => {
    if (connections.size >= TCP_MAX_CONNECTIONS) {
      socket.destroy();
      return;
    }
    connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const message = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        try {
          const reply = respond(Buffer.from(message), 'tcp');
          if (reply.bytes && !socket.destroyed) {
            const frame = Buffer.alloc(2);
            frame.writeUInt16BE(reply.bytes.length);
            socket.write(Buffer.concat([frame, reply.bytes]));
          }
        } catch {
          socket.destroy();
          return;
        }
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.port, options.host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  const port = (tcp.address() as { port: number }).port;
  try {
    await new Promise<void>((resolve, reject) => {
      udp4.once('error', reject);
      udp4.bind(port, options.host, () => {
        udp4.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    // The TCP port was free but its UDP twin was not: retry on another free port.
    if (options.port === 0) return startDnsServer(options);
    throw error;
  }

  return {
    host: options.host,
    port,
    setRecords(records: DnsRecord[]) {
      zone = new ZoneData(records);
    },
    async stop() {
      for (const socket of connections) socket.destroy();
      await Promise.all([new Promise<void>((resolve) => tcp.close(() => resolve())), new Promise<void>((resolve) => udp4.close(() => resolve()))]);
    },
  };
}

interface ResponseSpec {
  id: number;
  questions: Question[];
  rcode?: string;
  rd?: boolean;
  answers?: WireAnswer[];
  authorities?: WireAnswer[];
  authentic?: boolean;
  truncated?: boolean;
  edns?: { dnssecOk: boolean } | undefined;
}

const RCODE_NUMBERS: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

/**
 * Encode a response; over the size limit, drop the records and set TC (the client retries over
 * TCP). Encoding failures (bad record data in the lab world) become SERVFAIL rather than a crash.
 */
function encodeSafely(spec: ResponseSpec, limit = CLASSIC_UDP_LIMIT): Buffer {
  const build = (answers: WireAnswer[], authorities: WireAnswer[], truncated: boolean, rcode: string) => {
    let flags = packet.AUTHORITATIVE_ANSWER | (RCODE_NUMBERS[rcode] ?? 2);
    if (spec.rd) flags |= packet.RECURSION_DESIRED;
    if (spec.authentic) flags |= packet.AUTHENTIC_DATA;
    if (truncated) flags |= packet.TRUNCATED_RESPONSE;
    const additionals = spec.edns
      ? [{ type: 'OPT', name: '.', udpPayloadSize: SERVER_EDNS_SIZE, flags: spec.edns.dnssecOk ? packet.DNSSEC_OK : 0, options: [] }]
      : [];
    return packet.encode({ id: spec.id, type: 'response', flags, questions: spec.questions, answers, authorities, additionals } as unknown as packet.Packet);
  };
  try {
    const full = build(spec.answers ?? [], spec.authorities ?? [], Boolean(spec.truncated), spec.rcode ?? 'NOERROR');
    if (full.length <= limit) return full;
    return build([], [], true, spec.rcode ?? 'NOERROR');
  } catch {
    try {
      return build([], [], false, 'SERVFAIL');
    } catch {
      return headerOnly(spec.id, 2);
    }
  }
}

function headerOnly(id: number, rcode: number): Buffer {
  const buf = Buffer.alloc(12);
  buf.writeUInt16BE(id, 0);
  buf.writeUInt16BE(0x8000 | packet.AUTHORITATIVE_ANSWER | rcode, 2);
  return buf;
}

/** Bytes that carry the query id but do not parse as DNS: counts promise records that are not there. */
function garbage(id: number): Buffer {
  const buf = Buffer.alloc(40, 0xff);
  buf.writeUInt16BE(id, 0);
  buf.writeUInt16BE(0x8180, 2);
  buf.writeUInt16BE(1, 4);
  buf.writeUInt16BE(5, 6);
  return buf;
}
