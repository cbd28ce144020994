/**
 * probeTls through IMAP and POP3 STARTTLS (SMTP STARTTLS is covered in smtp.test.ts), against
 * small loopback speakers that upgrade the connection server-side; and a server that refuses.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROBE_CONTEXT, type ProbeContext } from '../src/probes/context.js';
import { probeTls } from '../src/probes/tls/index.js';
import { createTestCa } from './support/test-ca.js';

const servers: Server[] = [];
const sockets = new Set<Socket>();
let ctx: ProbeContext;
let secureContext: SecureContext;
const ports: Record<string, number> = {};

/** Greet, wait for the upgrade command, say yes (or no), then hand the socket to TLS. */
function upgrader(greeting: string, command: RegExp, yes: string, no?: string) {
  return (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write(`${greeting}\r\n`);
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (!buffer.includes('\n')) return;
      const line = buffer.slice(0, buffer.indexOf('\n')).trim();
      buffer = '';
      if (!command.test(line) || no) {
        socket.write(`${no ?? 'BAD'}\r\n`);
        return;
      }
      socket.off('data', onData);
      socket.write(`${yes}\r\n`);
      const secure = new TLSSocket(socket, { isServer: true, secureContext });
      secure.on('error', () => undefined);
      secure.on('secure', () => secure.end());
    };
    socket.on('data', onData);
  };
}

async function listen(handler: (socket: Socket) => void): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

beforeAll(async () => {
  const ca = await createTestCa();
  const cert = await ca.issue({ names: ['mail.example.test'], ips: [], ec: true });
  secureContext = createSecureContext({ key: cert.keyPem, cert: cert.chainPem, minVersion: 'TLSv1.2' });
  ctx = { ...DEFAULT_PROBE_CONTEXT, connectTimeoutMs: 1500, extraCaPem: [ca.caPem] };
  ports.imap = await listen(upgrader('* OK IMAP4rev1 ready', /^v1 STARTTLS$/i, 'v1 OK Begin TLS negotiation now'));
  ports.pop3 = await listen(upgrader('+OK POP3 ready', /^STLS$/i, '+OK Begin TLS negotiation'));
  ports.imapNo = await listen(upgrader('* OK IMAP4rev1 ready', /^v1 STARTTLS$/i, '', 'v1 BAD STARTTLS not supported'));
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

describe('STARTTLS for IMAP and POP3', () => {
  for (const protocol of ['imap', 'pop3'] as const) {
    it(`${protocol}: versions, suites and the certificate through the upgrade`, async () => {
      const evidence = await probeTls(
        '127.0.0.1',
        protocol === 'imap' ? 143 : 110,
        { ...ctx, portMap: { [`127.0.0.1:${protocol === 'imap' ? 143 : 110}`]: ports[protocol]! } },
        { servername: 'mail.example.test', starttls: protocol },
      );
      expect(evidence.starttls).toBe(protocol);
      expect(evidence.reachable).toBe(true);
      expect(evidence.protocols).toMatchObject({ TLSv1: 'rejected', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' });
      expect(evidence.ciphers.find((v) => v.version === 'TLSv1.2')!.suites.every((s) => s.authentication === 'ECDSA')).toBe(true);
      expect(evidence.certificate).toMatchObject({ trusted: true, hostnameMatches: true });
      expect(evidence.certificate!.chain[0]).toMatchObject({ keyType: 'ec', keyBits: 256, curve: 'prime256v1' });
    });
  }

  it('a server that refuses STARTTLS gives error evidence at once', async () => {
    // A long timeout: ending well before it shows the refusal, not the clock, ended the probe.
    const started = Date.now();
    const evidence = await probeTls('127.0.0.1', 143, { ...ctx, connectTimeoutMs: 20_000, portMap: { '127.0.0.1:143': ports.imapNo! } }, { starttls: 'imap' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(evidence.reachable).toBe(false);
    expect(evidence.error).toMatch(/STARTTLS answered "v1 BAD/);
    expect(evidence.handshakes).toBe(1);
  });
});
