import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { routeModules } from '../src/http/routes/index.js';
import { leaksRoutes } from '../src/http/routes/leaks.js';
import { type RunningServer, startServer } from '../src/http/server.js';
import { buildLeakReport } from '../src/leaks/report-model.js';
import { emailsUnder } from '../src/leaks/triage/triage.js';
import { AuthService } from '../src/services/auth/auth-service.js';
import { openTestStore, type TestStore, testDialects } from '../src/store/testing.js';
import { expectedOrder, SEED_SOURCES, SEED_UNITS, type SeededAccount, seedAccounts } from './leaks-paging-fixture.js';

interface Page {
  total: number;
  limit: number;
  sort: string;
  order: string;
  nextCursor: string | null;
  accounts: { email: string; state: string; severity: string; unit: string | null; assignedUnit: string | null; staffName: string | null; sources: string[] }[];
}

const COUNT = 1_234;

describe.each(testDialects())('GET /leaks/accounts paging (%s)', (dialect) => {
  let dir: string;
  let testStore: TestStore;
  let server: RunningServer;
  let token = '';
  let analyst = '';
  let seeded: SeededAccount[];

  async function get<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** Every page under the query, following nextCursor. */
  async function allPages(query: Record<string, string>): Promise<Page[]> {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const params: URLSearchParams = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
      const { status, body }: { status: number; body: Page } = await get<Page>(`/leaks/accounts?${params}`);
      expect(status).toBe(200);
      pages.push(body);
      cursor = body.nextCursor;
      expect(pages.length).toBeLessThan(COUNT + 2);
    } while (cursor);
    return pages;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-paging-'));
    testStore = await openTestStore(dialect);
    seeded = await seedAccounts(testStore.store, COUNT);
    const auth = new AuthService(testStore.store);
    await auth.users.create({ name: 'viewer', role: 'viewer', password: 'correct horse battery staple' }, 'test');
    token = (await auth.tokens.create({ name: 'viewer', user: 'viewer' }, 'test')).token;
    await auth.users.create({ name: 'analyst', role: 'analyst', password: 'correct horse battery staple' }, 'test');
    analyst = (await auth.tokens.create({ name: 'analyst', user: 'analyst' }, 'test')).token;
    const config: LoadedConfig = {
      file: undefined,
      baseDir: dir,
      config: { organisation: { name: 'Lab', parent: 'Lab' }, mail: { domains: ['lab.gov.vn'], dkimSelectors: [], outboundIps: [] } },
    };
    server = await startServer({
      store: testStore.store,
      config,
      host: '127.0.0.1',
      port: 0,
      webRoot: false,
      modules: routeModules.includes(leaksRoutes) ? routeModules : [...routeModules, leaksRoutes],
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await testStore?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('covers every account exactly once, in the promised order, for each sort and order', async () => {
    for (const sort of ['severity', 'state', 'email', 'person', 'lastSeen']) {
      for (const order of ['asc', 'desc']) {
        const pages = await allPages({ sort, order, limit: '97' });
        expect(pages.length).toBe(Math.ceil(COUNT / 97));
        for (const page of pages) {
          expect(page.total).toBe(COUNT);
          expect(page).toMatchObject({ limit: 97, sort, order });
        }
        expect(pages.slice(0, -1).every((p) => p.accounts.length === 97)).toBe(true);
        const emails = pages.flatMap((p) => p.accounts.map((a) => a.email));
        expect(new Set(emails).size).toBe(COUNT);
        expect(emails, `${sort} ${order}`).toEqual(expectedOrder(seeded, sort, order === 'desc'));
      }
    }
  }, 60_000);

  it('defaults to 100 rows, severity first, and gives each row its sources', async () => {
    const { body } = await get<Page>('/leaks/accounts');
    expect(body).toMatchObject({ total: COUNT, limit: 100, sort: 'severity', order: 'desc' });
    expect(body.accounts).toHaveLength(100);
    expect(body.accounts.map((a) => a.email)).toEqual(expectedOrder(seeded, 'severity', true).slice(0, 100));
    const bySeed = new Map(seeded.map((a) => [a.email, a]));
    for (const a of body.accounts) expect(a.sources).toEqual([...bySeed.get(a.email)!.sources].sort());
  });

  it('counts the total under every filter and pages within it', async () => {
    const cases: [Record<string, string>, (a: SeededAccount) => boolean][] = [
      [{ state: 'notified' }, (a) => a.state === 'notified'],
      [{ severity: 'stealer' }, (a) => a.severity === 'stealer'],
      [{ unit: SEED_UNITS[1]! }, (a) => a.unit === SEED_UNITS[1] || a.assignedUnit === SEED_UNITS[1]],
      [{ source: SEED_SOURCES[1]! }, (a) => a.sources.includes(SEED_SOURCES[1]!)],
      [{ text: 'BINH.' }, (a) => a.email.startsWith('binh.')],
      [{ text: 'văn cường' }, (a) => (a.staffName ?? '').toLowerCase().includes('văn cường')],
      [{ text: '%' }, () => false],
      // Vietnamese capitals fold on SQLite too (Đ → đ).
      [{ text: 'ĐẶNG văn' }, (a) => (a.staffName ?? '').toLowerCase().includes('đặng văn')],
      [
        { state: 'detected', severity: 'plaintext', source: SEED_SOURCES[0]! },
        (a) => a.state === 'detected' && a.severity === 'plaintext' && a.sources.includes(SEED_SOURCES[0]!),
      ],
    ];
    for (const [filter, matches] of cases) {
      const want = seeded.filter(matches);
      const pages = await allPages({ ...filter, limit: '50', sort: 'email' });
      expect(pages[0]!.total, JSON.stringify(filter)).toBe(want.length);
      expect(pages.flatMap((p) => p.accounts.map((a) => a.email))).toEqual(expectedOrder(want, 'email', false));
      // The exports take every account under the same filters, not one page.
      expect((await buildLeakReport(testStore.store, filter)).accounts.length).toBe(want.length);
    }
    expect(seeded.filter((a) => (a.staffName ?? '').startsWith('Đặng')).length).toBeGreaterThan(0);
  });

  it('refuses a limit out of bounds and a foreign or forged cursor with stable error ids', async () => {
    for (const limit of ['0', '1001', '-5', '2.5', 'many']) {
      const { status, body } = await get<{ error: string }>(`/leaks/accounts?limit=${limit}`);
      expect(status, limit).toBe(400);
      expect(body.error).toBe('request.invalid');
    }
    expect((await get<Page>('/leaks/accounts?limit=1000')).body.accounts).toHaveLength(1000);
    expect((await get<Page>('/leaks/accounts?limit=1')).body.accounts).toHaveLength(1);
    const first = await get<Page>('/leaks/accounts?sort=email&limit=10');
    const foreign = await get<{ error: string }>(`/leaks/accounts?sort=state&limit=10&cursor=${first.body.nextCursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toBe('leaks.bad-cursor');
    for (const forged of ['not-a-cursor', Buffer.from('{"s":"email","d":false,"k":[],"e":1}').toString('base64url')]) {
      const { status, body } = await get<{ error: string }>(`/leaks/accounts?sort=email&cursor=${forged}`);
      expect(status).toBe(400);
      expect(body.error).toBe('leaks.bad-cursor');
    }
  });

  it('acts on every account under a filter server-side, refusing a changed list, a mixed target and too many', async () => {
    const post = async <T>(path: string, body: unknown) => {
      const response = await fetch(`${server.url}/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    };
    const filter = { severity: 'stealer', state: 'detected' };
    const want = seeded.filter((a) => a.severity === 'stealer' && a.state === 'detected').map((a) => a.email);
    expect(want.length).toBeGreaterThan(20);
    const stale = await post<{ error: string }>('/leaks/accounts/state', { filter, expectTotal: want.length + 1, state: 'notified' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('leaks.bulk-changed');
    expect((await get<Page>('/leaks/accounts?severity=stealer&state=detected')).body.total).toBe(want.length);
    for (const mixed of [{ state: 'notified' }, { filter, emails: [want[0]], state: 'notified' }]) {
      const refused = await post<{ error: string }>('/leaks/accounts/state', mixed);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('leaks.bulk-target');
    }
    const moved = await post<{ changed: string[] }>('/leaks/accounts/state', { filter, expectTotal: want.length, state: 'notified' });
    expect(moved.status).toBe(200);
    expect(moved.body.changed.sort()).toEqual([...want].sort());
    expect((await get<Page>('/leaks/accounts?severity=stealer&state=detected')).body.total).toBe(0);
    for (const a of seeded) if (want.includes(a.email)) a.state = 'notified';
    // Assign by filter (the text search included).
    const hoa = seeded.filter((a) => a.email.startsWith('hoa.') && a.severity === 'address');
    const assigned = await post<{ assigned: number }>('/leaks/accounts/assign', { filter: { text: 'hoa.', severity: 'address' }, unit: 'Thanh tra' });
    expect(assigned.body.assigned).toBe(hoa.length);
    expect((await get<Page>(`/leaks/accounts?unit=${encodeURIComponent('Thanh tra')}`)).body.total).toBe(hoa.length);
    // More than the bound under the filter: nothing is done.
    expect(await emailsUnder(testStore.store, {}, COUNT - 1)).toBeNull();
    expect(await emailsUnder(testStore.store, {}, COUNT)).toHaveLength(COUNT);
  });

  it('documents the paging in the OpenAPI schema of the route', async () => {
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    const doc = JSON.stringify(await response.json());
    for (const word of ['nextCursor', 'cursor', 'limit', 'total', 'lastSeen', 'leaks.bad-cursor', 'expectTotal', 'leaks.bulk-changed'])
      expect(doc).toContain(word);
  });
});
