import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../src/demo/run.js';

/**
 * `vigil demo`: an assessment started through the API (what "Chạy đánh giá" does) runs with the
 * lab's resolver, CA and port map — before, it used a default context and every target got F·0.
 */
let demo: RunningDemo;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vigil-network-demo-'));
  demo = await startDemo({
    dataDir: join(root, 'data'),
    host: '127.0.0.1',
    port: 0,
    adminPassword: 'demo-password-1',
    incidentAfterSeconds: 0,
    log: () => {},
  });
}, 240_000);

afterAll(async () => {
  await demo?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('vigil demo: API-started assessments', () => {
  it('the server’s probe settings are the lab’s (resolver, CA, port map, loopback in scope)', () => {
    const probe = demo.server.services.probe;
    expect(probe.resolver).toEqual(demo.lab.resolver);
    expect(probe.extraCaPem).toContain(demo.lab.caPem);
    expect(probe.portMap).toMatchObject(demo.lab.portMap);
    expect(probe.scope?.allowsAddress('127.0.10.10')).toBe(true);
    expect(probe.scope?.allowsHost(`www.${demo.lab.domains[0]}`)).toBe(true);
  });

  it('a run started through the API grades the lab agency, not F·0 everywhere', async () => {
    const login = await fetch(`${demo.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: demo.admin.name, password: demo.admin.password }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const started = await fetch(`${demo.url}/api/v1/assessment/runs`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ concurrency: 4 }),
    });
    expect(started.status, await started.clone().text()).toBe(202);
    const { runId, jobId } = (await started.json()) as { runId: string; jobId: string };
    for (let i = 0; i < 600; i++) {
      const job = (await (await fetch(`${demo.url}/api/v1/assessment/jobs/${jobId}`, { headers: { cookie } })).json()) as { state: string };
      if (job.state === 'done' || job.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const run = (await (await fetch(`${demo.url}/api/v1/assessment/runs/${runId}`, { headers: { cookie } })).json()) as {
      status: string;
      targets: { target: string; grade: string; score: number }[];
    };
    expect(run.status).toBe('done');
    expect(run.targets.length).toBeGreaterThanOrEqual(15);
    const graded = run.targets.filter((t) => t.grade !== 'F');
    expect(graded.length).toBeGreaterThan(run.targets.length / 2);
    expect(run.targets.find((t) => t.target === 'so-demo.gov.vn.test')?.grade).not.toBe('F');
  }, 400_000);
});
