import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch as undiciFetch } from 'undici';
import { z } from 'zod';
import type { LoadedConfig } from '../src/config/load.js';
import { VigilError } from '../src/errors.js';
import { defineRoutes, download, rawResponse, serverSentEvents, uploadStream } from '../src/http/route.js';
import { routeModules } from '../src/http/routes/index.js';
import { type RunningServer, startServer } from '../src/http/server.js';
import { AuthService } from '../src/services/auth/auth-service.js';
import { openTestStore, suiteDialect, type TestStore } from '../src/store/testing.js';

/**
 * The API's auth model end to end: a real server on an ephemeral loopback port, a fresh SQLite
 * store, real HTTP. The route walk reads Fastify's own route list, so routes that capabilities add
 * later are covered without touching this file.
 */

const PUBLIC_ROUTES = new Set([
  'GET /api/v1/health',
  'GET /api/v1/openapi.json',
  'POST /api/v1/auth/login',
  'HEAD /api/v1/health',
  'HEAD /api/v1/openapi.json',
  // Heartbeat calls are public by the secret token in their URL (watch-api.test.ts).
  'POST /api/v1/watch/heartbeat/:token',
  'GET /api/v1/watch/heartbeat/:token',
  'HEAD /api/v1/watch/heartbeat/:token',
]);
const PASSWORD = 'correct horse battery staple';
const config: LoadedConfig = { file: undefined, baseDir: process.cwd(), config: {} as LoadedConfig['config'] };

/** Routes that exercise the contract's helpers; served next to the real modules. */
const contractProbe = defineRoutes((r) => {
  r.get({
    url: '/contract-test/download',
    role: 'viewer',
    summary: 'download helper',
    handler: async () => download({ body: Buffer.from('a,b\n1,2\n'), contentType: 'text/csv; charset=utf-8', filename: 'Báo cáo tháng 11.csv' }),
  });
  r.get({
    url: '/contract-test/stream',
    role: 'viewer',
    summary: 'stream body',
    handler: async () => rawResponse({ body: Readable.from(['one ', 'two']), contentType: 'text/plain' }),
  });
  r.get({
    url: '/contract-test/events',
    role: 'viewer',
    summary: 'server-sent events helper',
    handler: async (context) =>
      serverSentEvents(context, async (events) => {
        events.send('hello', { n: 1 });
        events.send('hello', { n: 2 }, 'id-2');
        await events.closed;
      }),
  });
  r.post({
    url: '/contract-test/upload',
    role: 'analyst',
    summary: 'raw upload',
    upload: true,
    bodyLimit: 1000,
    response: z.object({ bytes: z.number() }),
    handler: async (context) => {
      let bytes = 0;
      for await (const chunk of uploadStream(context)) bytes += (chunk as Buffer).length;
      return { bytes };
    },
  });
  r.post({
    url: '/contract-test/echo/:n',
    role: 'analyst',
    summary: 'validation and response stripping',
    params: z.object({ n: z.coerce.number().int() }),
    query: z.object({ times: z.coerce.number().int().min(1).max(3).default(1) }),
    body: z.object({ word: z.string().min(1) }),
    response: z.object({ n: z.number(), words: z.array(z.string()) }),
    handler: async ({ params, query, body, audit }) => {
      await audit('contract-test.echo', String(params.n));
      return { n: params.n, words: Array.from({ length: query.times }, () => body.word), secret: 'must be stripped' } as { n: number; words: string[] };
    },
  });
  r.get({
    url: '/contract-test/bad-shape',
    role: 'viewer',
    summary: 'response that breaks its schema',
    response: z.object({ n: z.number() }),
    handler: async () => ({ n: 'not a number' }) as unknown as { n: number },
  });
  r.get({
    url: '/contract-test/vigil-error',
    role: 'viewer',
    summary: 'VigilError mapping',
    handler: async () => {
      throw new VigilError('watch.monitor-exists', 'that clashes', { status: 409, hint: 'do the other thing' });
    },
  });
  r.get({
    url: '/contract-test/crash',
    role: 'viewer',
    summary: 'unexpected error',
    handler: async () => {
      throw new Error('secret internal detail');
    },
  });
});

