import { createSocket, type Socket } from 'node:dgram';
import packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../lab/dns/server.js';
import type { RunningDnsServer } from '../../lab/dns/types.js';
import { DnsClient } from './client.js';
import { firstNameserver } from './system.js';
import { DnsQueryError } from './types.js';

let server: RunningDnsServer;
let liar: Socket;
let liarPort: number;

beforeAll(async () => {
  server = await startDnsServer({
    host: '127.0.0.1',
    port: 0,
    records: [
      { name: 'lab.test', type: 'SOA', data: { mname: 'ns.lab.test', rname: 'h.lab.test', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 } },
      { name: 'lab.test', type: 'MX', data: { preference: 10, exchange: 'mx.lab.test' } },
      { name: 'lab.test', type: 'SPF', data: 'v=spf1 -all' },
      { name: 'mx.lab.test', type: 'A', data: '127.0.10.25' },
      { name: 'alias.lab.test', type: 'CNAME', data: 'mx.lab.test' },
      { name: 'out.lab.test', type: 'CNAME', data: 'mx.other.test' },
      { name: 'foo:bar/baz.lab.test', type: 'TXT', data: ['v=spf1 ', 'ip4:1.2.3.4 -all'] },
      ...Array.from({ length: 60 }, (_, i) => ({ name: 'big.lab.test', type: 'TXT' as const, data: `padding record ${i} ${'x'.repeat(40)}` })),
      { name: 'signed.test', type: 'A', data: '127.0.0.5' },
      { name: '_25._tcp.mx.lab.test', type: 'TLSA', data: { usage: 3, selector: 1, matchingType: 1, certificate: 'cd'.repeat(32) } },
      { name: 'lab.test', type: 'CAA', data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' } },
    ],
    axfrAllowed: ['lab.test'],
    signedZones: ['signed.test'],
    misbehave: [
      { name: 'timeout.test', mode: 'timeout' },
      { name: 'servfail.test', mode: 'servfail' },
      { name: 'refused.test', mode: 'refused' },
      { name: 'malformed.test', mode: 'malformed' },
      { name: 'tg.test', mode: 'truncated-garbage' },
    ],
  });
  // A lying server: answers another question with our id, or our question with another id.
  liar = createSocket('udp4');
  liar.on('message', (message, rinfo) => {
    const query = packet.decode(message) as unknown as { id: number; questions: { name: string }[] };
    const name = query.questions[0]?.name ?? '';
    const reply = (id: number, qname: string) =>
      packet.encode({
        id,
        type: 'response',
        flags: 0,
        questions: [{ name: qname, type: 'A', class: 'IN' }],
        answers: [{ name: qname, type: 'A', ttl: 1, data: '6.6.6.6' }],
      } as unknown as packet.Packet);
    if (name === 'stray.test') liar.send(reply((query.id + 1) % 65536, name), rinfo.port, rinfo.address);
    else liar.send(reply(query.id, 'spoofed.test'), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => liar.bind(0, '127.0.0.1', () => resolve()));
  liarPort = liar.address().port;
});

afterAll(async () => {
  await server.stop();
  liar.close();
});

function client(timeoutMs = 1500, retries = 0): DnsClient {
  return new DnsClient({ server: { host: '127.0.0.1', port: server.port }, timeoutMs, retries });
}

describe('DNS client', () => {
  it('tells answer, NODATA, NXDOMAIN, SERVFAIL and REFUSED apart', async () => {
    const dns = client();
    const mx = await dns.query('lab.test', 'MX');
    expect(mx.outcome).toBe('answer');
    expect(mx.records[0]?.data).toEqual({ preference: 10, exchange: 'mx.lab.test' });
    expect((await dns.query('mx.lab.test', 'MX')).outcome).toBe('nodata');
    expect((await dns.query('none.lab.test', 'A')).outcome).toBe('nxdomain');
    expect((await dns.query('servfail.test', 'A')).outcome).toBe('servfail');
    expect((await dns.query('refused.test', 'A')).outcome).toBe('refused');
  });

  it('reads TXT strings, SPF type 99, TLSA and CAA, and names with odd characters', async () => {
    const dns = client();
    expect((await dns.query('foo:bar/baz.lab.test', 'TXT')).records[0]?.data).toEqual(['v=spf1 ', 'ip4:1.2.3.4 -all']);
    expect((await dns.query('lab.test', 'SPF')).records[0]?.data).toEqual(['v=spf1 -all']);
    expect((await dns.query('_25._tcp.mx.lab.test', 'TLSA')).records[0]?.data).toEqual({
      usage: 3,
      selector: 1,
      matchingType: 1,
      certificate: 'cd'.repeat(32),
    });
    expect((await dns.query('lab.test', 'CAA')).records[0]?.data).toEqual({ flags: 0, tag: 'issue', value: 'letsencrypt.org' });
  });

  it('follows CNAMEs and chases targets outside the answering server', async () => {
    const dns = client();
    const alias = await dns.query('alias.lab.test', 'A');
    expect(alias.outcome).toBe('answer');
    expect(alias.cnames).toEqual(['mx.lab.test']);
    expect(alias.records[0]?.data).toBe('127.0.10.25');
    const out = await dns.query('out.lab.test', 'A');
    expect(out.cnames).toEqual(['mx.other.test']);
    expect(out.outcome).toBe('nxdomain');
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const big = await client().query('big.lab.test', 'TXT');
    expect(big.outcome).toBe('answer');
    expect(big.transport).toBe('tcp');
    expect(big.records).toHaveLength(60);
  });

  it('sets DO and reports the AD flag', async () => {
    const dns = client();
    expect((await dns.query('signed.test', 'A')).authenticated).toBe(true);
    expect((await dns.query('signed.test', 'A', { dnssec: false })).authenticated).toBe(false);
    expect((await dns.query('mx.lab.test', 'A')).authenticated).toBe(false);
  });

  it('times out within timeout × attempts, and caches the outcome', async () => {
    const dns = client(200, 1);
    const started = Date.now();
    const result = await dns.query('x.timeout.test', 'A');
    const elapsed = Date.now() - started;
    expect(result.outcome).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(380);
    // a hang guard only, generous for a loaded machine; the lower bound shows both attempts waited
    expect(elapsed).toBeLessThan(10_000);
    const again = await dns.query('X.timeout.test.', 'A');
    expect(again.fromCache).toBe(true);
    expect(dns.stats()).toMatchObject({ queries: 1, cacheHits: 1, timeouts: 1 });
  });

  it('reports malformed answers, over UDP and after a truncated answer over TCP, as typed outcomes', async () => {
    const dns = client();
    const udp = await dns.query('malformed.test', 'A');
    expect(udp.outcome).toBe('malformed');
    expect(udp.reason).toMatch(/undecodable/);
    const tcp = await dns.query('tg.test', 'A');
    expect(tcp.outcome).toBe('malformed');
    expect(tcp.transport).toBe('tcp');
    await expect(dns.records('tg.test', 'A')).rejects.toBeInstanceOf(DnsQueryError);
  });

  it('rejects answers to another question and ignores stray ids', async () => {
    const dns = new DnsClient({ server: { host: '127.0.0.1', port: liarPort }, timeoutMs: 1000, retries: 0 });
    const wrongQuestion = await dns.query('asked.test', 'A');
    expect(wrongQuestion.outcome).toBe('malformed');
    expect(wrongQuestion.reason).toMatch(/does not match/);
    expect((await dns.query('stray.test', 'A')).outcome).toBe('timeout');
  });

  it('refuses to put invalid names on the wire', async () => {
    const dns = client();
    const long = await dns.query(`${'a'.repeat(64)}.lab.test`, 'A');
    expect(long.outcome).toBe('error');
    expect(long.reason).toMatch(/63/);
    expect((await dns.query('a..lab.test', 'A')).outcome).toBe('error');
  });

  it('performs AXFR when allowed and reports refusal otherwise', async () => {
    const dns = client(1500);
    const open = await dns.axfr('lab.test', { host: '127.0.0.1', port: server.port });
    expect(open.outcome).toBe('transferred');
    expect(open.recordCount).toBeGreaterThan(60);
    const closed = await dns.axfr('signed.test', { host: '127.0.0.1', port: server.port });
    expect(closed.outcome).toBe('refused');
    expect(closed.rcode).toBe('REFUSED');
    const silent = await dns.axfr('timeout.test', { host: '127.0.0.1', port: server.port });
    expect(silent.outcome).toBe('timeout');
  });

  it('reads the first nameserver of resolv.conf', () => {
    expect(firstNameserver('# c\nsearch x\nnameserver 10.0.0.53\nnameserver 1.1.1.1\n')).toEqual({ host: '10.0.0.53', port: 53 });
    expect(firstNameserver('nameserver fe80::1%eth0')).toEqual({ host: 'fe80::1', port: 53 });
    expect(firstNameserver('')).toBeUndefined();
    expect(DnsClient.fromContext({ resolver: undefined, dnsTimeoutMs: 1, dnsRetries: 0 }).server.port).toBe(53);
  });
});
