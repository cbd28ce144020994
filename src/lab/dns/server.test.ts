import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from './server.js';
import type { DnsRecord, RunningDnsServer } from './types.js';

const soa = { mname: 'ns1.lab.test', rname: 'hostmaster.lab.test', serial: 7, refresh: 3600, retry: 600, expire: 86400, minimum: 60 };
const records: DnsRecord[] = [
  { name: 'lab.test', type: 'SOA', data: soa },
  { name: 'lab.test', type: 'NS', data: 'ns1.lab.test' },
  { name: 'lab.test', type: 'MX', data: { preference: 10, exchange: 'mx.lab.test' } },
  { name: 'lab.test', type: 'TXT', data: ['v=spf1 ', 'mx -all'] },
  { name: 'lab.test', type: 'SPF', data: 'v=spf1 mx -all' },
  { name: 'lab.test', type: 'CAA', data: { flags: 0, tag: 'issue', value: 'ca.lab.test' } },
  { name: 'mx.lab.test', type: 'A', data: '127.0.10.25' },
  { name: 'mx.lab.test', type: 'AAAA', data: '::1' },
  { name: '_25._tcp.mx.lab.test', type: 'TLSA', data: { usage: 3, selector: 1, matchingType: 1, certificate: 'ab'.repeat(32) } },
  { name: 'www.lab.test', type: 'CNAME', data: 'web.lab.test' },
  { name: 'web.lab.test', type: 'CNAME', data: 'mx.lab.test' },
  { name: 'loop1.lab.test', type: 'CNAME', data: 'loop2.lab.test' },
  { name: 'loop2.lab.test', type: 'CNAME', data: 'loop1.lab.test' },
  { name: 'deep.below.lab.test', type: 'A', data: '127.0.0.9' },
  { name: '*.wild.lab.test', type: 'A', data: '127.0.0.8' },
  { name: 'foo:bar/baz.lab.test', type: 'A', data: '127.0.0.7' },
  { name: '25.10.0.127.in-addr.arpa', type: 'PTR', data: 'mx.lab.test' },
  ...Array.from({ length: 40 }, (_, i) => ({ name: 'big.lab.test', type: 'TXT' as const, data: `record number ${i} with some padding text` })),
  { name: 'signed.test', type: 'SOA', data: { ...soa, mname: 'ns.signed.test' } },
  { name: 'signed.test', type: 'A', data: '127.0.0.5' },
  { name: 'slow.test', type: 'A', data: '127.0.0.6' },
  { name: 'sub.slow.test', type: 'TXT', data: 'answered' },
];

let server: RunningDnsServer;

beforeAll(async () => {
  server = await startDnsServer({
    host: '127.0.0.1',
    port: 0,
    records,
    axfrAllowed: ['lab.test'],
    signedZones: ['signed.test'],
    misbehave: [
      { name: 'timeout.test', mode: 'timeout' },
      { name: 'servfail.test', mode: 'servfail' },
      { name: 'refused.test', mode: 'refused' },
      { name: 'malformed.test', mode: 'malformed' },
      { name: 'trunc.test', mode: 'truncate' },
      { name: 'truncgarbage.test', mode: 'truncated-garbage' },
      { name: 'slow.test', mode: 'timeout', exact: true, onlyMissingTypes: true },
    ],
  });
});

afterAll(async () => {
  await server.stop();
});

function rawUdp(bytes: Buffer, timeoutMs = 1500): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, timeoutMs);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(bytes, server.port, '127.0.0.1');
  });
}

function rawTcp(bytes: Buffer, timeoutMs = 2000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, timeoutMs);
    socket.on('connect', () => {
      const frame = Buffer.alloc(2);
      frame.writeUInt16BE(bytes.length);
      socket.write(Buffer.concat([frame, bytes]));
    });
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
      }
    });
    socket.on('error', () => resolve(undefined));
  });
}

function query(name: string, type: string, options: { dnssecOk?: boolean; edns?: boolean } = {}): Buffer {
  const additionals =
    options.edns || options.dnssecOk ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: options.dnssecOk ? packet.DNSSEC_OK : 0 }] : [];
  return packet.encode({
    id: 4242,
    type: 'query',
    flags: packet.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals,
  } as unknown as packet.Packet);
}

interface Decoded {
  id: number;
  rcode: string;
  flag_aa: boolean;
  flag_tc: boolean;
  flag_ad: boolean;
  answers: { name: string; type: string; data: unknown }[];
  authorities: { name: string; type: string; data: unknown }[];
}