interface Session {
  cookie: string;
  csrf: string;
}

let testStore: TestStore;
let server: RunningServer;
let strictServer: RunningServer;
let base: string;
const tokens: Record<'admin' | 'analyst' | 'viewer', string> = { admin: '', analyst: '', viewer: '' };

async function login(name: string, password = PASSWORD, url = base): Promise<{ status: number; session?: Session; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  const setCookie = response.headers.get('set-cookie');
  if (response.status !== 200 || !setCookie) return { status: response.status, body };
  return { status: 200, body, session: { cookie: setCookie.split(';')[0]!, csrf: body.csrfToken as string } };
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function concrete(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, '1').replace(/\*$/, 'x');
}

beforeAll(async () => {
  testStore = await openTestStore(suiteDialect());
  const auth = new AuthService(testStore.store);
  for (const role of ['admin', 'analyst', 'viewer'] as const) {
    await auth.users.create({ name: role, role, password: PASSWORD }, 'test');
    tokens[role] = (await auth.tokens.create({ name: `${role} script`, user: role }, 'test')).token;
  }
  const common = { store: testStore.store, config, host: '127.0.0.1', port: 0, webRoot: false as const, modules: [...routeModules, contractProbe] };
  server = await startServer(common);
  base = server.url;
  strictServer = await startServer({
    ...common,
    auth: { loginLimits: { perIp: { limit: 6, windowMs: 60_000 }, perUser: { limit: 3, windowMs: 60_000 } } },
  });
});

afterAll(async () => {
  await server?.close();
  await strictServer?.close();
  await testStore?.cleanup();
});

describe('route walk (every route Fastify registered under /api/v1)', () => {
  it('only health, openapi, login and heartbeat calls are public', () => {
    const publicRoutes = server.services.routes.filter((r) => r.role === 'public').map((r) => `${r.method} /api/v1${r.url}`);
    expect(publicRoutes.sort()).toEqual([
      'GET /api/v1/health',
      'GET /api/v1/openapi.json',
      'GET /api/v1/watch/heartbeat/:token',
      'POST /api/v1/auth/login',
      'POST /api/v1/watch/heartbeat/:token',
    ]);
  });

  it('every /api/v1 route in Fastify comes from the route registry (nothing bypasses the guard)', () => {
    const registry = new Set(server.services.routes.map((r) => `${r.method} /api/v1${r.url}`));
    const fastify = server.registeredRoutes.filter((r) => r.url.startsWith('/api/')).filter((r) => r.method !== 'HEAD');
    expect(fastify.length).toBeGreaterThan(10);
    for (const route of fastify) expect(registry.has(`${route.method} ${route.url}`), `${route.method} ${route.url}`).toBe(true);
  });

  it('answers 401 without a session or token on every other route, before reading the body', async () => {
    const routes = server.registeredRoutes.filter((r) => r.url.startsWith('/api/') && !PUBLIC_ROUTES.has(`${r.method} ${r.url}`));
    expect(routes.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const route of routes) {
      const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
      const response = await fetch(`${base}${concrete(route.url)}`, {
        method: route.method,
        headers: hasBody ? { 'content-type': 'application/json' } : {},
        body: hasBody ? '{"not":"valid for anything"' : undefined,
      });
      if (response.status !== 401) failures.push(`${route.method} ${route.url} → ${response.status}`);
      if (route.method !== 'HEAD') {
        const body = (await response.json()) as { error: string };
        if (body.error !== 'auth.required') failures.push(`${route.method} ${route.url} → ${body.error}`);
      } else await response.arrayBuffer();
    }
    expect(failures).toEqual([]);
  });

  it('answers 401 for an unknown or malformed bearer token on every protected route', async () => {
    for (const header of ['Bearer vgl_not-a-real-token', 'Basic YWRtaW46YWRtaW4=']) {
      const response = await fetch(`${base}/api/v1/auth/me`, { headers: { authorization: header } });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe('auth.bad-token');
    }
  });

  it('answers 403 to a viewer on every analyst and admin route, and to an analyst on every admin route', async () => {
    const failures: string[] = [];
    const checks: [keyof typeof tokens, string[]][] = [
      ['viewer', ['analyst', 'admin']],
      ['analyst', ['admin']],
    ];
    let checked = 0;
    for (const [caller, forbidden] of checks) {
      for (const route of server.services.routes.filter((r) => forbidden.includes(r.role))) {
        const response = await fetch(`${base}/api/v1${concrete(route.url)}`, {
          method: route.method,
          headers: { ...bearer(tokens[caller]), ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
          body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
        });
        checked += 1;
        if (response.status !== 403) failures.push(`${caller} ${route.method} ${route.url} → ${response.status}`);
        await response.arrayBuffer();
      }
    }
    expect(checked).toBeGreaterThan(8);
    expect(failures).toEqual([]);
  });

  it('lets each role through on the routes it may use', async () => {
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: bearer(tokens.viewer) });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { name: string }; via: string }).via).toBe('token');
    const users = await fetch(`${base}/api/v1/users`, { headers: bearer(tokens.admin) });
    expect(users.status).toBe(200);
    const list = (await users.json()) as { users: { name: string; password_hash?: string }[] };
    expect(list.users.map((u) => u.name).sort()).toEqual(['admin', 'analyst', 'viewer']);
    expect(JSON.stringify(list)).not.toContain('scrypt$');
  });
});

