import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { LoadedConfig } from '../config/load.js';
import { buildProbeContext } from '../config/probe-context.js';
import { configSchema, type VigilConfig } from '../config/schema.js';
import { VigilError } from '../errors.js';
import { type RunningServer, startServer } from '../http/server.js';
import { serveStarters } from '../http/starters.js';
import { type RunningLab, startLab } from '../lab/index.js';
import { AuthService } from '../services/auth/auth-service.js';
import { seedDemoLeaks } from '../leaks/demo.js';
import { runDemoAssessment } from '../services/assessment/runs.js';
import { openStore, type Store } from '../store/store.js';

/** Marks a folder that `vigil demo` made, so a later demo may wipe it and nothing else. */
const DEMO_MARKER = '.vigil-demo';

export interface DemoOptions {
  dataDir: string;
  host: string;
  port: number;
  adminPassword?: string | undefined;
  /** Seconds after start at which the lab defaces a portal and stops a service (0 = never). */
  incidentAfterSeconds: number;
  /** Progress lines for a person (stderr in the CLI). */
  log: (line: string) => void;
}

export interface RunningDemo {
  url: string;
  admin: { name: string; password: string };
  dataDir: string;
  configFile: string;
  lab: RunningLab;
  server: RunningServer;
  store: Store;
  summary: Record<string, unknown>;
  stop(): Promise<void>;
}

/** Empty the demo folder, refusing to touch a folder the demo did not make. */
function freshDataDir(dataDir: string): void {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    if (!existsSync(join(dataDir, DEMO_MARKER))) {
      throw new VigilError('demo.data-dir-in-use', `${dataDir} is not empty and was not made by vigil demo`, {
        hint: 'the demo starts from a fresh folder: pass --data with a new or empty folder (default ./vigil-demo)',
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, DEMO_MARKER), 'made by vigil demo; removed and re-created at each demo start\n');
}

/** Keys whose numbers the watch's config reads as durations (a bare number means seconds). */
const DURATION_KEYS = new Set(['interval', 'timeout', 'degradedAfter', 'period', 'grace', 'after', 'duration', 'resendInterval', 'groupWindow', 'ackLinkTtl']);

/**
 * Parsed durations are milliseconds, but vigil.yaml reads a bare number as seconds: write them
 * back as "NNNms" so the demo's vigil.yaml means what the parsed config meant.
 */
function durationsAsText(value: unknown, key = ''): unknown {
  if (typeof value === 'number' && DURATION_KEYS.has(key)) return value === 0 ? 0 : `${value}ms`;
  if (Array.isArray(value)) return value.map((item) => durationsAsText(item));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, durationsAsText(v, k)]));
  return value;
}