async function ask(name: string, type: string, options: { dnssecOk?: boolean; edns?: boolean; tcp?: boolean } = {}) {
  const bytes = options.tcp ? await rawTcp(query(name, type, options)) : await rawUdp(query(name, type, options));
  if (!bytes) return undefined;
  return packet.decode(bytes) as unknown as Decoded;
}

describe('lab DNS server', () => {
  it('answers A, AAAA, MX, TXT (multi-string), SPF, CAA, TLSA, PTR authoritatively', async () => {
    const a = await ask('mx.lab.test', 'A');
    expect(a?.rcode).toBe('NOERROR');
    expect(a?.flag_aa).toBe(true);
    expect(a?.id).toBe(4242);
    expect(a?.answers.map((r) => (r as { data: unknown }).data)).toEqual(['127.0.10.25']);
    expect((await ask('MX.Lab.Test', 'AAAA'))?.answers.map((r) => (r as { data: unknown }).data)).toEqual(['::1']);
    expect((await ask('lab.test', 'MX'))?.answers[0]).toMatchObject({ data: { preference: 10, exchange: 'mx.lab.test' } });
    const txt = await ask('lab.test', 'TXT');
    expect((txt!.answers[0] as { data: Buffer[] }).data.map((b) => b.toString())).toEqual(['v=spf1 ', 'mx -all']);
    const spf = await ask('lab.test', 'SPF');
    expect(spf?.answers[0]?.type).toBe('SPF');
    expect((spf!.answers[0] as { data: Buffer }).data.subarray(1).toString()).toBe('v=spf1 mx -all');
    expect((await ask('lab.test', 'CAA'))?.answers[0]).toMatchObject({ data: { tag: 'issue', value: 'ca.lab.test' } });
    const tlsa = await ask('_25._tcp.mx.lab.test', 'TLSA');
    expect((tlsa!.answers[0] as { data: { usage: number; certificate: Buffer } }).data.usage).toBe(3);
    expect((tlsa!.answers[0] as { data: { certificate: Buffer } }).data.certificate.toString('hex')).toBe('ab'.repeat(32));
    expect((await ask('25.10.0.127.in-addr.arpa', 'PTR'))?.answers[0]).toMatchObject({ data: 'mx.lab.test' });
    expect((await ask('foo:bar/baz.lab.test', 'A'))?.answers[0]).toMatchObject({ data: '127.0.0.7' });
  });

  it('follows CNAME chains inside its data and stops on loops', async () => {
    const chain = await ask('www.lab.test', 'A');
    expect(chain?.answers.map((r) => r.type)).toEqual(['CNAME', 'CNAME', 'A']);
    expect(chain?.answers.at(-1)).toMatchObject({ name: 'mx.lab.test', data: '127.0.10.25' });
    const loop = await ask('loop1.lab.test', 'A');
    expect(loop?.rcode).toBe('NOERROR');
    expect(loop?.answers.map((r) => r.type)).toEqual(['CNAME', 'CNAME']);
    expect((await ask('www.lab.test', 'CNAME'))?.answers).toHaveLength(1);
  });

  it('tells NXDOMAIN from NODATA, with the SOA in the authority section', async () => {
    const nx = await ask('nothing.lab.test', 'A');
    expect(nx?.rcode).toBe('NXDOMAIN');
    expect(nx?.authorities[0]).toMatchObject({ type: 'SOA', name: 'lab.test' });
    const nodata = await ask('mx.lab.test', 'TXT');
    expect(nodata?.rcode).toBe('NOERROR');
    expect(nodata?.answers).toHaveLength(0);
    expect(nodata?.authorities[0]?.type).toBe('SOA');
    const emptyNonTerminal = await ask('below.lab.test', 'A');
    expect(emptyNonTerminal?.rcode).toBe('NOERROR');
    expect(emptyNonTerminal?.answers).toHaveLength(0);
  });

  it('serves wildcards for names that do not exist', async () => {
    expect((await ask('anything.wild.lab.test', 'A'))?.answers[0]).toMatchObject({ name: 'anything.wild.lab.test', data: '127.0.0.8' });
    expect((await ask('anything.wild.lab.test', 'MX'))?.rcode).toBe('NOERROR');
  });

  it('truncates large UDP answers (512 bytes, or the EDNS size) and answers fully over TCP', async () => {
    const udp = await ask('big.lab.test', 'TXT');
    expect(udp?.flag_tc).toBe(true);
    expect(udp?.answers).toHaveLength(0);
    const edns = await ask('big.lab.test', 'TXT', { edns: true });
    expect(edns?.flag_tc).toBe(true);
    const tcp = await ask('big.lab.test', 'TXT', { tcp: true });
    expect(tcp?.flag_tc).toBe(false);
    expect(tcp?.answers).toHaveLength(40);
  });

  it('allows AXFR only for listed zones and only over TCP', async () => {
    const axfr = await ask('lab.test', 'AXFR', { tcp: true });
    expect(axfr?.rcode).toBe('NOERROR');
    expect(axfr?.answers[0]?.type).toBe('SOA');
    expect(axfr?.answers.at(-1)?.type).toBe('SOA');
    expect(axfr?.answers.length).toBeGreaterThan(40);
    expect((await ask('signed.test', 'AXFR', { tcp: true }))?.rcode).toBe('REFUSED');
    expect((await ask('lab.test', 'AXFR'))?.rcode).toBe('REFUSED');
  });

  it('sets AD for signed zones only when DO is set, and publishes a DNSKEY', async () => {
    expect((await ask('signed.test', 'A', { dnssecOk: true }))?.flag_ad).toBe(true);
    expect((await ask('signed.test', 'A'))?.flag_ad).toBe(false);
    expect((await ask('lab.test', 'MX', { dnssecOk: true }))?.flag_ad).toBe(false);
    expect((await ask('signed.test', 'DNSKEY', { dnssecOk: true }))?.answers[0]?.type).toBe('DNSKEY');
  });

  it('misbehaves on purpose', async () => {
    expect(await ask('a.timeout.test', 'A')).toBeUndefined();
    expect((await ask('servfail.test', 'A'))?.rcode).toBe('SERVFAIL');
    expect((await ask('x.refused.test', 'TXT'))?.rcode).toBe('REFUSED');
    const malformed = await rawUdp(query('malformed.test', 'A'));
    expect(malformed).toBeDefined();
    expect(() => packet.decode(malformed!)).toThrow();
    expect((await ask('trunc.test', 'A'))?.flag_tc).toBe(true);
    expect((await ask('trunc.test', 'A', { tcp: true }))?.flag_tc).toBe(false);
    expect((await ask('truncgarbage.test', 'A'))?.flag_tc).toBe(true);
    const tcpGarbage = await rawTcp(query('truncgarbage.test', 'A'));
    expect(() => packet.decode(tcpGarbage!)).toThrow();
    // exact + onlyMissingTypes: A exists and is answered; TXT is missing and times out; below is normal
    expect((await ask('slow.test', 'A'))?.answers).toHaveLength(1);
    expect(await ask('slow.test', 'TXT')).toBeUndefined();
    expect((await ask('sub.slow.test', 'TXT'))?.answers).toHaveLength(1);
  });

  it('survives garbage: short packets, junk, responses, wrong question counts', async () => {
    expect(await rawUdp(Buffer.from([1, 2, 3]), 200)).toBeUndefined();
    const junk = await rawUdp(Buffer.concat([Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]), Buffer.alloc(30, 0xee)]));
    expect(junk?.readUInt16BE(0)).toBe(0x1234);
    expect((junk?.readUInt16BE(2) ?? 0) & 0xf).toBe(1);
    const noQuestion = packet.encode({ id: 9, type: 'query', questions: [] } as unknown as packet.Packet);
    expect((packet.decode((await rawUdp(noQuestion))!) as unknown as Decoded).rcode).toBe('FORMERR');
    const tcpJunk = await rawTcp(Buffer.alloc(5, 0xaa), 300);
    expect(tcpJunk).toBeUndefined();
    // still alive
    expect((await ask('mx.lab.test', 'A'))?.rcode).toBe('NOERROR');
  });

  it('replaces its records at run time', async () => {
    const extra = await startDnsServer({ host: '127.0.0.1', port: 0, records: [{ name: 'a.test', type: 'A', data: '127.0.0.1' }] });
    try {
      const before = packet.decode(
        (await new Promise<Buffer>((resolve) => {
          const socket = createSocket('udp4');
          socket.on('message', (m) => {
            socket.close();
            resolve(m);
          });
          socket.send(query('a.test', 'A'), extra.port, '127.0.0.1');
        })) as Buffer,
      );
      expect(before.answers).toHaveLength(1);
      extra.setRecords([{ name: 'b.test', type: 'A', data: '127.0.0.2' }]);
      const after = packet.decode(
        (await new Promise<Buffer>((resolve) => {
          const socket = createSocket('udp4');
          socket.on('message', (m) => {
            socket.close();
            resolve(m);
          });
          socket.send(query('a.test', 'A'), extra.port, '127.0.0.1');
        })) as Buffer,
      ) as { rcode?: string };
      expect(after.rcode).toBe('NXDOMAIN');
    } finally {
      await extra.stop();
    }
  });
});
