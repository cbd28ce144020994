/**
 * probeTls + checkTls against real loopback TLS servers with certificates from the test CA:
 * good, legacy (TLS 1.0 + weak suites), TLS ≤ 1.1 only, expired, expiring, self-signed, wrong
 * name, RSA-1024, SHA-1; and hostile peers (stalling, garbage, refused) that must finish in time.
 */
import { createServer as createNetServer, type Server } from 'node:net';
import { createServer, type TlsOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTls } from '../src/checks/tls/index.js';
import { DEFAULT_PROBE_CONTEXT, type ProbeContext } from '../src/probes/context.js';
import { probeTls } from '../src/probes/tls/index.js';
import type { TlsEvidence } from '../src/probes/tls/types.js';
import { createTestCa, type TestCa } from './support/test-ca.js';

const DAY = 86_400_000;
const servers: Server[] = [];
let ca: TestCa;
let ctx: ProbeContext;

const sockets = new Set<import('node:net').Socket>();

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function tlsServer(certOptions: Parameters<TestCa['issue']>[0], options: TlsOptions = {}, staple = false): Promise<number> {
  const cert = await ca.issue(certOptions);
  const server = createServer({ key: cert.keyPem, cert: cert.chainPem, ...options }, (socket) => {
    socket.on('error', () => undefined);
    socket.end();
  });
  server.on('tlsClientError', () => undefined);
  if (staple) server.on('OCSPRequest', (_cert, _issuer, callback) => callback(null, Buffer.from('stapled-ocsp-response-for-test')));
  return listen(server);
}

const probe = (port: number, servername = 'localhost') => probeTls('127.0.0.1', 443, { ...ctx, portMap: { '127.0.0.1:443': port } }, { servername });
const byId = (evidence: TlsEvidence) => Object.fromEntries(checkTls(evidence, { idPrefix: 'web.tls' }).map((r) => [r.id, r]));

const ports: Record<string, number> = {};

beforeAll(async () => {
  ca = await createTestCa();
  ctx = { ...DEFAULT_PROBE_CONTEXT, connectTimeoutMs: 1500, extraCaPem: [ca.caPem] };
  const [good, legacy, oldOnly, expired, expiring, selfSigned, wrongName, rsa1024, sha1] = await Promise.all([
    tlsServer({}, { minVersion: 'TLSv1.2' }, true),
    tlsServer({}, { minVersion: 'TLSv1', ciphers: 'ALL:@SECLEVEL=0', honorCipherOrder: true }),
    tlsServer({}, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0' }),
    tlsServer({ notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 2 * DAY) }),
    tlsServer({ notAfter: new Date(Date.now() + 10 * DAY) }),
    tlsServer({ selfSigned: true }),
    tlsServer({ names: ['other.example'], ips: [] }),
    tlsServer({ rsaBits: 1024 }, { ciphers: 'DEFAULT:@SECLEVEL=0' }),
    tlsServer({ hash: 'SHA-1' }, { ciphers: 'DEFAULT:@SECLEVEL=0' }),
  ]);
  Object.assign(ports, { good, legacy, oldOnly, expired, expiring, selfSigned, wrongName, rsa1024, sha1 });
  ports.stall = await listen(createNetServer((socket) => socket.on('error', () => undefined)));
  ports.garbage = await listen(
    createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.write(Buffer.from('this is not TLS at all\r\n'.repeat(50)));
      socket.end();
    }),
  );
  // A peer that only speaks enough TLS to pick TLS_RSA_WITH_3DES_EDE_CBC_SHA (which Node's OpenSSL
  // cannot offer) in any version, SSLv3 included, and refuses everything else with an alert.
  ports.legacy3des = await listen(
    createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', (hello: Buffer) => {
        const version = hello.readUInt16BE(9);
        const sessionIdLength = hello[43]!;
        const suitesLength = hello.readUInt16BE(44 + sessionIdLength);
        const suites = new Set<number>();
        for (let i = 0; i < suitesLength; i += 2) suites.add(hello.readUInt16BE(46 + sessionIdLength + i));
        if (!suites.has(0x000a)) return socket.end(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28]));
        const body = Buffer.concat([Buffer.from([version >> 8, version & 0xff]), Buffer.alloc(32, 7), Buffer.from([0, 0x00, 0x0a, 0])]);
        const handshake = Buffer.concat([Buffer.from([0x02, 0, 0, body.length]), body]);
        socket.end(Buffer.concat([Buffer.from([0x16, version >> 8, version & 0xff, 0, handshake.length]), handshake]));
      });
    }),
  );
  const closed = createNetServer();
  ports.refused = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as { port: number }).port)));
  await new Promise<void>((resolve) => closed.close(() => resolve()));
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

