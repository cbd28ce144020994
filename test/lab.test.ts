import { Resolver } from 'node:dns/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLab, startLab } from '../src/lab/index.js';

/** Read from a socket until `done(text)` says so or the time runs out. */
function readUntil(socket: Socket | TLSSocket, done: (text: string) => boolean, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out; got ${JSON.stringify(text)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (done(text)) {
        cleanup();
        resolve(text);
      }
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
    };
    socket.on('data', onData);
    socket.on('error', onError);
  });
}

const smtpReply = (text: string) => /(^|\n)\d{3} [^\n]*\r\n$/.test(text);

function connectMapped(lab: RunningLab, ip: string, port: number): Promise<Socket> {
  const actual = lab.portMap[`${ip}:${port}`];
  if (!actual) throw new Error(`no port map entry for ${ip}:${port}`);
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: ip, port: actual }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function tlsHandshake(
  lab: RunningLab,
  ip: string,
  port: number,
  servername: string,
  extra: { minVersion?: 'TLSv1' | 'TLSv1.2'; maxVersion?: 'TLSv1' | 'TLSv1.2' | 'TLSv1.3'; ciphers?: string } = {},
): Promise<{ authorized: boolean; error: string | undefined; cert: PeerCertificate; protocol: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: ip, port: lab.portMap[`${ip}:${port}`]!, servername, ca: [lab.caPem], rejectUnauthorized: false, ...extra }, () => {
      const result = {
        authorized: socket.authorized,
        error: socket.authorizationError ? String(socket.authorizationError) : undefined,
        cert: socket.getPeerCertificate(),
        protocol: socket.getProtocol(),
      };
      socket.end();
      resolve(result);
    });
    socket.once('error', reject);
  });
}