describe('sessions and CSRF', () => {
  it('login sets an httpOnly SameSite=Strict cookie and returns the CSRF token', async () => {
    const response = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Admin ', password: PASSWORD }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^vigil_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure'); // plain HTTP on loopback
    const body = (await response.json()) as { csrfToken: string; user: { role: string } };
    expect(body.user.role).toBe('admin');
    expect(body.csrfToken.length).toBeGreaterThan(20);
    // Only the SHA-256 of the secret is stored.
    const secret = cookie.split(';')[0]!.split('=')[1]!;
    const rows = await testStore.store.db.selectFrom('sessions').select('id_hash').execute();
    expect(rows.some((row) => row.id_hash === secret)).toBe(false);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.id_hash))).toBe(true);
  });

  it('a cookie session must send X-CSRF-Token on state-changing methods, not on reads', async () => {
    const { session } = await login('admin');
    const cookie = { cookie: session!.cookie };
    const read = await fetch(`${base}/api/v1/auth/me`, { headers: cookie });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { csrfToken: string }).csrfToken).toBe(session!.csrf);
    const json = { 'content-type': 'application/json' };
    const body = JSON.stringify({ name: 'csrf probe' });
    const missing = await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: { ...cookie, ...json }, body });
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: string }).error).toBe('auth.csrf');
    const wrong = await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: { ...cookie, ...json, 'x-csrf-token': `${session!.csrf}x` }, body });
    expect(wrong.status).toBe(403);
    const otherSession = await login('admin');
    const foreign = await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: { ...cookie, ...json, 'x-csrf-token': otherSession.session!.csrf }, body });
    expect(foreign.status).toBe(403);
    const right = await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: { ...cookie, ...json, 'x-csrf-token': session!.csrf }, body });
    expect(right.status).toBe(201);
  });

  it('bearer tokens need no CSRF token', async () => {
    const response = await fetch(`${base}/api/v1/contract-test/echo/7?times=2`, {
      method: 'POST',
      headers: { ...bearer(tokens.analyst), 'content-type': 'application/json' },
      body: JSON.stringify({ word: 'xin chào' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ n: 7, words: ['xin chào', 'xin chào'] });
  });

  it('logout ends the session', async () => {
    const { session } = await login('viewer');
    const headers = { cookie: session!.cookie, 'x-csrf-token': session!.csrf };
    const out = await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/vigil_session=;/);
    const after = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: session!.cookie } });
    expect(after.status).toBe(401);
  });

  it('renews the cookie with the sliding expiry', async () => {
    const { session } = await login('viewer');
    const idHash = (await testStore.store.db.selectFrom('sessions').select(['id_hash', 'created_at']).orderBy('created_at', 'desc').executeTakeFirstOrThrow())
      .id_hash;
    // Pretend the session was last seen two minutes ago and is about to expire.
    await testStore.store.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 120_000).toISOString(), expires_at: new Date(Date.now() + 5_000).toISOString() })
      .where('id_hash', '=', idHash)
      .execute();
    const response = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: session!.cookie } });
    expect(response.status).toBe(200);
    const renewed = response.headers.get('set-cookie') ?? '';
    expect(renewed).toContain(session!.cookie);
    expect(Number(/Max-Age=(\d+)/.exec(renewed)?.[1])).toBeGreaterThan(7 * 3600);
    const row = await testStore.store.db.selectFrom('sessions').select('expires_at').where('id_hash', '=', idHash).executeTakeFirstOrThrow();
    expect(Date.parse(row.expires_at)).toBeGreaterThan(Date.now() + 7 * 3600_000);
  });

  it('lets a user change their own language and password; the password change ends their other sessions', async () => {
    await new AuthService(testStore.store).users.create({ name: 'self.service', role: 'viewer', password: PASSWORD }, 'test');
    const first = (await login('self.service')).session!;
    const second = (await login('self.service')).session!;
    const headers = { cookie: first.cookie, 'x-csrf-token': first.csrf, 'content-type': 'application/json' };
    const language = await fetch(`${base}/api/v1/auth/me`, { method: 'PATCH', headers, body: JSON.stringify({ locale: 'en', displayName: 'Tự phục vụ' }) });
    expect(await language.json()).toMatchObject({ locale: 'en', displayName: 'Tự phục vụ', role: 'viewer' });
    const escalate = await fetch(`${base}/api/v1/auth/me`, { method: 'PATCH', headers, body: JSON.stringify({ role: 'admin' }) });
    expect(escalate.status).toBe(400);
    const wrong = await fetch(`${base}/api/v1/auth/password`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ currentPassword: 'nope', newPassword: 'a new long password' }),
    });
    expect(wrong.status).toBe(403);
    const changed = await fetch(`${base}/api/v1/auth/password`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ currentPassword: PASSWORD, newPassword: 'a new long password' }),
    });
    expect(changed.status).toBe(200);
    const fresh = changed.headers.get('set-cookie')!.split(';')[0]!;
    expect(fresh).not.toBe(first.cookie);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: second.cookie } })).status).toBe(401);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: fresh } })).status).toBe(200);
    expect((await login('self.service', 'a new long password')).status).toBe(200);
  });

  it('a wrong password and an unknown user get the same 401', async () => {
    const wrong = await login('viewer', 'not the password');
    const unknown = await login('nobody', 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toBe('auth.bad-credentials');
  });
});

