/**
 * probeSmtp / collectMailTransportEvidence + checkMailTransport against real loopback mail
 * servers (smtp-server and small IMAP/POP3 speakers): a well-run MX, a badly-run one (no STARTTLS,
 * AUTH in the clear, open relay, versioned banner, plaintext IMAP/POP3), a stalling one and a
 * garbage-spewing one. Each MX gets its own loopback address so the port map can tell them apart.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMailTransport } from '../src/checks/mail/transport/index.js';
import type { CheckResult } from '../src/checks/types.js';
import { DEFAULT_PROBE_CONTEXT, type ProbeContext } from '../src/probes/context.js';
import { collectMailTransportEvidence, probeSmtp, RELAY_PROBE_TO } from '../src/probes/smtp/index.js';
import type { MailTransportEvidence } from '../src/probes/smtp/types.js';
import { createTestCa } from './support/test-ca.js';

const GOOD = '127.0.0.1';
const BAD = '127.0.0.2';
const STALL = '127.0.0.3';
const GARBAGE = '127.0.0.4';

const netServers: Server[] = [];
const smtpServers: SMTPServer[] = [];
const sockets = new Set<Socket>();
const portMap: Record<string, number> = {};
let ctx: ProbeContext;
let evidence: MailTransportEvidence;
let results: CheckResult[];

function track(server: Server): Server {
  netServers.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return server;
}

async function listenNet(server: Server, host: string, port: number): Promise<void> {
  track(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  portMap[`${host}:${port}`] = (server.address() as { port: number }).port;
}

async function listenSmtp(options: SMTPServerOptions, host: string, port: number): Promise<void> {
  const server = new SMTPServer({ logger: false, closeTimeout: 100, ...options });
  server.on('error', () => undefined);
  smtpServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  portMap[`${host}:${port}`] = (server.server.address() as { port: number }).port;
}

/** A line-at-a-time speaker: greeting, then an answer per command. */
function speaker(greeting: string, answer: (line: string) => string | undefined): (socket: Socket) => void {
  return (socket) => {
    socket.on('error', () => undefined);
    socket.write(`${greeting}\r\n`);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i).trim();
        buffer = buffer.slice(i + 1);
        const reply = answer(line);
        if (reply === undefined) socket.end();
        else socket.write(reply);
      }
    });
  };
}

const imap = (caps: string) =>
  speaker('* OK IMAP ready', (line) => {
    if (/^v1 CAPABILITY/i.test(line)) return `* CAPABILITY ${caps}\r\nv1 OK done\r\n`;
    if (/LOGOUT/i.test(line)) return undefined;
    return `${line.split(' ')[0]} BAD unknown\r\n`;
  });

const of = (id: string, mx: string) => results.find((r) => r.id === id && r.subject === mx)!;

beforeAll(async () => {
  const ca = await createTestCa();
  const [goodCert, badCert] = await Promise.all([ca.issue({ names: ['mx.good.test'], ips: [] }), ca.issue({ names: ['mx.bad.test'], ips: [] })]);
  ctx = { ...DEFAULT_PROBE_CONTEXT, connectTimeoutMs: 1000, extraCaPem: [ca.caPem], portMap };

  // A well-run MX: STARTTLS, no AUTH on port 25, refuses to relay, no software in the banner;
  // submission 587 with STARTTLS, IMAPS 993.
  const goodSmtp: SMTPServerOptions = {
    name: 'mx.good.test',
    key: goodCert.keyPem,
    cert: goodCert.chainPem,
    minVersion: 'TLSv1.2',
    disabledCommands: ['AUTH'],
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@good.test')) return callback();
      callback(Object.assign(new Error('5.7.1 Relay access denied'), { responseCode: 554 }));
    },
  };
  await listenSmtp(goodSmtp, GOOD, 25);
  await listenSmtp(goodSmtp, GOOD, 587);
  const imaps = createTlsServer({ key: goodCert.keyPem, cert: goodCert.chainPem }, imap('IMAP4rev1 AUTH=PLAIN'));
  imaps.on('tlsClientError', () => undefined);
  await listenNet(imaps, GOOD, 993);

  // A badly-run MX: no STARTTLS, AUTH in the clear, open relay, versioned banner, plaintext IMAP/POP3.
  await listenSmtp(
    {
      name: 'mx.bad.test',
      banner: 'Exim 4.96 ready',
      key: badCert.keyPem,
      cert: badCert.chainPem,
      hideSTARTTLS: true,
      allowInsecureAuth: true,
      authOptional: true,
      onAuth: (_auth, _session, callback) => callback(new Error('no')),
      onRcptTo: (_address, _session, callback) => callback(),
    },
    BAD,
    25,
  );
  await listenNet(createNetServer(imap('IMAP4rev1 AUTH=PLAIN')), BAD, 143);
  await listenNet(
    createNetServer(
      speaker('+OK POP3 ready', (line) => {
        if (/^CAPA/i.test(line)) return '+OK\r\nUSER\r\nUIDL\r\n.\r\n';
        if (/^QUIT/i.test(line)) return undefined;
        return '-ERR unknown\r\n';
      }),
    ),
    BAD,
    110,
  );

  // Hostile peers: one accepts and never speaks; one spews bytes that are not SMTP.
  await listenNet(
    createNetServer(() => undefined),
    STALL,
    25,
  );
  await listenNet(
    createNetServer((socket) => {
      socket.on('error', () => undefined);
      const timer = setInterval(() => socket.write('\u0000\u00ff garbage that is no SMTP reply at all\r\n'), 5);
      socket.on('close', () => clearInterval(timer));
    }),
    GARBAGE,
    25,
  );

  evidence = await collectMailTransportEvidence(
    [
      { name: 'mx.good.test', addresses: [GOOD] },
      { name: 'mx.bad.test', addresses: [BAD] },
    ],
    ctx,
  );
  results = checkMailTransport(evidence);
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([
    ...netServers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    ...smtpServers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  ]);
});

