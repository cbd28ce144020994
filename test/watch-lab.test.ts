import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RunningLab, startLab } from '../src/lab/index.js';
import { openStore, type Store } from '../src/store/store.js';
import { monitorsSchema } from '../src/watch/config-schema.js';
import { type CheckReport, WatchService } from '../src/watch/service.js';
import { runVigil } from './support/cli.js';

/**
 * The watch against the lab organisation: real HTTPS sites behind the lab's DNS and CA, its SMTP
 * servers, its DNS zone; the lab defaces a portal, stops a service and changes an MX record.
 */
let lab: RunningLab;
let store: Store;
let service: WatchService;
let dir: string;
let clock = Date.now();
const PORTAL = 'https://www.so-demo.gov.vn.test/';

function byId(reports: CheckReport[], id: string): CheckReport {
  const report = reports.find((r) => r.id === id);
  if (!report) throw new Error(`no report for ${id}`);
  return report;
}

beforeAll(async () => {
  lab = await startLab();
  dir = mkdtempSync(join(tmpdir(), 'vigil-watch-lab-'));
  store = await openStore({ dataDir: dir });
  const mx = lab.hosts.find((h) => h.names.includes('mx.so-demo.gov.vn.test'))!;
  const relay = lab.organisationConfig().monitors!.find((m) => m.name.startsWith('SMTP relay.so-demo'));
  if (relay?.type !== 'smtp') throw new Error('the lab has no relay SMTP monitor');
  const monitors = monitorsSchema.parse([
    { id: 'portal', name: 'Cổng thông tin điện tử', type: 'http', url: PORTAL, keyword: 'Cổng thông tin' },
    { id: 'portal-json', name: 'Cổng (JSON path, absent)', type: 'http', url: PORTAL, regex: 'Lỗi hệ thống', absent: true, defacement: false },
    { id: 'portal-tls', name: 'Chứng thư cổng', type: 'tls', host: 'www.so-demo.gov.vn.test', port: 443 },
    { id: 'expired-tls', name: 'Chứng thư bệnh viện', type: 'http', url: 'https://benhvien-demo.gov.vn.test/', defacement: false },
    { id: 'mx-tcp', name: 'Máy chủ thư', type: 'tcp', host: mx.ip, port: 25 },
    { id: 'relay-smtp', name: relay.name, type: 'smtp', host: relay.host, port: relay.port, starttls: relay.starttls, banner: 'ESMTP' },
    { id: 'mx-dns', name: 'MX so-demo', type: 'dns', host: 'so-demo.gov.vn.test', recordType: 'MX', expected: ['10 mx.so-demo.gov.vn.test'] },
    { id: 'backup', name: 'Sao lưu hằng đêm', type: 'heartbeat', period: '1d', grace: '1h' },
  ]);
  service = new WatchService(store, { ...lab.probeContext(), now: () => clock }, { baselineSamples: 2, baselineGapMs: 50 });
  await service.load(monitors);
}, 60_000);

