import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RunningLab, startLab } from '../src/lab/index.js';
import { runVigil } from './support/cli.js';

/**
 * `vigil assess …` as a user runs it: a child process against the lab, with the lab given as
 * the JSON line `vigil lab --json` prints (--lab) or as --resolver/--ca/--port-map.
 */
let lab: RunningLab;
let dir: string;
let labFile: string;

beforeAll(async () => {
  lab = await startLab();
  dir = mkdtempSync(join(tmpdir(), 'vigil-assess-cli-'));
  labFile = join(dir, 'lab.json');
  writeFileSync(labFile, `${JSON.stringify({ resolver: `${lab.resolver.host}:${lab.resolver.port}`, ca: lab.caFile, portMap: lab.portMap })}\n`);
  const full = lab.organisationConfig();
  writeFileSync(
    join(dir, 'vigil.yaml'),
    stringify({
      organisation: full.organisation,
      mail: { domains: ['vanthu-demo.gov.vn.test', 'benhvien-demo.gov.vn.test'] },
      websites: [{ url: 'https://egov.so-demo.gov.vn.test/' }],
    }),
  );
}, 60_000);

afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigil assess', () => {
  it('mail --json: the issue’s shape, exit 1 when a check fails, Vietnamese by default', async () => {
    const result = await runVigil(['assess', 'mail', 'benhvien-demo.gov.vn.test', '--lab', labFile, '--no-store', '--json'], { timeoutMs: 90_000 });
    expect(result.code, result.stderr).toBe(1);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ target: 'benhvien-demo.gov.vn.test', kind: 'mail' });
    expect(body.grade).toMatch(/^[A-F][+-]?$/);
    expect(typeof body.score).toBe('number');
    expect(typeof body.durationMs).toBe('number');
    const spf = body.checks.find((c: { id: string }) => c.id === 'mail.spf.all');
    expect(spf).toMatchObject({ status: 'fail' });
    expect(Object.keys(spf)).toEqual(expect.arrayContaining(['id', 'status', 'severity', 'title', 'detail', 'evidence', 'remediation', 'references']));
    expect(spf.remediation).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/);
  }, 120_000);

  it('web with --resolver/--ca/--port-map and --lang en; exit 0 when nothing failed', async () => {
    const result = await runVigil(
      [
        'assess',
        'web',
        'https://egov.so-demo.gov.vn.test/',
        '--resolver',
        `${lab.resolver.host}:${lab.resolver.port}`,
        '--ca',
        lab.caFile,
        '--port-map',
        JSON.stringify(lab.portMap),
        '--no-store',
        '--json',
        '--lang',
        'en',
      ],
      { timeoutMs: 90_000 },
    );
    const body = JSON.parse(result.stdout);
    const failed = body.checks.filter((c: { status: string }) => c.status === 'fail');
    expect(result.code).toBe(failed.length > 0 ? 1 : 0);
    expect(body.kind).toBe('web');
    expect(body.checks.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['web.https', 'web.tls.certificate']));
    expect(body.checks.find((c: { id: string }) => c.id === 'web.tls.certificate').status).toBe('pass');
  }, 120_000);

  it('org stores the run; runs lists it; export writes XLSX and PDF', async () => {
    const data = join(dir, 'data');
    const org = await runVigil(['--config', join(dir, 'vigil.yaml'), '--data', data, 'assess', 'org', '--lab', labFile, '--json', '--concurrency', '3'], {
      timeoutMs: 120_000,
    });
    expect([0, 1]).toContain(org.code);
    const body = JSON.parse(org.stdout);
    expect(body.organisation).toBe(lab.organisationConfig().organisation?.name);
    expect(body.targets).toHaveLength(3);
    expect(body.runId).toBeTruthy();
    const runs = await runVigil(['--data', data, 'assess', 'runs', '--json']);
    expect(JSON.parse(runs.stdout).runs[0].id).toBe(body.runId);
    for (const format of ['xlsx', 'pdf']) {
      const out = join(dir, `findings.${format}`);
      const exported = await runVigil(['--config', join(dir, 'vigil.yaml'), '--data', data, 'assess', 'export', body.runId, '--format', format, '--out', out]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(statSync(out).size).toBeGreaterThan(1000);
      // Findings name the agency's weak points: the owner only may read them.
      expect(statSync(out).mode & 0o777).toBe(0o600);
    }
  }, 180_000);

  it('a mail domain whose DNS fails is not assessed: no grade, exit 2 (it was F·0, exit 0)', async () => {
    // The lab's DNS answers SERVFAIL for everything at or below servfail.lab-hostile.test.
    const result = await runVigil(['assess', 'mail', 'servfail.lab-hostile.test', '--lab', labFile, '--no-store', '--json', '--dns-timeout', '2000'], {
      timeoutMs: 90_000,
    });
    expect(result.code, result.stderr).toBe(2);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ target: 'servfail.lab-hostile.test', assessed: false, score: null, grade: null, categories: [] });
    expect(body.checks.length).toBeGreaterThan(5);
    expect(body.checks.every((c: { status: string }) => c.status === 'error')).toBe(true);
    const text = await runVigil(['assess', 'mail', 'servfail.lab-hostile.test', '--lab', labFile, '--no-store', '--dns-timeout', '2000'], {
      timeoutMs: 90_000,
    });
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('KHÔNG ĐÁNH GIÁ ĐƯỢC');
    expect(text.stdout).not.toMatch(/\bF 0\/100/);
  }, 120_000);

  it('a website whose host is down is not assessed: exit 2, no grade (it was F for "no HTTPS")', async () => {
    const host = lab.hosts.find((h) => h.names.includes('egov.so-demo.gov.vn.test'))!;
    const web = host.services.filter((s) => s.standardPort === 80 || s.standardPort === 443);
    expect(web.length).toBeGreaterThan(0);
    for (const service of web) await lab.control.stopService(host.ip, service.standardPort);
    try {
      const result = await runVigil(['assess', 'web', 'https://egov.so-demo.gov.vn.test/', '--lab', labFile, '--no-store', '--json'], { timeoutMs: 90_000 });
      expect(result.code, result.stderr).toBe(2);
      const body = JSON.parse(result.stdout);
      expect(body).toMatchObject({ assessed: false, score: null, grade: null });
      expect(body.checks.find((c: { id: string }) => c.id === 'web.https')).toMatchObject({ status: 'error' });
      // and says why, though every probe stage ran
      expect(body.errors.join(' ')).toContain('egov.so-demo.gov.vn.test did not answer over HTTP or HTTPS');
    } finally {
      for (const service of web) await lab.control.startService(host.ip, service.standardPort);
    }
  }, 120_000);

  it('org: a target not assessed is left out of the mean and said so; the run exits 2', async () => {
    const config = join(dir, 'vigil-not-assessed.yaml');
    writeFileSync(
      config,
      stringify({
        organisation: lab.organisationConfig().organisation,
        mail: { domains: ['so-demo.gov.vn.test', 'servfail.lab-hostile.test'] },
      }),
    );
    const org = await runVigil(['--config', config, 'assess', 'org', '--lab', labFile, '--no-store', '--json', '--dns-timeout', '2000'], {
      timeoutMs: 120_000,
    });
    expect(org.code, org.stderr).toBe(2);
    const body = JSON.parse(org.stdout);
    const [good, down] = body.targets;
    expect(down).toMatchObject({ target: 'servfail.lab-hostile.test', assessed: false, grade: null, score: null });
    expect(good).toMatchObject({ target: 'so-demo.gov.vn.test', assessed: true });
    expect(typeof good.score).toBe('number');
    // the mean is the assessed target's score alone, not dragged down by a zero
    expect(body).toMatchObject({ notAssessed: 1, score: good.score });
  }, 180_000);

  it('usage errors exit 2', async () => {
    const bad = await runVigil(['assess', 'mail', 'x.test', '--resolver', 'nonsense:99999', '--no-store']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('assessment.bad-resolver');
    // the catalogue's hint, Vietnamese first, when the throw site names nothing more specific
    expect(bad.stderr).toContain('→ ghi máy chủ DNS dạng HOST:PORT, ví dụ 127.0.0.1:53 / write the DNS server as HOST:PORT');
  }, 60_000);
});