describe('probeTls + checkTls', () => {
  it('a well-configured endpoint: TLS 1.2/1.3 only, strong suites, trusted chain, OCSP stapled — all pass', async () => {
    const evidence = await probe(ports.good!);
    expect(evidence.reachable).toBe(true);
    expect(evidence.protocols).toMatchObject({
      SSLv2: 'not-testable',
      SSLv3: 'rejected',
      TLSv1: 'rejected',
      'TLSv1.1': 'rejected',
      'TLSv1.2': 'accepted',
      'TLSv1.3': 'accepted',
    });
    const tls13 = evidence.ciphers.find((v) => v.version === 'TLSv1.3')!;
    expect(tls13.suites.map((s) => s.name)).toEqual(
      expect.arrayContaining(['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256']),
    );
    const tls12 = evidence.ciphers.find((v) => v.version === 'TLSv1.2')!;
    expect(tls12.suites.some((s) => s.name === 'ECDHE-RSA-AES128-GCM-SHA256')).toBe(true);
    expect(tls12.suites.every((s) => s.strength !== 'insecure')).toBe(true);
    const cert = evidence.certificate!;
    expect(cert.trusted).toBe(true);
    expect(cert.hostnameMatches).toBe(true);
    expect(cert.ocspStapled).toBe(true);
    expect(cert.chain[0]).toMatchObject({ keyType: 'rsa', keyBits: 2048, signatureHash: 'sha256', commonName: 'localhost', selfSigned: false });
    expect(cert.chain[0]!.subjectAltNames).toContain('DNS:localhost');
    expect(cert.chain[0]!.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(Buffer.from(cert.chain[0]!.derBase64, 'base64')[0]).toBe(0x30);
    // 3DES/RC4/export and SSLv3, which Node's OpenSSL cannot offer, were asked with raw hellos: nothing left untested.
    expect(evidence.untestedSuites).toEqual([]);
    const results = byId(evidence);
    expect(results['web.tls.protocols']!.status).toBe('pass');
    expect(results['web.tls.ciphers']!.status).toBe('warn'); // Node's default list still has TLS_RSA_* (no FS) suites
    expect(results['web.tls.certificate']!.status).toBe('pass');
    expect(results['web.tls.certificate']!.category).toBe('web-tls');
    expect(results['web.tls.certificate']!.detail.vi).toContain('OCSP stapling: có');
  });

  it('a legacy endpoint: TLS 1.0 accepted (this OpenSSL can offer it), anonymous and non-FS suites — protocols warn, ciphers fail', async () => {
    const evidence = await probe(ports.legacy!);
    expect(evidence.protocols.TLSv1).toBe('accepted');
    expect(evidence.protocols['TLSv1.1']).toBe('accepted');
    const tls10 = evidence.ciphers.find((v) => v.version === 'TLSv1')!;
    expect(tls10.suites.length).toBeGreaterThan(3);
    expect(tls10.serverPreference).toBe(true);
    const all = evidence.ciphers.flatMap((v) => v.suites);
    expect(all.some((s) => s.name.startsWith('ADH-') || s.name.startsWith('AECDH-'))).toBe(true);
    expect(all.some((s) => !s.forwardSecrecy)).toBe(true);
    const results = byId(evidence);
    expect(results['web.tls.protocols']).toMatchObject({ status: 'warn', severity: 'medium' });
    expect(results['web.tls.protocols']!.remediation.en).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(results['web.tls.protocols']!.remediation.en).toContain('SSLProtocol -all +TLSv1.2 +TLSv1.3');
    expect(results['web.tls.ciphers']).toMatchObject({ status: 'fail', severity: 'high' });
    expect(results['web.tls.ciphers']!.remediation.vi).toContain('ssl_ciphers');
  });

  it('SSLv3 and 3DES, which Node cannot offer, are found with raw ClientHellos and fail', async () => {
    const evidence = await probe(ports.legacy3des!);
    expect(evidence.protocols).toMatchObject({ SSLv2: 'not-testable', SSLv3: 'accepted', TLSv1: 'accepted', 'TLSv1.2': 'accepted', 'TLSv1.3': 'rejected' });
    const sslv3 = evidence.ciphers.find((v) => v.version === 'SSLv3')!;
    expect(sslv3.suites.map((s) => s.name)).toEqual(['DES-CBC3-SHA']);
    expect(evidence.ciphers.find((v) => v.version === 'TLSv1.2')!.suites[0]).toMatchObject({ iana: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', strength: 'insecure' });
    const results = byId(evidence);
    expect(results['web.tls.protocols']).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(results['web.tls.protocols']!.detail.en).toContain('SSLv3');
    expect(results['web.tls.ciphers']).toMatchObject({ status: 'fail', severity: 'high' });
    expect(results['web.tls.ciphers']!.detail.en).toContain('DES-CBC3-SHA');
    expect(results['web.tls.certificate']!.status).toBe('error');
  });

  it('TLS 1.0/1.1 only: no TLS 1.2 fails web.tls.protocols', async () => {
    const evidence = await probe(ports.oldOnly!);
    expect(evidence.protocols).toMatchObject({ TLSv1: 'accepted', 'TLSv1.1': 'accepted', 'TLSv1.2': 'rejected', 'TLSv1.3': 'rejected' });
    const suites = evidence.ciphers.find((v) => v.version === 'TLSv1')!.suites.map((s) => s.name);
    expect(suites.sort()).toEqual(['AES128-SHA', 'ECDHE-RSA-AES128-SHA']);
    expect(byId(evidence)['web.tls.protocols']).toMatchObject({ status: 'fail', severity: 'high' });
  });

  it('certificate flaws: expired, expiring soon, self-signed, wrong name, RSA-1024, SHA-1', async () => {
    const [expired, expiring, selfSigned, wrongName, rsa1024, sha1] = (await Promise.all(
      [ports.expired, ports.expiring, ports.selfSigned, ports.wrongName, ports.rsa1024, ports.sha1].map((port) => probe(port!)),
    )) as [TlsEvidence, TlsEvidence, TlsEvidence, TlsEvidence, TlsEvidence, TlsEvidence];
    expect(expired.certificate).toMatchObject({ trusted: false, trustError: 'CERT_HAS_EXPIRED' });
    expect(byId(expired)['web.tls.certificate']).toMatchObject({ status: 'fail', severity: 'high' });
    expect(byId(expired)['web.tls.certificate']!.detail.en).toContain('expired');

    expect(expiring.certificate!.trusted).toBe(true);
    expect(byId(expiring)['web.tls.certificate']).toMatchObject({ status: 'warn' });
    expect(byId(expiring)['web.tls.certificate']!.detail.en).toMatch(/expires in (9|10) days/);

    expect(selfSigned.certificate).toMatchObject({ trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(selfSigned.certificate!.chain[0]!.selfSigned).toBe(true);
    expect(byId(selfSigned)['web.tls.certificate']!.status).toBe('fail');
    expect(byId(selfSigned)['web.tls.certificate']!.detail.vi).toContain('tự ký');

    expect(wrongName.certificate).toMatchObject({ trusted: true, hostnameMatches: false, checkedName: 'localhost' });
    expect(byId(wrongName)['web.tls.certificate']!.status).toBe('fail');
    expect(byId(wrongName)['web.tls.certificate']!.detail.en).toContain('does not match localhost');

    expect(rsa1024.certificate!.chain[0]).toMatchObject({ keyType: 'rsa', keyBits: 1024 });
    expect(byId(rsa1024)['web.tls.certificate']).toMatchObject({ status: 'fail', severity: 'medium' });
    expect(byId(rsa1024)['web.tls.certificate']!.detail.en).toContain('1024 bits is too weak');

    expect(sha1.certificate!.chain[0]).toMatchObject({ signatureAlgorithm: 'ecdsa-with-SHA1', signatureHash: 'sha1' });
    expect(byId(sha1)['web.tls.certificate']!.status).toBe('fail');

    // Mail flavour: an untrusted MX certificate only warns (internet.nl), and passes when DANE validates it.
    const mail = checkTls(selfSigned, { idPrefix: 'mail.tls', flavour: 'mail', category: 'mail-transport' }).find((r) => r.id === 'mail.tls.certificate')!;
    expect(mail.status).toBe('warn');
    expect(mail.remediation.en).toContain('smtpd_tls_chain_files');
    const dane = checkTls(selfSigned, { idPrefix: 'mail.tls', flavour: 'mail', daneValidated: true }).find((r) => r.id === 'mail.tls.certificate')!;
    expect(dane.status).toBe('pass');
  });

  it('a full scan of one endpoint finishes within the per-probe budget, not cut short', async () => {
    const evidence = await probe(ports.good!);
    expect(evidence.handshakes).toBeGreaterThan(10);
    // Cut by the budget (max(4 × connect timeout, 5 s)) shows as incomplete enumeration; how fast
    // the scan is, is the bench's figure (bench/tls.bench.ts), not a wall-clock bound here.
    expect(evidence.ciphers.filter((v) => v.incomplete)).toEqual([]);
    expect(evidence.error).toBeUndefined();
  });
});

describe('hostile and absent peers', () => {
  it('a peer that accepts TCP and stalls gives error evidence within the connect timeout', async () => {
    const started = Date.now();
    const evidence = await probe(ports.stall!);
    // one timed-out attempt, then no more: counted, not timed (generous wall bound for a loaded machine)
    expect(evidence.handshakes).toBe(1);
    expect(Date.now() - started).toBeLessThan(ctx.connectTimeoutMs + 10_000);
    expect(evidence.reachable).toBe(false);
    expect(evidence.error).toMatch(/timed out/);
    for (const result of checkTls(evidence, { idPrefix: 'web.tls' })) expect(result.status).toBe('error');
  });

  it('a peer that answers with garbage is rejected quickly', async () => {
    // A long connect timeout: ending well before it shows the garbage, not the clock, ended the probe.
    const slowCtx = { ...ctx, connectTimeoutMs: 20_000, portMap: { '127.0.0.1:443': ports.garbage! } };
    const started = Date.now();
    const evidence = await probeTls('127.0.0.1', 443, slowCtx, { servername: 'localhost' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(evidence.reachable).toBe(false);
    expect(evidence.error).toBeTruthy();
    expect(evidence.error).not.toMatch(/timed out/);
  });

  it('a refused connection is an error, not a verdict', async () => {
    const evidence = await probe(ports.refused!);
    expect(evidence.reachable).toBe(false);
    expect(evidence.error).toMatch(/ECONNREFUSED/);
    expect(evidence.protocols.TLSv1).toBe('error');
    expect(byId(evidence)['web.tls.protocols']!.status).toBe('error');
  });

  it('the abort signal stops a probe at once', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = probeTls('127.0.0.1', 443, { ...ctx, connectTimeoutMs: 25_000, signal: controller.signal, portMap: { '127.0.0.1:443': ports.stall! } });
    setTimeout(() => controller.abort(), 100);
    const evidence = await pending;
    // far below the 25 s connect timeout: the abort ended it (generous for a loaded machine)
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(evidence.error).toBe('aborted');
  });
});