describe('mail transport: a well-run MX passes', () => {
  it('collects banner, EHLO, STARTTLS and the TLS evidence through it', () => {
    const mx = evidence.mx.find((m) => m.host === 'mx.good.test')!;
    const a = mx.addresses[0]!;
    expect(a.smtp.connected).toBe(true);
    expect(a.smtp.banner!.code).toBe(220);
    expect(a.smtp.starttlsOffered).toBe(true);
    expect(a.smtp.authBeforeTls).toEqual([]);
    expect(a.smtp.tlsUpgrade).toMatchObject({ ok: true });
    expect(a.smtp.ehloAfterTls!.code).toBe(250);
    expect(a.tls!.starttls).toBe('smtp');
    expect(a.tls!.protocols['TLSv1.2']).toBe('accepted');
    expect(a.tls!.protocols.TLSv1).toBe('rejected');
    expect(a.tls!.certificate).toMatchObject({ trusted: true, hostnameMatches: true, checkedName: 'mx.good.test' });
    expect(a.smtp.relay).toMatchObject({ verdict: 'refused', to: RELAY_PROBE_TO, rcptTo: { code: 554 } });
    const services = Object.fromEntries(a.services.map((s) => [s.service, s]));
    expect(services.submission).toMatchObject({ present: true, tls: 'starttls', plaintextLogin: false });
    // EHLO again after STARTTLS: answered, and no second STARTTLS on offer.
    expect(services.submission!.capabilitiesAfterTls!.length).toBeGreaterThan(0);
    expect(services.submission!.capabilitiesAfterTls).not.toContain('STARTTLS');
    expect(services.imaps).toMatchObject({ present: true, tls: 'implicit' });
    expect(services.imap!.present).toBe(false);
    expect(services.pop3!.present).toBe(false);
  });

  it('every mail transport check passes', () => {
    for (const id of ['mail.starttls', 'mail.tls', 'mail.open-relay', 'mail.banner', 'mail.plaintext-auth']) {
      const result = of(id, 'mx.good.test');
      expect({ id, status: result.status }).toEqual({ id, status: id === 'mail.tls' ? 'warn' : 'pass' });
      expect(result.category).toBe('mail-transport');
    }
    // Node's default suites include TLS_RSA_* (no forward secrecy): the one finding on a good MX.
    expect(of('mail.tls', 'mx.good.test').detail.en).toContain('without forward secrecy');
    expect(of('mail.tls', 'mx.good.test').remediation.en).toContain('smtpd_tls_exclude_ciphers');
  });
});