describe('tokens and users over the API', () => {
  it('creates a token shown once, lists it without the secret, and revoking it ends its use', async () => {
    const created = await fetch(`${base}/api/v1/tokens`, {
      method: 'POST',
      headers: { ...bearer(tokens.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'nightly export', user: 'viewer' }),
    });
    expect(created.status).toBe(201);
    const { token, info } = (await created.json()) as { token: string; info: { id: string; userName: string } };
    expect(token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
    expect(info.userName).toBe('viewer');
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: bearer(token) })).status).toBe(200);
    const list = await (await fetch(`${base}/api/v1/tokens`, { headers: bearer(tokens.admin) })).text();
    expect(list).toContain(info.id);
    expect(list).not.toContain(token);
    const revoked = await fetch(`${base}/api/v1/tokens/${info.id}`, { method: 'DELETE', headers: bearer(tokens.admin) });
    expect(revoked.status).toBe(204);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: bearer(token) })).status).toBe(401);
  });

  it('an admin creates, changes and disables a user; a disabled user can neither sign in nor use tokens', async () => {
    const admin = { ...bearer(tokens.admin), 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'lan.nguyen', role: 'viewer', password: PASSWORD, displayName: 'Nguyễn Thị Lan' }),
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string; displayName: string };
    expect(user.displayName).toBe('Nguyễn Thị Lan');
    const duplicate = await fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'lan.nguyen', role: 'viewer', password: PASSWORD }),
    });
    expect(duplicate.status).toBe(409);
    const weak = await fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'weak', role: 'viewer', password: 'short' }),
    });
    expect(((await weak.json()) as { error: string }).error).toBe('auth.weak-password');
    const auth = new AuthService(testStore.store);
    const lanToken = (await auth.tokens.create({ name: 'lan script', user: 'lan.nguyen' }, 'test')).token;
    expect((await login('lan.nguyen')).status).toBe(200);
    const promoted = await fetch(`${base}/api/v1/users/${user.id}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ role: 'analyst' }) });
    expect(((await promoted.json()) as { role: string }).role).toBe('analyst');
    const disabled = await fetch(`${base}/api/v1/users/lan.nguyen`, { method: 'PATCH', headers: admin, body: JSON.stringify({ disabled: true }) });
    expect(disabled.status).toBe(200);
    expect((await login('lan.nguyen')).status).toBe(401);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: bearer(lanToken) })).status).toBe(401);
    const removed = await fetch(`${base}/api/v1/users/${user.id}`, { method: 'DELETE', headers: bearer(tokens.admin) });
    expect(removed.status).toBe(204);
  });

  it('refuses to disable the last admin', async () => {
    const response = await fetch(`${base}/api/v1/users/admin`, {
      method: 'PATCH',
      headers: { ...bearer(tokens.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ disabled: true }),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: string }).error).toBe('auth.last-admin');
  });
});

describe('audit log', () => {
  it('records changes with who, what and when, filterable by action prefix', async () => {
    const response = await fetch(`${base}/api/v1/audit?action=user.&limit=50`, { headers: bearer(tokens.admin) });
    expect(response.status).toBe(200);
    const { entries } = (await response.json()) as { entries: { actor: string; action: string; target: string; at: string }[] };
    const actions = entries.map((e) => `${e.actor} ${e.action} ${e.target}`);
    expect(actions).toContain('admin user.create lan.nguyen');
    expect(actions).toContain('admin user.update lan.nguyen');
    expect(actions).toContain('admin user.disable lan.nguyen');
    expect(actions).toContain('admin user.delete lan.nguyen');
    expect(entries.every((e) => e.action.startsWith('user.'))).toBe(true);
    expect(entries.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
    const all = (await (await fetch(`${base}/api/v1/audit?limit=500`, { headers: bearer(tokens.admin) })).json()) as {
      entries: { action: string; actor: string }[];
    };
    const kinds = new Set(all.entries.map((e) => e.action));
    for (const kind of ['auth.login', 'auth.logout', 'auth.login-failed', 'token.create', 'token.revoke', 'contract-test.echo'])
      expect(kinds, kind).toContain(kind);
    // A password never reaches the log.
    expect(JSON.stringify(all)).not.toContain(PASSWORD);
  });
});

describe('login rate limit', () => {
  it('trips per user name after repeated failures, even for the right password, and answers 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await login('analyst', `wrong ${i}`, strictServer.url)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const right = await login('analyst', PASSWORD, strictServer.url);
    expect(right.status).toBe(429);
    expect(right.body.error).toBe('auth.rate-limited');
  });

  it('trips per client address, and X-Forwarded-For does not get around it', async () => {
    let last = 0;
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${strictServer.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.0.${i}` },
        body: JSON.stringify({ name: `someone${i}`, password: 'guess' }),
      });
      last = response.status;
      await response.arrayBuffer();
    }
    expect(last).toBe(429);
    const admin = await login('admin', PASSWORD, strictServer.url);
    expect(admin.status).toBe(429);
    expect(server.url).not.toBe(strictServer.url);
  });
});

