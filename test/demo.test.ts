import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { type RunningDemo, startDemo } from '../src/demo/run.js';

describe('vigil demo', () => {
  let demo: RunningDemo;
  const lines: string[] = [];

  beforeAll(async () => {
    demo = await startDemo({
      dataDir: join(mkdtempSync(join(tmpdir(), 'vigil-demo-')), 'data'),
      host: '127.0.0.1',
      port: 0,
      adminPassword: 'demo-password-1',
      incidentAfterSeconds: 0,
      log: (line) => lines.push(line),
    });
  }, 180_000);
  afterAll(async () => demo?.stop());

  it('assesses the lab organisation and imports sample leaks before opening the dashboard', () => {
    const assessment = demo.summary.assessment as { targets: number; failedChecks: number };
    expect(assessment.targets).toBeGreaterThanOrEqual(15);
    expect(assessment.failedChecks).toBeGreaterThan(0);
    expect((demo.summary.leaks as { accounts: number }).accounts).toBeGreaterThan(0);
  });

  it('writes a vigil.yaml that means what the running demo uses (durations survive the round trip)', async () => {
    const reread = await loadConfig(demo.configFile);
    const monitor = reread.config.monitors?.[0];
    expect(monitor?.interval).toBe(15_000);
    expect(reread.config.network?.resolver).toBe(`${demo.lab.resolver.host}:${demo.lab.resolver.port}`);
    expect(reread.config.onCall?.escalation?.[1]?.after).toBe(120_000);
  });

  it('serves the dashboard and lets the printed admin sign in', async () => {
    const health = await fetch(`${demo.url}/api/v1/health`);
    expect(health.status).toBe(200);
    const login = await fetch(`${demo.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: demo.admin.name, password: demo.admin.password }),
    });
    expect(login.status).toBe(200);
    const page = await fetch(demo.url);
    expect(await page.text()).toContain('<div id="root">');
    // The roster runs over the holiday calendar: the demo's holiday is on now, someone is on shift.
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const roster = (await (await fetch(`${demo.url}/api/v1/watch/roster`, { headers: { cookie } })).json()) as {
      onDuty: { source: string; primary: { name: string } | string | null; holiday: string | null };
      holidays: { name: string }[];
    };
    expect(roster.onDuty.source).toBe('rotation');
    expect(roster.onDuty.primary).toBeTruthy();
    expect(roster.onDuty.holiday).toBe('Đợt trực lễ (demo)');
    expect(roster.holidays.map((h) => h.name)).toContain('Tết Dương lịch');
  });
});