describe('mail transport: a badly-run MX fails', () => {
  it('collects the evidence: no STARTTLS, AUTH in the clear, relay accepted, plaintext IMAP/POP3', () => {
    const a = evidence.mx.find((m) => m.host === 'mx.bad.test')!.addresses[0]!;
    expect(a.smtp.starttlsOffered).toBe(false);
    expect(a.tls).toBeUndefined();
    expect(a.smtp.authBeforeTls).toEqual(expect.arrayContaining(['PLAIN', 'LOGIN']));
    expect(a.smtp.relay).toMatchObject({ verdict: 'accepted', overTls: false, rcptTo: { code: 250 } });
    const services = Object.fromEntries(a.services.map((s) => [s.service, s]));
    expect(services.imap).toMatchObject({ present: true, tls: 'none', plaintextLogin: true });
    expect(services.pop3).toMatchObject({ present: true, tls: 'none', plaintextLogin: true });
  });

  it('each check fails with a concrete fix', () => {
    expect(of('mail.starttls', 'mx.bad.test')).toMatchObject({ status: 'fail', severity: 'high' });
    expect(of('mail.tls', 'mx.bad.test').status).toBe('info');
    const relay = of('mail.open-relay', 'mx.bad.test');
    expect(relay).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(relay.remediation.en).toContain('reject_unauth_destination');
    const banner = of('mail.banner', 'mx.bad.test');
    expect(banner.status).toBe('fail');
    expect(banner.detail.en).toContain('Exim 4.96');
    expect(banner.remediation.vi).toContain('smtp_banner');
    const auth = of('mail.plaintext-auth', 'mx.bad.test');
    expect(auth).toMatchObject({ status: 'fail', severity: 'high' });
    expect(auth.detail.en).toContain(':143 (imap)');
    expect(auth.detail.en).toContain(':110 (pop3)');
    expect(auth.remediation.en).toContain('smtpd_tls_auth_only = yes');
  });

  it("an untrusted MX certificate warns, and DANE makes it pass (internet.nl, not testssl.sh's T)", async () => {
    const selfSignedCa = await createTestCa('untrusted CA');
    const cert = await selfSignedCa.issue({ names: ['mx.selfsigned.test'], ips: [], ec: true });
    await listenSmtp({ name: 'mx.selfsigned.test', key: cert.keyPem, cert: cert.chainPem, disabledCommands: ['AUTH'] }, '127.0.0.5', 25);
    const mx = await probeSmtp('mx.selfsigned.test', ['127.0.0.5'], ctx, { services: [] });
    expect(mx.addresses[0]!.tls!.certificate).toMatchObject({ trusted: false });
    const plain = checkMailTransport({ mx: [mx], observedAt: '', durationMs: 0 }).find((r) => r.id === 'mail.tls')!;
    expect(plain.status).toBe('warn');
    expect(plain.detail.en).toContain('not trusted');
    const dane = checkMailTransport({ mx: [mx], observedAt: '', durationMs: 0, daneValidatedMx: ['mx.selfsigned.test.'] }).find((r) => r.id === 'mail.tls')!;
    expect(dane.detail.en).toContain('DANE validates it');
    expect(dane.status).not.toBe('fail');
  });
});

describe('mail transport: hostile peers finish within their time limits', () => {
  it('a server that stalls after connect gives error evidence within the timeout', async () => {
    const started = Date.now();
    const mx = await probeSmtp('mx.stall.test', [STALL], ctx, { services: ['imap'] });
    // The configured timeout is the one that fired (named in the error); the wall bound is only a
    // generous guard against a hang, not a measurement (the machine may be loaded).
    expect(Date.now() - started).toBeLessThan(ctx.connectTimeoutMs * 2 + 10_000);
    expect(mx.addresses[0]!.smtp).toMatchObject({ connected: false });
    expect(mx.addresses[0]!.smtp.error).toMatch(new RegExp(`no reply within ${ctx.connectTimeoutMs} ms`));
    const checks = checkMailTransport({ mx: [mx], observedAt: '', durationMs: 0 });
    expect(checks.find((r) => r.id === 'mail.starttls')!.status).toBe('error');
    expect(checks.find((r) => r.id === 'mail.open-relay')!.status).toBe('error');
  });

  it('a server that spews garbage is cut off quickly', async () => {
    // A long timeout: ending well before it shows the garbage, not the clock, ended the talk.
    const started = Date.now();
    const mx = await probeSmtp('mx.garbage.test', [GARBAGE], { ...ctx, connectTimeoutMs: 20_000 }, { services: [] });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(mx.addresses[0]!.smtp.error).toMatch(/not an SMTP reply/);
    expect(checkMailTransport({ mx: [mx], observedAt: '', durationMs: 0 }).find((r) => r.id === 'mail.banner')!.status).toBe('error');
  });
});