describe('login lockout per (user, address)', () => {
  let lockServer: RunningServer;
  const fromSecondAddress = new Agent({ localAddress: '127.0.0.2' });

  beforeAll(async () => {
    await new AuthService(testStore.store).users.create({ name: 'khoa.thu', role: 'admin', password: PASSWORD }, 'test');
    lockServer = await startServer({
      store: testStore.store,
      config,
      host: '127.0.0.1',
      port: 0,
      webRoot: false,
      // A first lock of a minute: the 20 requests cannot outlast it however slow this machine is.
      auth: { loginLimits: { perIp: { limit: 100, windowMs: 60_000 }, perUser: { limit: 5, windowMs: 60_000, firstDelayMs: 60_000 } } },
    });
  });
  afterAll(async () => {
    await lockServer?.close();
    await fromSecondAddress.close();
  });

  it('counts 20 parallel guesses before hashing: only the limit reach the password check, the rest get 429', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${lockServer.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'khoa.thu', password: `guess number ${i}` }),
        }).then(async (response) => ({ status: response.status, body: (await response.json()) as { error: string } })),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    // Evidence that only five reached the hash: one auth.login-failed row per checked password.
    const failed = await testStore.store.db
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'auth.login-failed')
      .where('target', '=', 'khoa.thu')
      .execute();
    expect(failed).toHaveLength(5);
    expect(failed.every((row) => row.actor === 'ip:127.0.0.1')).toBe(true);
    // The right password from the guessing address is refused too…
    expect((await login('khoa.thu', PASSWORD, lockServer.url)).status).toBe(429);
  });

  it('lets the same user sign in from another address, and an admin lift the lockout', async () => {
    const elsewhere = await undiciFetch(`${lockServer.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'khoa.thu', password: PASSWORD }),
      dispatcher: fromSecondAddress,
    });
    expect(elsewhere.status).toBe(200);
    await elsewhere.arrayBuffer();
    const signedIn = await testStore.store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'auth.login')
      .where('target', '=', 'khoa.thu')
      .execute();
    expect(signedIn.map((row) => JSON.parse(row.detail ?? '{}').ip)).toEqual(['127.0.0.2']);

    const viewerTry = await fetch(`${lockServer.url}/api/v1/users/khoa.thu/unlock`, {
      method: 'POST',
      headers: { ...bearer(tokens.viewer), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(viewerTry.status).toBe(403);
    const unlock = await fetch(`${lockServer.url}/api/v1/users/khoa.thu/unlock`, {
      method: 'POST',
      headers: { ...bearer(tokens.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ address: '127.0.0.1' }),
    });
    expect(await unlock.json()).toEqual({ unlocked: 1 });
    expect((await login('khoa.thu', PASSWORD, lockServer.url)).status).toBe(200);
  });
});

describe('trusted proxies', () => {
  it('honours X-Forwarded-For only from a listed proxy address', async () => {
    const proxied = await startServer({ store: testStore.store, config, host: '127.0.0.1', port: 0, webRoot: false, trustProxy: ['127.0.0.1'] });
    const fromElsewhere = new Agent({ localAddress: '127.0.0.2' });
    try {
      const attempt = async (forwardedFor: string, dispatcher?: Agent) => {
        const response = await undiciFetch(`${proxied.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
          body: JSON.stringify({ name: 'proxy.check', password: 'not the password' }),
          ...(dispatcher ? { dispatcher } : {}),
        });
        await response.arrayBuffer();
        return response.status;
      };
      expect(await attempt('10.9.9.8')).toBe(401);
      expect(await attempt('10.9.9.9', fromElsewhere)).toBe(401);
      const actors = await testStore.store.db.selectFrom('audit_log').select('actor').where('target', '=', 'proxy.check').orderBy('id').execute();
      // From the proxy (127.0.0.1) the header names the client; from 127.0.0.2 it is ignored.
      expect(actors.map((row) => row.actor)).toEqual(['ip:10.9.9.8', 'ip:127.0.0.2']);
    } finally {
      await fromElsewhere.close();
      await proxied.close();
    }
  });
});