afterAll(async () => {
  await service?.close();
  await store?.close();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('watch against the lab', () => {
  it('first run: everything healthy is up, the portal baseline is taken, a bad certificate is down', async () => {
    const reports = await service.runOnce();
    expect(byId(reports, 'portal')).toMatchObject({ status: 'up', baseline: 'taken', defacement: null });
    expect(byId(reports, 'portal-json').status).toBe('up');
    expect(byId(reports, 'portal-tls').status).toBe('up');
    expect(byId(reports, 'portal-tls').detail).toMatch(/valid \d+ more day/);
    expect(byId(reports, 'expired-tls')).toMatchObject({ status: 'down' });
    expect(byId(reports, 'expired-tls').detail).toMatch(/CERT_HAS_EXPIRED/);
    expect(byId(reports, 'mx-tcp').status).toBe('up');
    expect(byId(reports, 'relay-smtp').status, byId(reports, 'relay-smtp').detail).toBe('up');
    expect(byId(reports, 'mx-dns').status).toBe('up');
    expect(byId(reports, 'backup')).toMatchObject({ status: 'up', detail: 'waiting for the first call' });
    const baseline = await store.db.selectFrom('watch_baselines').selectAll().where('monitor_id', '=', 'portal').executeTakeFirstOrThrow();
    expect(baseline.screenshot).toBeTruthy();
    expect(existsSync(join(dir, baseline.screenshot!))).toBe(true);
  }, 60_000);

  it('a defaced portal is a likely defacement, with HTML and screenshot kept', async () => {
    lab.control.deface(PORTAL);
    try {
      const report = await service.check(service.get('portal')!);
      expect(report.defacement?.level).toBe('defacement');
      expect(report.defacement?.artefacts.map((a) => a.id)).toEqual(expect.arrayContaining(['phrase.hacked-by', 'title.hacked']));
      expect(report.status).toBe('down'); // the keyword "Cổng thông tin" is gone too
      const evidence = report.defacement?.evidence;
      expect(evidence?.html && existsSync(join(dir, evidence.html))).toBe(true);
      expect(evidence?.screenshot && existsSync(join(dir, evidence.screenshot))).toBe(true);
      expect(evidence?.baselineScreenshot).toBeTruthy();
    } finally {
      lab.control.restore(PORTAL);
    }
  }, 60_000);

  it('a stopped service is down, and up again when it comes back', async () => {
    const mx = lab.hosts.find((h) => h.names.includes('mx.so-demo.gov.vn.test'))!;
    await lab.control.stopService(mx.ip, 25);
    try {
      const down = await service.check(service.get('mx-tcp')!);
      expect(down.status).toBe('down');
      expect(down.detail).toMatch(/ECONNREFUSED|timeout/);
    } finally {
      await lab.control.startService(mx.ip, 25);
    }
    expect((await service.check(service.get('mx-tcp')!)).status).toBe('up');
  }, 30_000);

  it('a changed MX record is an event, and a missing expected value is down', async () => {
    const original = lab.control.dnsRecords().filter((r) => r.type === 'MX' && r.name.replace(/\.$/, '') === 'so-demo.gov.vn.test');
    lab.control.setDnsRecords([{ name: 'so-demo.gov.vn.test', type: 'MX', data: { preference: 10, exchange: 'mail.attacker.example' } }]);
    try {
      const report = await service.check(service.get('mx-dns')!);
      expect(report.status).toBe('down');
      expect(report.event?.kind).toBe('dns-change');
      expect(report.event?.summary).toContain('+10 mail.attacker.example');
      expect(report.event?.summary).toContain('-10 mx.so-demo.gov.vn.test');
    } finally {
      lab.control.setDnsRecords(original);
    }
    const back = await service.check(service.get('mx-dns')!);
    expect(back.status).toBe('up');
    expect(back.event?.kind).toBe('dns-change');
  }, 30_000);

  it('a heartbeat is up while calls arrive in time and down when one is late', async () => {
    const backup = service.get('backup')!;
    expect(backup.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await service.recordHeartbeat('not-a-token')).toBeUndefined();
    expect((await service.recordHeartbeat(backup.token!))?.status).toBe('up');
    clock += 86_400_000 + 3_000_000; // a day and 50 minutes later: within period + grace
    expect((await service.check(backup)).status).toBe('up');
    clock += 1_200_000; // 70 minutes after the period: late
    const late = await service.check(backup);
    expect(late.status).toBe('down');
    expect(late.detail).toMatch(/late by 10 min/);
  });

  it('vigil watch --once --json prints every monitor and exits 1 when one is down', async () => {
    const config = join(dir, 'vigil.yaml');
    writeFileSync(
      config,
      stringify({
        monitors: [
          { name: 'Cổng thông tin điện tử', type: 'http', url: PORTAL, interval: '60s' },
          { name: 'Máy chủ thư', type: 'tcp', host: 'mx.so-demo.gov.vn.test', port: 25 },
        ],
      }),
    );
    const portMap = JSON.stringify(lab.portMap);
    const args = [
      '--config',
      config,
      '--data',
      join(dir, 'cli-data'),
      'watch',
      '--once',
      '--json',
      '--resolver',
      `${lab.resolver.host}:${lab.resolver.port}`,
      '--ca',
      lab.caFile,
      '--port-map',
      portMap,
    ];
    const healthy = await runVigil(args, { timeoutMs: 60_000 });
    expect(healthy.code, healthy.stderr).toBe(0);
    const first = JSON.parse(healthy.stdout) as { monitor: string; status: string; defacement: unknown; baseline?: string }[];
    expect(first.map((r) => [r.monitor, r.status])).toEqual([
      ['Cổng thông tin điện tử', 'up'],
      ['Máy chủ thư', 'up'],
    ]);
    expect(first[0]).toMatchObject({ defacement: null, baseline: 'taken' });
    lab.control.deface(PORTAL);
    try {
      const defaced = await runVigil(args, { timeoutMs: 60_000 });
      expect(defaced.code).toBe(1);
      const second = JSON.parse(defaced.stdout) as { status: string; defacement: { level: string } | null }[];
      expect(second[0]?.status).toBe('up');
      expect(second[0]?.defacement?.level).toBe('defacement');
    } finally {
      lab.control.restore(PORTAL);
    }
  }, 120_000);
});