/** YYYY-MM-DD of an instant in Vietnam (holiday dates are local dates). */
function localDate(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

/** The demo's vigil.yaml: the lab agency, with probes pointed at the lab (network section). */
function demoConfig(lab: RunningLab, dataDir: string): VigilConfig {
  const base = lab.organisationConfig();
  const names = (base.onCall?.people ?? []).map((person) => person.name);
  const now = Date.now();
  return configSchema.parse(
    durationsAsText({
      ...base,
      // Short intervals so a newcomer sees the incident become an alert within a minute.
      monitors: (base.monitors ?? []).map((monitor) => ({ ...monitor, interval: 15_000, timeout: Math.min(monitor.timeout, 8_000) })),
      onCall: {
        ...base.onCall,
        ...(names.length
          ? {
              // The usual case: shifts only over the holiday calendar. The demo's own holiday
              // began yesterday (local date), so someone is on shift now; after it, the fallback.
              holidays: [
                { name: 'Đợt trực lễ (demo)', from: localDate(now - 86_400_000), to: localDate(now + 6 * 86_400_000) },
                { name: 'Tết Dương lịch', from: `${new Date(now).getUTCFullYear() + 1}-01-01`, to: `${new Date(now).getUTCFullYear() + 1}-01-01` },
              ],
              rotation: {
                shiftHours: 8,
                primary: names,
                secondary: names.length > 1 ? [...names.slice(1), names[0]] : [],
              },
              fallback: { primary: names[0]!, ...(names.length > 1 ? { secondary: names[1]! } : {}) },
            }
          : {}),
        // Escalate quickly in the demo: to the secondary after 2 minutes, everyone after 4.
        escalation: [
          { after: 0, notify: ['primary'] },
          { after: 120_000, notify: ['secondary'] },
          { after: 240_000, notify: ['everyone'] },
        ],
        groupWindow: 5_000,
      },
      network: {
        resolver: `${lab.resolver.host}:${lab.resolver.port}`,
        ca: [relative(dataDir, lab.caFile)],
        portMap: lab.portMap,
        dnsTimeoutMs: 1500,
        connectTimeoutMs: 4000,
      },
    }),
  );
}

/**
 * `vigil demo`: the lab organisation, a fresh store, an admin, the server with its background
 * services, and every capability run once against the lab so the dashboard opens full.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const dataDir = resolve(options.dataDir);
  freshDataDir(dataDir);
  const started = Date.now();

  options.log('• Khởi động tổ chức mô phỏng / starting the lab organisation…');
  const lab = await startLab({ dir: join(dataDir, 'lab') });
  const config = demoConfig(lab, dataDir);
  const configFile = join(dataDir, 'vigil.yaml');
  writeFileSync(
    configFile,
    `# vigil.yaml của bản demo / the demo's configuration — the lab agency on loopback\n${stringify(durationsAsText(config), { lineWidth: 0 })}`,
  );
  const loaded: LoadedConfig = { file: configFile, baseDir: dataDir, config };

  const store = await openStore({ dataDir });
  const admin = { name: 'admin', password: options.adminPassword ?? randomBytes(9).toString('base64url') };
  await new AuthService(store).users.create({ name: admin.name, role: 'admin', password: admin.password, displayName: 'Quản trị demo' }, 'demo');

  const summary: Record<string, unknown> = {};
  options.log('• Đánh giá thư điện tử và cổng thông tin / assessing mail domains and portals…');
  // The lab's network for everything the demo runs: this assessment, API-started runs, the watch.
  const ctx = buildProbeContext({ config: loaded, lab });
  const assessment = await runDemoAssessment(store, config, ctx);
  const failed = assessment.run.targets.reduce((n, t) => n + t.checks.filter((c) => c.status === 'fail').length, 0);
  summary.assessment = { runId: assessment.runId, targets: assessment.run.targets.length, grade: assessment.run.grade, failedChecks: failed };
  options.log(`  ${assessment.run.targets.length} targets, grade ${assessment.run.grade}, ${failed} failed checks`);

  options.log('• Nhập dữ liệu lộ lọt mẫu / importing sample leak dumps…');
  const leaks = await seedDemoLeaks(store, loaded);
  summary.leaks = leaks;
  options.log(`  ${leaks.sources} sources, ${leaks.accounts} of the agency's accounts found`);

  options.log('• Bắt đầu giám sát / starting the watch…');
  const server = await startServer({
    store,
    config: loaded,
    probe: ctx,
    host: options.host,
    port: options.port,
    extraStarters: serveStarters.map((starter) => starter.start),
  });

  let incidentTimer: NodeJS.Timeout | undefined;
  if (options.incidentAfterSeconds > 0) {
    incidentTimer = setTimeout(() => {
      const portal = config.websites?.find((w) => w.portal)?.url;
      if (portal) {
        lab.control.deface(portal);
        options.log(`• [demo] Cổng ${portal} vừa bị thay đổi giao diện / the lab just defaced ${portal}`);
      }
      const service = (config.monitors ?? []).find((m) => m.type === 'tcp' || m.type === 'smtp');
      if (service && 'host' in service && 'port' in service && typeof service.port === 'number') {
        lab.control
          .stopService(String(service.host), service.port)
          .then(() => options.log(`• [demo] Dịch vụ ${service.name} vừa ngừng / the lab just stopped ${service.name}`))
          .catch((error: Error) => options.log(`• [demo] could not stop ${service.name}: ${error.message}`));
      }
    }, options.incidentAfterSeconds * 1000);
    incidentTimer.unref();
  }

  summary.durationMs = Date.now() - started;
  return {
    url: server.url,
    admin,
    dataDir,
    configFile,
    lab,
    server,
    store,
    summary,
    stop: async () => {
      if (incidentTimer) clearTimeout(incidentTimer);
      await server.close();
      await store.close();
      await lab.stop();
    },
  };
}