describe('live streams end with their sign-in', () => {
  /** Open the contract's event stream; `ended` resolves with everything read once the server ends it. */
  async function openStream(url: string, headers: Record<string, string>) {
    const response = await fetch(`${url}/api/v1/contract-test/events`, { headers });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let text = '';
    const ended = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return text;
        text += Buffer.from(value).toString('utf8');
      }
    })();
    return { ended, cancel: () => reader.cancel().catch(() => undefined), read: () => text };
  }

  /** The stream's end, or 'still open' after a generous wait (the server ends it at once; this only bounds a failing test). */
  function endOf(stream: { ended: Promise<string> }): Promise<string> {
    return Promise.race([stream.ended, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 10_000))]);
  }

  async function sessionFor(name: string, on: RunningServer = server): Promise<Record<string, string>> {
    const row = await on.services.auth.users.findRowByName(name);
    const session = await on.services.auth.sessions.create(row!.id);
    return { cookie: `vigil_session=${session.secret}`, 'x-csrf-token': session.csrfToken };
  }

  it('ends when the session logs out from another request', async () => {
    const headers = await sessionFor('viewer');
    const stream = await openStream(base, { cookie: headers.cookie! });
    const out = await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers });
    expect(out.status).toBe(204);
    const text = await endOf(stream);
    await stream.cancel();
    expect(text).not.toBe('still open');
    expect(text).toContain('event: hello');
    expect(text).toContain('event: signed-out');
  });

  it('ends when an admin disables the user, for session and token streams alike; other streams stay open', async () => {
    await new AuthService(testStore.store).users.create({ name: 'stream.watcher', role: 'viewer', password: PASSWORD }, 'test');
    const { token } = await new AuthService(testStore.store).tokens.create({ name: 'board', user: 'stream.watcher' }, 'test');
    const bySession = await openStream(base, { cookie: (await sessionFor('stream.watcher')).cookie! });
    const byToken = await openStream(base, bearer(token));
    const bystander = await openStream(base, bearer(tokens.analyst));
    const disable = await fetch(`${base}/api/v1/users/stream.watcher`, {
      method: 'PATCH',
      headers: { ...bearer(tokens.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ disabled: true }),
    });
    expect(disable.status).toBe(200);
    expect(await endOf(bySession)).toContain('event: signed-out');
    expect(await endOf(byToken)).toContain('event: signed-out');
    // Re-checked on the same event, the analyst's stream is still signed in.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bystander.read()).not.toContain('signed-out');
    await Promise.all([bySession.cancel(), byToken.cancel(), bystander.cancel()]);
  });

  it('ends when the session expires, with no request in between', async () => {
    const shortLived = await startServer({
      store: testStore.store,
      config,
      host: '127.0.0.1',
      port: 0,
      webRoot: false,
      modules: [...routeModules, contractProbe],
      auth: { sessions: { idleMs: 1_500, absoluteMs: 60_000 } },
    });
    try {
      const stream = await openStream(shortLived.url, { cookie: (await sessionFor('viewer', shortLived)).cookie! });
      expect(await endOf(stream)).toContain('event: signed-out');
      await stream.cancel();
    } finally {
      await shortLived.close();
    }
  });
});

