import { existsSync, readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { type RunningLab, startLab } from '../src/lab/index.js';
import { parseWorldText } from '../src/lab/world/load.js';

/** MX answers as { priority, exchange } (Node 24's resolver adds `type: 'MX'`, Node 20's does not). */
const mxRecords = (records: { priority: number; exchange: string }[]) => records.map(({ priority, exchange }) => ({ priority, exchange }));

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

/** GET through the port map; resolves with the response once headers arrive (body left to the caller). */
function get(lab: RunningLab, url: string, ip: string): Promise<IncomingMessage> {
  const target = new URL(url);
  const https = target.protocol === 'https:';
  const port = lab.portMap[`${ip}:${https ? 443 : 80}`]!;
  return new Promise((resolve, reject) => {
    const options = {
      host: ip,
      port,
      path: target.pathname + target.search,
      headers: { host: target.hostname },
      servername: target.hostname,
      ca: [lab.caPem],
      rejectUnauthorized: false,
    };
    const req = (https ? httpsRequest : httpRequest)(options, resolve);
    req.once('error', reject);
    req.end();
  });
}

async function bodyOf(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response) text += String(chunk);
  return text;
}

describe('lab organisation (default world)', () => {
  let lab: RunningLab;
  /** CPU time of the start (wall time depends on how loaded the 2-core machine is). */
  let startCpuMs = 0;

  beforeAll(async () => {
    const before = process.cpuUsage();
    lab = await startLab();
    const used = process.cpuUsage(before);
    startCpuMs = (used.user + used.system) / 1_000;
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('starts quickly and maps every service of every host', () => {
    expect(startCpuMs).toBeLessThan(5_000);
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
    expect(mxRecords(await resolver.resolveMx('so-demo.gov.vn.test'))).toEqual([{ priority: 10, exchange: 'mx.so-demo.gov.vn.test' }]);
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

  it('submission: 587 offers AUTH only after STARTTLS, 465 speaks TLS at once', async () => {
    const socket = await connectMapped(lab, '127.0.10.10', 587);
    try {
      await readUntil(socket, smtpReply);
      socket.write('EHLO probe.test\r\n');
      const before = await readUntil(socket, smtpReply);
      expect(before).toContain('STARTTLS');
      expect(before).not.toContain('AUTH');
      socket.write('STARTTLS\r\n');
      await readUntil(socket, smtpReply);
      const secure = await new Promise<TLSSocket>((resolve, reject) => {
        const tls = tlsConnect({ socket, servername: 'mx.so-demo.gov.vn.test', ca: [lab.caPem] }, () => resolve(tls));
        tls.once('error', reject);
      });
      secure.write('EHLO probe.test\r\n');
      expect(await readUntil(secure, smtpReply)).toMatch(/\n250[- ]AUTH (LOGIN|PLAIN)/);
      secure.destroy();
    } finally {
      socket.destroy();
    }
    const implicit = await tlsHandshake(lab, '127.0.10.10', 465, 'mx.so-demo.gov.vn.test');
    expect(implicit.authorized).toBe(true);
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
  it('serves pages, exposed files, soft 404s and redirects as declared', async () => {
    const home = await get(lab, 'https://www.so-demo.gov.vn.test/', '127.0.10.20');
    expect(home.statusCode).toBe(200);
    expect(home.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains; preload');
    expect(home.headers['set-cookie']?.[0]).toContain('HttpOnly');
    expect(await bodyOf(home)).toContain('Sở Thông tin và Truyền thông tỉnh Demo');
    const toHttps = await get(lab, 'http://www.so-demo.gov.vn.test/gioi-thieu', '127.0.10.20');
    expect(toHttps.statusCode).toBe(301);
    expect(toHttps.headers.location).toBe('https://www.so-demo.gov.vn.test/gioi-thieu');
    const apex = await get(lab, 'https://so-demo.gov.vn.test/x', '127.0.10.20');
    expect(apex.headers.location).toBe('https://www.so-demo.gov.vn.test/x');
    const missing = await get(lab, 'https://www.so-demo.gov.vn.test/.git/HEAD', '127.0.10.20');
    expect(missing.statusCode).toBe(404);
    const git = await get(lab, 'https://www.truong-demo.edu.vn.test/.git/HEAD', '127.0.12.20');
    expect(git.statusCode).toBe(200);
    expect(await bodyOf(git)).toBe('ref: refs/heads/master\n');
    const listing = await get(lab, 'http://www.benhvien-demo.gov.vn.test/uploads/', '127.0.11.20');
    expect(await bodyOf(listing)).toContain('Index of /uploads/');
    const soft = await get(lab, 'https://tintuc.truong-demo.edu.vn.test/no-such-page-12345', '127.0.12.25');
    expect(soft.statusCode).toBe(200);
    const login = await get(lab, 'https://egov.so-demo.gov.vn.test/', '127.0.10.24');
    expect(login.statusCode).toBe(302);
    expect(login.headers.location).toBe('/dang-nhap?next=%2F');
  });

  it('hostile sites misbehave as declared', async () => {
    const loop = await get(lab, 'http://loop.lab-hostile.test/', '127.0.13.20');
    expect(loop.statusCode).toBe(302);
    const next = await get(lab, `http://loop.lab-hostile.test${loop.headers.location}`, '127.0.13.20');
    const back = await get(lab, `http://loop.lab-hostile.test${next.headers.location}`, '127.0.13.20');
    expect(back.headers.location).toBe(loop.headers.location);

    const endless = await get(lab, 'http://endless.lab-hostile.test/', '127.0.13.21');
    let received = 0;
    for await (const chunk of endless) {
      received += (chunk as Buffer).length;
      if (received > 4_000_000) break;
    }
    endless.destroy();
    expect(received).toBeGreaterThan(4_000_000);

    const stalled = await get(lab, 'https://stall.lab-hostile.test/', '127.0.13.22');
    expect(stalled.statusCode).toBe(200);
    const finished = await Promise.race([bodyOf(stalled).then(() => 'ended'), new Promise((r) => setTimeout(() => r('stalled'), 1_000))]);
    stalled.destroy();
    expect(finished).toBe('stalled');

    // the tarpit accepts TCP and never greets
    const socket = await connectMapped(lab, '127.0.13.10', 25);
    await expect(readUntil(socket, () => true, 800)).rejects.toThrow(/timed out/);
    socket.destroy();
  });

  it('IMAP and POP3 tell STARTTLS from plaintext login', async () => {
    const imap = await connectMapped(lab, '127.0.10.10', 143);
    expect(await readUntil(imap, (t) => t.endsWith('\r\n'))).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\]/);
    imap.write('a1 LOGOUT\r\n');
    expect(await readUntil(imap, (t) => t.includes('a1 OK'))).toContain('* BYE');
    imap.destroy();
    const plainImap = await connectMapped(lab, '127.0.11.10', 143);
    expect(await readUntil(plainImap, (t) => t.endsWith('\r\n'))).toContain('AUTH=PLAIN');
    plainImap.destroy();
    const pop = await connectMapped(lab, '127.0.10.10', 110);
    await readUntil(pop, (t) => t.endsWith('\r\n'));
    pop.write('CAPA\r\n');
    expect(await readUntil(pop, (t) => t.endsWith('.\r\n'))).toContain('STLS');
    pop.write('STLS\r\n');
    expect(await readUntil(pop, (t) => t.endsWith('\r\n'))).toMatch(/^\+OK/);
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const tls = tlsConnect({ socket: pop, servername: 'mx.so-demo.gov.vn.test', ca: [lab.caPem] }, () => resolve(tls));
      tls.once('error', reject);
    });
    expect(secure.authorized).toBe(true);
    const imaps = await tlsHandshake(lab, '127.0.10.10', 993, 'mx.so-demo.gov.vn.test');
    expect(imaps.authorized).toBe(true);
    secure.write('QUIT\r\n');
    expect(await readUntil(secure, (t) => t.endsWith('\r\n'))).toBe('+OK bye\r\n');
    secure.destroy();
  });

  it('control API: deface and restore, stop and start a service, change DNS records', async () => {
    lab.control.deface('https://www.so-demo.gov.vn.test/');
    expect(await bodyOf(await get(lab, 'https://www.so-demo.gov.vn.test/', '127.0.10.20'))).toContain('Hacked by');
    lab.control.restore('www.so-demo.gov.vn.test');
    expect(await bodyOf(await get(lab, 'https://www.so-demo.gov.vn.test/', '127.0.10.20'))).not.toContain('Hacked by');
    expect(() => lab.control.deface('nowhere.test')).toThrow(/no site named/);

    const port = lab.portMap['127.0.10.21:443'];
    await lab.control.stopService('127.0.10.21', 443);
    await expect(get(lab, 'https://webmail.so-demo.gov.vn.test/', '127.0.10.21')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await lab.control.startService('127.0.10.21', 443);
    expect(lab.portMap['127.0.10.21:443']).toBe(port);
    expect((await get(lab, 'https://webmail.so-demo.gov.vn.test/', '127.0.10.21')).statusCode).toBe(302);

    const resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([`${lab.resolver.host}:${lab.resolver.port}`]);
    lab.control.setDnsRecords([{ name: 'so-demo.gov.vn.test', type: 'MX', data: { preference: 5, exchange: 'mx.attacker.test' } }]);
    expect(mxRecords(await resolver.resolveMx('so-demo.gov.vn.test'))).toEqual([{ priority: 5, exchange: 'mx.attacker.test' }]);
    lab.control.setDnsRecords([{ name: 'so-demo.gov.vn.test', type: 'MX', data: { preference: 10, exchange: 'mx.so-demo.gov.vn.test' } }]);
    expect(mxRecords(await resolver.resolveMx('so-demo.gov.vn.test'))).toEqual([{ priority: 10, exchange: 'mx.so-demo.gov.vn.test' }]);
  });

  it('takes notifications sent through the configured server and shows them (never delivers)', async () => {
    const smtp = lab.organisationConfig().notifications!.smtp!;
    const transport = createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: smtp.from, to: 'binh.tt@so-demo.gov.vn.test', subject: 'Cổng thông tin bị thay đổi giao diện', text: 'Chi tiết…' });
    transport.close();
    const last = lab.control.messages().at(-1)!;
    expect(last).toMatchObject({
      server: '127.0.10.12:25',
      from: 'vigil@so-demo.gov.vn.test',
      to: ['binh.tt@so-demo.gov.vn.test'],
      subject: 'Cổng thông tin bị thay đổi giao diện',
    });
    expect(last.raw).toContain('Chi ti');
  });

  it('describes the agency as a valid vigil configuration with a staff directory', () => {
    const config = lab.organisationConfig();
    expect(configSchema.safeParse(config).success).toBe(true);
    expect(config.organisation?.name).toBe('Sở Thông tin và Truyền thông tỉnh Demo');
    expect(config.mail?.domains).toContain('benhvien-demo.gov.vn.test');
    expect(config.websites?.find((w) => w.url === 'https://www.so-demo.gov.vn.test/')?.portal).toBe(true);
    expect(config.notifications?.smtp).toMatchObject({ host: '127.0.10.12', port: lab.portMap['127.0.10.12:25'] });
    expect(config.onCall?.people.length).toBeGreaterThanOrEqual(2);
    expect(config.monitors?.length).toBeGreaterThan(5);
    const csv = readFileSync(config.staff!.directory, 'utf8');
    expect(csv.split('\n')[0]).toBe('full_name,email,unit,phone,aliases');
    expect(csv).toContain('Nguyễn Văn An,an.nv@so-demo.gov.vn.test');
    expect(existsSync(lab.caFile)).toBe(true);
  });
});

describe('world file validation', () => {
  it('points at the line and column of a mistake', () => {
    const text = ['organisation:', '  name: Sở Demo', 'dns:', '  zones: []', 'hosts:', '  - ip: 10.0.0.1', '    smpt: []', ''].join('\n');
    let message = '';
    try {
      parseWorldText(text, 'bad.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('bad.yaml:6:9: hosts.0.ip: lab addresses must be in 127.0.0.0/8');
    expect(message).toContain('bad.yaml:7:5: hosts.0: unknown key "smpt"');
  });

  it('refuses two services on one address and port, and a notification server that is not a host', () => {
    const text = [
      'organisation: { name: Sở Demo }',
      'notifySmtp: { host: relay.nowhere.test, from: a@b.test }',
      'dns: {}',
      'hosts:',
      '  - ip: 127.0.20.1',
      '    smtp: [{ port: 25 }]',
      '  - ip: 127.0.20.1',
      '    sites: [{ http: { port: 25 } }]',
      '',
    ].join('\n');
    expect(() => parseWorldText(text, 'dup.yaml')).toThrow(/dup\.yaml:8:\d+: hosts\.1\.sites\.0\.http: 127\.0\.20\.1:25 is already used by hosts\.0\.smtp\.0/);
    expect(() => parseWorldText(text, 'dup.yaml')).toThrow(/notifySmtp\.host: no host is named relay\.nowhere\.test/);
  });
});