describe('lab organisation (default world)', () => {
  let lab: RunningLab;
  let startMs = 0;

  beforeAll(async () => {
    const t0 = performance.now();
    lab = await startLab();
    startMs = performance.now() - t0;
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('starts quickly and maps every service of every host', () => {
    expect(startMs).toBeLessThan(10_000);
    expect(lab.resolver.host).toBe('127.0.10.53');
    expect(lab.portMap['127.0.10.53:53']).toBe(lab.resolver.port);
    expect(lab.portMap['127.0.10.10:25']).toBeGreaterThan(0);
    expect(lab.portMap['127.0.10.20:443']).toBeGreaterThan(0);
    expect(lab.domains).toContain('so-demo.gov.vn.test');
    expect(lab.domains).toContain('benhvien-demo.gov.vn.test');
    expect(lab.sites).toContain('https://www.so-demo.gov.vn.test/');
    const context = lab.probeContext();
    expect(context.resolver).toEqual(lab.resolver);
    expect(context.extraCaPem).toEqual([lab.caPem]);
    expect(context.portMap).toEqual(lab.portMap);
  });

  it('answers DNS for the world at its resolver', async () => {
    const resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([`${lab.resolver.host}:${lab.resolver.port}`]);
    expect(await resolver.resolve4('www.so-demo.gov.vn.test')).toEqual(['127.0.10.20']);
    expect(await resolver.resolveMx('so-demo.gov.vn.test')).toEqual([{ priority: 10, exchange: 'mx.so-demo.gov.vn.test' }]);
    const txt = (await resolver.resolveTxt('so-demo.gov.vn.test')).map((parts) => parts.join(''));
    expect(txt).toContain('v=spf1 mx ip4:127.0.10.12 -all');
    const dkim = (await resolver.resolveTxt('mail2024._domainkey.so-demo.gov.vn.test')).map((parts) => parts.join(''));
    expect(dkim[0]).toMatch(/^v=DKIM1; k=rsa; p=MIIBIjAN/);
    const caa = await resolver.resolveCaa('so-demo.gov.vn.test');
    expect(caa.some((r) => r.issue === 'ca.lab.test')).toBe(true);
    await expect(resolver.resolveCaa('benhvien-demo.gov.vn.test')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve4('servfail.lab-hostile.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    expect(await resolver.reverse('127.0.10.10')).toEqual(['mx.so-demo.gov.vn.test']);
  });

  it('serves the SMTP banner and STARTTLS with a certificate from the lab CA', async () => {
    const socket = await connectMapped(lab, '127.0.10.10', 25);
    try {
      const greeting = await readUntil(socket, smtpReply);
      expect(greeting).toMatch(/^220 mx\.so-demo\.gov\.vn\.test ESMTP/);
      socket.write('EHLO probe.test\r\n');
      const ehlo = await readUntil(socket, smtpReply);
      expect(ehlo).toContain('STARTTLS');
      expect(ehlo).not.toContain('AUTH');
      socket.write('STARTTLS\r\n');
      expect(await readUntil(socket, smtpReply)).toMatch(/^220 /);
      const secure = await new Promise<TLSSocket>((resolve, reject) => {
        const tls = tlsConnect({ socket, servername: 'mx.so-demo.gov.vn.test', ca: [lab.caPem] }, () => resolve(tls));
        tls.once('error', reject);
      });
      expect(secure.authorized).toBe(true);
      expect(secure.getPeerCertificate().subjectaltname).toContain('DNS:mx.so-demo.gov.vn.test');
      secure.write('EHLO probe.test\r\n');
      expect(await readUntil(secure, smtpReply)).toContain('250');
      secure.end();
    } finally {
      socket.destroy();
    }
  });

  it('shows the bad mail server: version banner, AUTH before TLS, no STARTTLS, open relay', async () => {
    const socket = await connectMapped(lab, '127.0.11.10', 25);
    try {
      expect(await readUntil(socket, smtpReply)).toBe('220 mx.benhvien-demo.gov.vn.test ESMTP Postfix 2.10.1 (Ubuntu)\r\n');
      socket.write('EHLO probe.test\r\n');
      const ehlo = await readUntil(socket, smtpReply);
      expect(ehlo).toContain('AUTH');
      expect(ehlo).not.toContain('STARTTLS');
      socket.write('MAIL FROM:<outsider@example.test>\r\n');
      expect(await readUntil(socket, smtpReply)).toMatch(/^250/);
      socket.write('RCPT TO:<victim@elsewhere.test>\r\n');
      expect(await readUntil(socket, smtpReply)).toMatch(/^250/);
    } finally {
      socket.destroy();
    }
  });

  it('refuses relay on the good MX and keeps mail for local staff', async () => {
    const socket = await connectMapped(lab, '127.0.10.10', 25);
    try {
      await readUntil(socket, smtpReply);
      socket.write('EHLO probe.test\r\n');
      await readUntil(socket, smtpReply);
      socket.write('MAIL FROM:<outsider@example.test>\r\n');
      await readUntil(socket, smtpReply);
      socket.write('RCPT TO:<victim@elsewhere.test>\r\n');
      expect(await readUntil(socket, smtpReply)).toMatch(/^554 5\.7\.1/);
      socket.write('RCPT TO:<an.nv@so-demo.gov.vn.test>\r\n');
      expect(await readUntil(socket, smtpReply)).toMatch(/^250/);
      socket.write('DATA\r\n');
      expect(await readUntil(socket, smtpReply)).toMatch(/^354/);
      socket.write('Subject: =?UTF-8?B?Q+G6o25oIGLDoW8=?=\r\nFrom: vigil@so-demo.gov.vn.test\r\n\r\nNội dung\r\n.\r\n');
      expect(await readUntil(socket, smtpReply)).toMatch(/^250/);
    } finally {
      socket.destroy();
    }
    const messages = lab.control.messages();
    expect(messages.at(-1)).toMatchObject({ to: ['an.nv@so-demo.gov.vn.test'], subject: 'Cảnh báo', relayed: false, server: '127.0.10.10:25' });
  });

  it('answers HTTPS with the declared certificate variants, verified against the lab CA', async () => {
    const good = await tlsHandshake(lab, '127.0.10.20', 443, 'www.so-demo.gov.vn.test');
    expect(good.authorized).toBe(true);
    expect(good.cert.subjectaltname).toContain('DNS:www.so-demo.gov.vn.test');
    expect(good.cert.bits).toBe(2048);
    const chain = await tlsHandshake(lab, '127.0.10.23', 443, 'dichvucong.so-demo.gov.vn.test');
    expect(chain.authorized).toBe(true);
    expect(chain.protocol).toBe('TLSv1.3');
    expect((await tlsHandshake(lab, '127.0.11.20', 443, 'www.benhvien-demo.gov.vn.test')).error).toBe('CERT_HAS_EXPIRED');
    expect((await tlsHandshake(lab, '127.0.12.20', 443, 'www.truong-demo.edu.vn.test')).error).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect((await tlsHandshake(lab, '127.0.12.23', 443, 'tuyensinh.truong-demo.edu.vn.test')).error).toBe('CERT_NOT_YET_VALID');
    expect((await tlsHandshake(lab, '127.0.12.24', 443, 'daotao.truong-demo.edu.vn.test')).error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const wrongName = await tlsHandshake(lab, '127.0.10.25', 443, 'tracuu.so-demo.gov.vn.test');
    expect(wrongName.cert.subjectaltname).not.toContain('DNS:tracuu.so-demo.gov.vn.test');
    const weak = await tlsHandshake(lab, '127.0.11.21', 443, 'hoso.benhvien-demo.gov.vn.test', { ciphers: 'DEFAULT:@SECLEVEL=0' });
    expect(weak.cert.bits).toBe(1024);
  });

  it('really handshakes TLS 1.0 on the legacy site, and not on the good one', async () => {
    const legacy = await tlsHandshake(lab, '127.0.11.20', 443, 'www.benhvien-demo.gov.vn.test', {
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    expect(legacy.protocol).toBe('TLSv1');
    await expect(
      tlsHandshake(lab, '127.0.10.20', 443, 'www.so-demo.gov.vn.test', { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' }),
    ).rejects.toThrow();
  });
});
