import { createServer as createHttpServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createConnection, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { parseConfigText } from '../src/config/load.js';
import { configSchema } from '../src/config/schema.js';
import { isVigilError } from '../src/errors.js';
import { routeModules } from '../src/http/routes/index.js';
import { startWatchForServer } from '../src/http/routes/watch.js';
import { type RunningServer, startServer } from '../src/http/server.js';
import { writeLine } from '../src/probes/tls/line-reader.js';
import { AuthService } from '../src/services/auth/auth-service.js';
import { openTestStore, type TestStore, testDialects } from '../src/store/testing.js';
import { httpMonitorSchema, type SmtpMonitorConfig, smtpMonitorSchema } from '../src/watch/config-schema.js';
import { closeHttpAgent, probeHttp, sameOrigin } from '../src/watch/monitors/http.js';
import { probeSmtp } from '../src/watch/monitors/smtp.js';
import { DEFAULT_PROBE_CONTEXT } from '../src/probes/context.js';

/**
 * Monitor hardening from the security review: custom headers only to the monitor's own origin
 * across redirects, and no value can inject an SMTP command (schema, API, vigil.yaml and the
 * protocol writer). Real listeners on loopback only.
 */
const INJECTION = 'x\r\nMAIL FROM:<a@b>';

function listen(server: HttpServer | Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

describe('HTTP monitor redirects', () => {
  // Origin A (the monitor's), origin B (another port) and origin C (another loopback address).
  const seen: { origin: string; path: string; headers: IncomingHttpHeaders }[] = [];
  let a: HttpServer;
  let b: HttpServer;
  let c: HttpServer;
  let originA: string;
  let originB: string;
  let originC: string;
  const context = { ...DEFAULT_PROBE_CONTEXT, now: Date.now };

  beforeAll(async () => {
    const handler = (name: () => string) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      seen.push({ origin: name(), path: req.url ?? '', headers: req.headers });
      const url = new URL(req.url ?? '/', 'http://x');
      const to = url.searchParams.get('to');
      if (to) {
        res.writeHead(302, { location: to });
        res.end();
        return;
      }
      res.end('ok');
    };
    a = createHttpServer(handler(() => originA));
    b = createHttpServer(handler(() => originB));
    c = createHttpServer(handler(() => originC));
    originA = `http://127.0.0.1:${await listen(a)}`;
    originB = `http://127.0.0.1:${await listen(b)}`;
    originC = `http://127.0.0.2:${await listen(c, '127.0.0.2')}`;
  });

  afterAll(async () => {
    await closeHttpAgent(context);
    for (const server of [a, b, c]) await new Promise((r) => server?.close(r));
  });

  async function run(url: string, headers: Record<string, string>) {
    seen.length = 0;
    const config = httpMonitorSchema.parse({ name: 'cổng', type: 'http', url, headers, timeout: '10s' });
    const evidence = await probeHttp(config, context);
    expect(evidence.error).toBeUndefined();
    expect(evidence.status).toBe(200);
    return [...seen];
  }

  const secrets = { Authorization: 'Bearer bi-mat', Cookie: 'session=bi-mat', 'X-Api-Key': 'khoa-bi-mat' };

  it('a redirect to another port (another origin) carries none of the custom headers', async () => {
    const requests = await run(`${originA}/start?to=${encodeURIComponent(`${originB}/landing`)}`, secrets);
    expect(requests.map((r) => r.origin)).toEqual([originA, originB]);
    expect(requests[0]!.headers).toMatchObject({ authorization: 'Bearer bi-mat', cookie: 'session=bi-mat', 'x-api-key': 'khoa-bi-mat' });
    const landed = requests[1]!.headers;
    expect(landed.authorization).toBeUndefined();
    expect(landed.cookie).toBeUndefined();
    expect(landed['x-api-key']).toBeUndefined();
    expect(landed['user-agent']).toMatch(/^vigil-watch/);
  });

  it('a redirect to another loopback address carries none either, nor do they come back after it', async () => {
    const back = `${originA}/back`;
    const requests = await run(`${originA}/start?to=${encodeURIComponent(`${originC}/hop?to=${encodeURIComponent(back)}`)}`, secrets);
    expect(requests.map((r) => r.origin)).toEqual([originA, originC, originA]);
    for (const request of requests.slice(1)) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers['x-api-key']).toBeUndefined();
      expect(request.headers.cookie).toBeUndefined();
    }
  });

  it('a same-origin redirect keeps the custom headers', async () => {
    const requests = await run(`${originA}/start?to=/landing`, secrets);
    expect(requests.map((r) => `${r.origin}${r.path}`)).toEqual([`${originA}/start?to=/landing`, `${originA}/landing`]);
    expect(requests[1]!.headers).toMatchObject({ authorization: 'Bearer bi-mat', cookie: 'session=bi-mat', 'x-api-key': 'khoa-bi-mat' });
  });

  it('userinfo becomes Basic for the own origin only, and never appears in the evidence', async () => {
    const url = `${originA.replace('http://', 'http://giamsat:m%E1%BA%ADt-kh%E1%BA%A9u@')}/start?to=${encodeURIComponent(`${originB}/x`)}`;
    seen.length = 0;
    const evidence = await probeHttp(httpMonitorSchema.parse({ name: 'u', type: 'http', url }), context);
    expect(evidence.status).toBe(200);
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('giamsat:mật-khẩu').toString('base64')}`);
    expect(seen[1]!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(evidence)).not.toContain('giamsat');
  });

  it('origins are compared as URL origins, not string prefixes', () => {
    expect(sameOrigin('http://127.0.0.1:80/x', 'http://127.0.0.1')).toBe(true);
    expect(sameOrigin('HTTPS://Portal.Gov.VN:443/a', 'https://portal.gov.vn')).toBe(true);
    expect(sameOrigin('https://portal.gov.vn.evil.example/a', 'https://portal.gov.vn')).toBe(false);
    expect(sameOrigin('http://portal.gov.vn/a', 'https://portal.gov.vn')).toBe(false);
    expect(sameOrigin('http://127.0.0.1:8080/a', 'http://127.0.0.1:808')).toBe(false);
  });

  it('header names and values that could inject a header are refused by the schema', () => {
    expect(httpMonitorSchema.safeParse({ name: 'h', type: 'http', url: 'http://127.0.0.1/', headers: { 'X-A': 'a\r\nX-Injected: 1' } }).success).toBe(false);
    expect(httpMonitorSchema.safeParse({ name: 'h', type: 'http', url: 'http://127.0.0.1/', headers: { 'X A\r\n': 'a' } }).success).toBe(false);
    expect(httpMonitorSchema.safeParse({ name: 'h', type: 'http', url: 'http://127.0.0.1/', headers: { 'X-Api-Key': 'ok value' } }).success).toBe(true);
  });
});

describe('SMTP monitor: no command injection', () => {
  let smtp: Server;
  let port: number;
  const received: string[] = [];
  const sockets = new Set<import('node:net').Socket>();

  beforeAll(async () => {
    // A minimal SMTP server that records every line it receives.
    smtp = createServer((socket) => {
      sockets.add(socket);
      let buffer = '';
      socket.write('220 mx.lab ESMTP\r\n');
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
          const line = buffer.slice(0, end).replace(/\r$/, '');
          buffer = buffer.slice(end + 1);
          received.push(line);
          if (/^EHLO /i.test(line)) socket.write('250-mx.lab\r\n250 8BITMIME\r\n');
          else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
          else socket.write('250 ok\r\n');
        }
      });
      socket.on('error', () => undefined);
    });
    port = await listen(smtp);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => smtp?.close(r));
  });

  it('the schema takes host names and address literals only', () => {
    const base = { name: 'mx', type: 'smtp', host: '127.0.0.1' };
    for (const good of ['vigil.invalid', 'mx-1.stttt.gov.vn', 'vigil.example.gov.vn.', '[127.0.0.1]', '[IPv6:::1]']) {
      expect(smtpMonitorSchema.safeParse({ ...base, heloName: good }).success, good).toBe(true);
    }
    for (const bad of [INJECTION, 'x\nRSET', 'x\0', 'two words', '', '-lead.example', 'a..b', '[999.1.1.1]', '[IPv6:127.0.0.1]']) {
      expect(smtpMonitorSchema.safeParse({ ...base, heloName: bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('vigil.yaml with an injected heloName is refused at load, with its position', () => {
    const yaml = `monitors:\n  - name: Thư\n    type: smtp\n    host: 127.0.0.1\n    heloName: "x\\r\\nMAIL FROM:<a@b>"\n`;
    let error: unknown;
    try {
      parseConfigText(yaml, 'vigil.yaml');
    } catch (e) {
      error = e;
    }
    expect(isVigilError(error) && error.id).toBe('config.invalid');
    expect((error as Error).message).toMatch(/vigil\.yaml:5:\d+: monitors\.0\.heloName: not a host name/);
  });

  it('the protocol writer refuses CR, LF and NUL and writes nothing', async () => {
    received.length = 0;
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.resume(); // read (and drop) the replies so the server's close reaches us
    await new Promise((r) => socket.once('connect', r));
    for (const line of [`EHLO ${INJECTION}`, 'EHLO a\nb', 'EHLO a\0b']) {
      let error: unknown;
      try {
        writeLine(socket, line);
      } catch (e) {
        error = e;
      }
      expect(isVigilError(error) && error.id).toBe('probe.command-injection');
    }
    writeLine(socket, 'QUIT');
    await new Promise((r) => socket.once('close', r));
    // Only after the QUIT the server answered and closed: everything it got is here.
    expect(received).toEqual(['QUIT']);
  });

  it('a monitor whose heloName slipped past validation sends no injected command', async () => {
    received.length = 0;
    const config: SmtpMonitorConfig = {
      ...smtpMonitorSchema.parse({ name: 'mx', type: 'smtp', host: '127.0.0.1', port, starttls: false }),
      heloName: INJECTION,
    };
    const evidence = await probeSmtp(config, DEFAULT_PROBE_CONTEXT);
    expect(evidence.error).toMatch(/CR, LF or NUL/);
    expect(received.some((line) => /MAIL FROM/i.test(line))).toBe(false);
    expect(received.some((line) => line.startsWith('EHLO'))).toBe(false);
  });

  it('a valid heloName goes out as one EHLO line', async () => {
    received.length = 0;
    const config = smtpMonitorSchema.parse({ name: 'mx', type: 'smtp', host: '127.0.0.1', port, starttls: false, heloName: 'vigil.stttt.gov.vn' });
    const evidence = await probeSmtp(config, DEFAULT_PROBE_CONTEXT);
    expect(evidence.error).toBeUndefined();
    await expect.poll(() => received).toEqual(['EHLO vigil.stttt.gov.vn', 'QUIT']);
  });
});

const PASSWORD = 'correct horse battery staple';

describe.each(testDialects())('monitor validation through the API on %s', (dialect) => {
  let t: TestStore;
  let server: RunningServer;
  let token: string;
  const post = (body: unknown) =>
    fetch(`${server.url}/api/v1/watch/monitors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await openTestStore(dialect);
    const auth = new AuthService(t.store);
    await auth.users.create({ name: 'analyst', role: 'analyst', password: PASSWORD }, 'test');
    token = (await auth.tokens.create({ name: 'script', user: 'analyst' }, 'test')).token;
    // The monitors these tests create point at loopback: the scope must list it.
    const config: LoadedConfig = { file: undefined, baseDir: process.cwd(), config: configSchema.parse({ network: { targets: ['127.0.0.0/8'] } }) };
    server = await startServer({
      store: t.store,
      config,
      host: '127.0.0.1',
      port: 0,
      webRoot: false,
      modules: routeModules,
      extraStarters: [startWatchForServer],
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  it('an SMTP heloName with CR LF is refused with watch.monitor-invalid and nothing is stored', async () => {
    const response = await post({ name: 'Thư', type: 'smtp', host: '127.0.0.1', heloName: INJECTION, interval: '1h' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('watch.monitor-invalid');
    expect(body.message).toMatch(/heloName: not a host name/);
    expect(await t.store.db.selectFrom('watch_monitors').select('id').execute()).toEqual([]);
  });

  it('a regex RE2 cannot run (backreference, lookahead) is refused with the reason', async () => {
    const backreference = await post({ name: 'Cổng', type: 'http', url: 'http://127.0.0.1/', regex: '(a)\\1', interval: '1h' });
    expect(backreference.status).toBe(400);
    const body = (await backreference.json()) as { error: string; message: string };
    expect(body.error).toBe('watch.monitor-invalid');
    expect(body.message).toMatch(/regex: backreferences/);
    const lookahead = await post({ name: 'Cổng', type: 'http', url: 'http://127.0.0.1/', defacementIgnore: { patterns: ['(?=x)y'] }, interval: '1h' });
    expect(lookahead.status).toBe(400);
    expect(((await lookahead.json()) as { message: string }).message).toMatch(/defacementIgnore\.patterns\.0: lookahead/);
    const banner = await post({ name: 'Thư', type: 'smtp', host: '127.0.0.1', banner: '(?<!a)b', interval: '1h' });
    expect(banner.status).toBe(400);
    const fine = await post({ name: 'Cổng', type: 'http', url: 'http://127.0.0.1/', regex: '(a+)+$', interval: '1h' });
    expect(fine.status).toBe(201);
  });
});