describe('contract helpers and errors', () => {
  it('validates params, query and body with zod and answers 400 request.invalid', async () => {
    const headers = { ...bearer(tokens.analyst), 'content-type': 'application/json' };
    const badBody = await fetch(`${base}/api/v1/contract-test/echo/1`, { method: 'POST', headers, body: JSON.stringify({ word: '' }) });
    expect(badBody.status).toBe(400);
    const error = (await badBody.json()) as { error: string; message: string };
    expect(error.error).toBe('request.invalid');
    expect(error.message).toContain('word');
    const badParam = await fetch(`${base}/api/v1/contract-test/echo/x`, { method: 'POST', headers, body: '{"word":"a"}' });
    expect(badParam.status).toBe(400);
    const badQuery = await fetch(`${base}/api/v1/contract-test/echo/1?times=9`, { method: 'POST', headers, body: '{"word":"a"}' });
    expect(badQuery.status).toBe(400);
    const badJson = await fetch(`${base}/api/v1/contract-test/echo/1`, { method: 'POST', headers, body: '{"word":' });
    expect(badJson.status).toBe(400);
    const notJson = await fetch(`${base}/api/v1/contract-test/echo/1`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: 'word' });
    expect(notJson.status).toBe(415);
  });

  it('maps a VigilError to its status and body, and hides unexpected errors', async () => {
    const conflict = await fetch(`${base}/api/v1/contract-test/vigil-error`, { headers: bearer(tokens.viewer) });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({ error: 'watch.monitor-exists', message: 'that clashes', hint: 'do the other thing' });
    const crash = await fetch(`${base}/api/v1/contract-test/crash`, { headers: bearer(tokens.viewer) });
    expect(crash.status).toBe(500);
    const body = await crash.text();
    expect(JSON.parse(body).error).toBe('internal');
    expect(body).not.toContain('secret internal detail');
    const shape = await fetch(`${base}/api/v1/contract-test/bad-shape`, { headers: bearer(tokens.viewer) });
    expect(shape.status).toBe(500);
    expect(((await shape.json()) as { error: string }).error).toBe('internal.response-shape');
  });

  it('sends downloads with a Vietnamese file name and raw streams', async () => {
    const file = await fetch(`${base}/api/v1/contract-test/download`, { headers: bearer(tokens.viewer) });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="Bao cao thang 11.csv"; filename*=UTF-8''${encodeURIComponent('Báo cáo tháng 11.csv')}`,
    );
    expect(await file.text()).toBe('a,b\n1,2\n');
    const stream = await fetch(`${base}/api/v1/contract-test/stream`, { headers: bearer(tokens.viewer) });
    expect(await stream.text()).toBe('one two');
  });

  it('accepts raw uploads on upload routes and bounds their size', async () => {
    const headers = { ...bearer(tokens.analyst), 'content-type': 'application/octet-stream' };
    const small = await fetch(`${base}/api/v1/contract-test/upload`, { method: 'POST', headers, body: Buffer.alloc(600, 1) });
    expect(await small.json()).toEqual({ bytes: 600 });
    const big = await fetch(`${base}/api/v1/contract-test/upload`, { method: 'POST', headers, body: Buffer.alloc(5000, 1) });
    expect(big.status).toBe(413);
    const json = await fetch(`${base}/api/v1/contract-test/upload`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });

  it('streams server-sent events with the security headers', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/v1/contract-test/events`, { headers: bearer(tokens.viewer), signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('id: id-2')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain('event: hello\ndata: {"n":1}\n\n');
    expect(text).toContain('id: id-2\nevent: hello\ndata: {"n":2}\n\n');
    // the stream's close handler runs once the client went away
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.services.openStreams.size).toBe(0);
  });
});

describe('public surface', () => {
  it('health is public and every response carries the security headers', async () => {
    for (const path of ['/api/v1/health', '/api/v1/users', '/api/v1/nothing-here']) {
      const response = await fetch(`${base}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      await response.arrayBuffer();
    }
    const health = await fetch(`${base}/api/v1/health`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });

  it('openapi.json is public and lists every registered route with its role', async () => {
    const response = await fetch(`${base}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { 'x-vigil-role': string; requestBody?: unknown }>> };
    expect(document.openapi).toBe('3.1.0');
    const fastifyRoutes = server.registeredRoutes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
    for (const route of fastifyRoutes) {
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(document.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path}`).toBeDefined();
    }
    expect(document.paths['/api/v1/users']?.post?.['x-vigil-role']).toBe('admin');
    expect(document.paths['/api/v1/users']?.post?.requestBody).toBeDefined();
    expect(document.paths['/api/v1/health']?.get?.['x-vigil-role']).toBe('public');
  });
});
