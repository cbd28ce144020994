import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../src/config/load.js';
import { CATEGORY_INFO, catalogueEntry } from '../src/checks/catalogue.js';
import { routeModules } from '../src/http/routes/index.js';
import { type RunningServer, startServer } from '../src/http/server.js';
import { type RunningLab, startLab } from '../src/lab/index.js';
import { AuthService } from '../src/services/auth/auth-service.js';
import { openTestStore, suiteDialect, type TestStore } from '../src/store/testing.js';

/**
 * The assessment API end to end: a real server, the lab organisation (one mail domain and one
 * site of it, to stay fast), a real job through services.jobs, then every read route.
 */
let lab: RunningLab;
let testStore: TestStore;
let server: RunningServer;
const tokens = { analyst: '', viewer: '' };

async function api<T>(path: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
  return { status: response.status, body: body as T, headers: response.headers };
}

async function runOnce(): Promise<string> {
  const started = await api<{ runId: string; jobId: string }>('/assessment/runs', tokens.analyst, { method: 'POST', body: JSON.stringify({ concurrency: 2 }) });
  expect(started.status).toBe(202);
  for (let i = 0; i < 600; i++) {
    const job = await api<{ state: string }>(`/assessment/jobs/${started.body.jobId}`, tokens.viewer);
    if (job.body.state === 'done') return started.body.runId;
    if (job.body.state === 'failed') throw new Error(`job failed: ${JSON.stringify(job.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('job did not finish');
}

beforeAll(async () => {
  lab = await startLab();
  testStore = await openTestStore(suiteDialect());
  const auth = new AuthService(testStore.store);
  for (const role of ['analyst', 'viewer'] as const) {
    await auth.users.create({ name: role, role, password: 'correct horse battery staple' }, 'test');
    tokens[role] = (await auth.tokens.create({ name: role, user: role }, 'test')).token;
  }
  const full = lab.organisationConfig();
  const config: LoadedConfig = {
    file: undefined,
    baseDir: process.cwd(),
    config: {
      organisation: full.organisation,
      mail: { domains: ['so-demo.gov.vn.test'], dkimSelectors: [], outboundIps: [] },
      websites: full.websites?.slice(0, 1),
    },
  };
  server = await startServer({
    store: testStore.store,
    config,
    host: '127.0.0.1',
    port: 0,
    webRoot: false,
    modules: routeModules,
    probe: lab.probeContext(),
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await testStore?.cleanup();
  await lab?.stop();
});

describe('assessment API', () => {
  let first: string;
  let second: string;

  it('a viewer may not start a run', async () => {
    const denied = await api<{ error: string }>('/assessment/runs', tokens.viewer, { method: 'POST', body: '{}' });
    expect(denied.status).toBe(403);
  });

  it('starts org runs as jobs and lists them', async () => {
    first = await runOnce();
    second = await runOnce();
    const runs = await api<{ runs: { id: string; status: string; targetCount: number; organisation: string }[] }>('/assessment/runs', tokens.viewer);
    expect(runs.body.runs.map((r) => r.id)).toEqual([second, first]);
    expect(runs.body.runs[0]).toMatchObject({ status: 'done', targetCount: 2, organisation: 'Sở Thông tin và Truyền thông tỉnh Demo' });
  }, 120_000);

  it('the posture at a glance: latest run with grades and worst findings', async () => {
    const latest = await api<{ run: { id: string; targets: { target: string; grade: string; worst: unknown[] }[] } }>('/assessment/runs/latest', tokens.viewer);
    expect(latest.body.run.id).toBe(second);
    expect(latest.body.run.targets.map((t) => t.target)).toEqual(['so-demo.gov.vn.test', lab.organisationConfig().websites![0]!.url]);
    for (const t of latest.body.run.targets) expect(t.grade).toMatch(/^[A-F][+-]?$/);
  });

  it('target detail with evidence and remediation, filtered by status, in both languages', async () => {
    const detail = await api<{ checks: { id: string; status: string; evidence: unknown; title: string }[] }>(
      `/assessment/runs/${second}/target?target=so-demo.gov.vn.test`,
      tokens.viewer,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.checks.length).toBeGreaterThan(0);
    expect(detail.body.checks[0]!.evidence).toBeTypeOf('object');
    const statuses = new Set(detail.body.checks.map((c) => c.status));
    const some = [...statuses][0]!;
    const filtered = await api<{ checks: { status: string }[] }>(`/assessment/runs/${second}/target?target=so-demo.gov.vn.test&status=${some}`, tokens.viewer);
    expect(filtered.body.checks.every((c) => c.status === some)).toBe(true);
    const en = await api<{ checks: { id: string; title: string }[]; categories: { category: string; title: string }[] }>(
      `/assessment/runs/${second}/target?target=so-demo.gov.vn.test&lang=en`,
      tokens.viewer,
    );
    expect(en.body.checks.map((c) => c.id).sort()).toEqual(detail.body.checks.map((c) => c.id).sort());
    // Each check and each category scored carries its catalogue title in the requested language.
    for (const c of en.body.checks) expect(c.title).toBe(catalogueEntry(c.id)?.title.en);
    expect(en.body.categories.length).toBeGreaterThan(0);
    for (const c of en.body.categories) expect(c.title).toBe(CATEGORY_INFO.find((i) => i.id === c.category)?.title.en);
    const missing = await api<{ error: string }>(`/assessment/runs/${second}/target?target=nope.test`, tokens.viewer);
    expect(missing.status).toBe(404);
  });

  it('diff since the previous run and trend', async () => {
    const diff = await api<{ previousRunId: string; newFailures: unknown[] }>(`/assessment/runs/${second}/diff?target=so-demo.gov.vn.test`, tokens.viewer);
    expect(diff.body.previousRunId).toBe(first);
    expect(Array.isArray(diff.body.newFailures)).toBe(true);
    const trend = await api<{ points: { runId: string }[] }>('/assessment/trend', tokens.viewer);
    expect(trend.body.points.map((p) => p.runId)).toEqual([first, second]);
    const targetTrend = await api<{ points: { runId: string }[] }>('/assessment/trend?target=so-demo.gov.vn.test', tokens.viewer);
    expect(targetTrend.body.points).toHaveLength(2);
  });

  it('downloads XLSX and PDF', async () => {
    const pdf = await api<Buffer>(`/assessment/runs/${second}/export?format=pdf`, tokens.viewer);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    const xlsx = await api<Buffer>(`/assessment/runs/${second}/export?format=xlsx`, tokens.viewer);
    expect(xlsx.status).toBe(200);
    expect(xlsx.body.subarray(0, 2).toString()).toBe('PK');
  });

  it('publishes the catalogue', async () => {
    const catalogue = await api<{ checks: { id: string; verifies: string; points: number | null }[]; categories: { id: string; title: string }[] }>(
      '/assessment/catalogue?lang=en',
      tokens.viewer,
    );
    expect(catalogue.body.checks.map((c) => c.id)).toContain('mail.spf.mx-authorised');
    expect(catalogue.body.checks.find((c) => c.id === 'mail.tls-rpt')?.points).toBe(2);
    expect(catalogue.body.checks.find((c) => c.id === 'web.headers.csp')?.points).toBeNull();
    expect(catalogue.body.categories.find((c) => c.id === 'mail-auth')?.title).toBe('Mail authentication');
  });
});
