import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type { Store } from '../store/store.js';
import { checkMonitor } from './check.js';
import { type MonitorConfig, monitorId } from './config-schema.js';

const MONITOR_TYPES = new Set(['http', 'tcp', 'dns', 'tls', 'smtp', 'heartbeat']);
import type { DefacementReport } from './defacement/detector.js';
import { DefacementDetector } from './defacement/detector.js';
import { Screenshotter } from './defacement/screenshot.js';
import { fetchPageAsset, probeHttp } from './monitors/http.js';
import { applyVerdict, initialState, type MonitorState, type Transition } from './state.js';
import type { MonitorStatus, Verdict, WatchProbeContext } from './types.js';

export interface WatchedMonitor {
  id: string;
  config: MonitorConfig;
  source: 'config' | 'api';
  createdAt: number;
  /** Heartbeat monitors: the token of their push URL. */
  token?: string;
}

/** One check's outcome, as `vigil watch --once --json` prints it. */
export interface CheckReport {
  monitor: string;
  id: string;
  type: MonitorConfig['type'];
  status: MonitorStatus;
  /** Status after retries/recovery (what alerts use). */
  reported: MonitorState['reported'];
  detail: string;
  responseMs: number | null;
  defacement: DefacementReport | null;
  /** The first check of a page took its defacement baseline. */
  baseline?: 'taken';
  event?: Verdict['event'];
}

export type WatchEvent =
  | { type: 'result'; monitor: WatchedMonitor; report: CheckReport; transition: Transition | null; state: MonitorState }
  | { type: 'event'; monitor: WatchedMonitor; kind: string; summary: string; detail?: unknown };

/**
 * The holiday watch as a capability: keeps the monitors (from vigil.yaml and the API), runs
 * checks, applies retries/recovery, watches pages for defacement, and writes results in batches.
 * Listeners (the alert engine, the live board) subscribe to `events`.
 */
export class WatchService {
  readonly events = new EventEmitter<{ watch: [WatchEvent] }>();
  private monitors = new Map<string, WatchedMonitor>();
  private states = new Map<string, MonitorState>();
  private pendingResults: { monitor_id: string; at: string; status: string; response_ms: number | null; detail: string | null }[] = [];
  private dirtyStates = new Set<string>();
  private readonly screenshots: Screenshotter;
  private readonly defacement: DefacementDetector;
  private heartbeatSecret: Buffer | undefined;

  constructor(
    readonly store: Store,
    readonly probe: WatchProbeContext,
    options: { baselineSamples?: number; baselineGapMs?: number } = {},
  ) {
    this.screenshots = new Screenshotter((url, limits) => fetchPageAsset(probe, url, limits));
    this.defacement = new DefacementDetector(store, this.screenshots, (monitor) => probeHttp(monitor, probe), {
      ...(options.baselineSamples ? { samples: options.baselineSamples } : {}),
      ...(options.baselineGapMs !== undefined ? { sampleGapMs: options.baselineGapMs } : {}),
    });
  }

  now(): number {
    return this.probe.now();
  }

  /** Replace the config-sourced monitors with `configured`, keep API ones; then load everything. */
  async load(configured: MonitorConfig[] = []): Promise<WatchedMonitor[]> {
    const at = new Date(this.now()).toISOString();
    const seen = new Set<string>();
    const rows = configured.map((config) => {
      const id = monitorId(config);
      if (seen.has(id)) throw new Error(`two monitors have the id "${id}"; give one of them an explicit id:`);
      seen.add(id);
      return {
        id,
        name: config.name,
        type: config.type,
        spec: JSON.stringify(config),
        source: 'config' as const,
        enabled: config.enabled ? 1 : 0,
        created_at: at,
        updated_at: at,
      };
    });
    await this.store.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('watch_monitors').select(['id', 'source']).execute();
      const stale = existing.filter((row) => row.source === 'config' && !seen.has(row.id)).map((row) => row.id);
      if (stale.length) await trx.deleteFrom('watch_monitors').where('id', 'in', stale).execute();
      for (let i = 0; i < rows.length; i += 500) {
        await trx
          .insertInto('watch_monitors')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              name: eb.ref('excluded.name'),
              type: eb.ref('excluded.type'),
              spec: eb.ref('excluded.spec'),
              source: eb.ref('excluded.source'),
              enabled: eb.ref('excluded.enabled'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    });
    return this.reload();
  }

  /** Read monitors and their state from the store (after API changes). */
  async reload(): Promise<WatchedMonitor[]> {
    this.heartbeatSecret ??= await this.store.installationSecret('heartbeat');
    const rows = await this.store.db.selectFrom('watch_monitors').selectAll().where('enabled', '=', 1).execute();
    this.monitors = new Map();
    for (const row of rows) {
      // `spec` holds the validated config (durations already in ms): parsing it again would read
      // those numbers as seconds, so it is trusted as written by load()/the API after validation.
      const config = JSON.parse(row.spec) as MonitorConfig;
      if (!config || typeof config !== 'object' || !MONITOR_TYPES.has(config.type)) continue;
      const monitor: WatchedMonitor = { id: row.id, config, source: row.source, createdAt: Date.parse(row.created_at) };
      if (config.type === 'heartbeat') monitor.token = config.token ?? this.heartbeatToken(row.id);
      this.monitors.set(row.id, monitor);
    }
    const states = await this.store.db.selectFrom('watch_state').selectAll().execute();
    for (const row of states) {
      if (this.states.has(row.monitor_id)) continue;
      this.states.set(row.monitor_id, {
        status: row.status as MonitorState['status'],
        reported: row.reported_status as MonitorState['reported'],
        failures: row.failures,
        successes: row.successes,
        detail: row.detail ?? '',
        responseMs: row.response_ms,
        checkedAt: row.checked_at ? Date.parse(row.checked_at) : null,
        changedAt: row.changed_at ? Date.parse(row.changed_at) : null,
        memory: row.memory ? JSON.parse(row.memory) : undefined,
      });
    }
    return [...this.monitors.values()];
  }

  list(): WatchedMonitor[] {
    return [...this.monitors.values()];
  }

  get(id: string): WatchedMonitor | undefined {
    return this.monitors.get(id);
  }

  state(id: string): MonitorState {
    return this.states.get(id) ?? initialState();
  }

  /** The secret part of a heartbeat monitor's push URL when the config does not give one. */
  heartbeatToken(id: string): string {
    if (!this.heartbeatSecret) throw new Error('heartbeat secret not loaded: call load() first');
    return createHmac('sha256', this.heartbeatSecret).update(`heartbeat:${id}`).digest('base64url').slice(0, 32);
  }

  /** A backup or cron job called its push URL. Returns the monitor, or undefined for an unknown token. */
  async recordHeartbeat(token: string): Promise<CheckReport | undefined> {
    const monitor = [...this.monitors.values()].find((m) => m.token !== undefined && m.token === token);
    if (!monitor) return undefined;
    const state = this.state(monitor.id);
    this.states.set(monitor.id, { ...state, memory: { ...(state.memory ?? {}), lastCallAt: this.now() } });
    return this.check(monitor);
  }

  /** Check one monitor now: probe, decide, defacement, state, event. */
  async check(monitor: WatchedMonitor): Promise<CheckReport> {
    const before = this.state(monitor.id);
    const { verdict, http } = await checkMonitor(monitor.config, this.probe, before.memory, monitor.createdAt);
    const now = this.now();
    let defacement: DefacementReport | null = null;
    let defacementEvent: WatchEvent | undefined;
    let baselineTaken = false;
    let memory = verdict.memory ?? before.memory;
    // Content checks may fail (keyword gone) exactly when a page is defaced: inspect every page that answered.
    if (monitor.config.type === 'http' && monitor.config.defacement && http && !http.error && http.status !== undefined && http.status < 400) {
      try {
        const outcome = await this.defacement.inspect(monitor.id, monitor.config, http, now);
        defacement = outcome.finding;
        baselineTaken = outcome.baselineTaken;
        const previousLevel = (before.memory?.defacementLevel as string | null | undefined) ?? null;
        memory = { ...(memory ?? {}), defacementLevel: defacement?.level ?? null };
        if ((defacement?.level ?? null) !== previousLevel) {
          defacementEvent = {
            type: 'event',
            monitor,
            kind: defacement ? 'defacement' : 'defacement-cleared',
            summary: defacement ? `${defacement.level}: ${defacement.reasons.join('; ')}` : 'page matches its baseline again',
            detail: defacement ?? undefined,
          };
        }
      } catch (error) {
        verdict.detail += ` · defacement check failed: ${(error as Error).message}`;
      }
    }
    const { state, transition } = applyVerdict(before, { ...verdict, memory }, monitor.config, now);
    this.states.set(monitor.id, state);
    // Emitted once the state holds the new level, so listeners (the live board) read it.
    if (defacementEvent) this.emit(defacementEvent);
    this.dirtyStates.add(monitor.id);
    this.pendingResults.push({
      monitor_id: monitor.id,
      at: new Date(now).toISOString(),
      status: verdict.status,
      response_ms: verdict.responseMs ?? null,
      detail: verdict.detail.slice(0, 500),
    });
    const report: CheckReport = {
      monitor: monitor.config.name,
      id: monitor.id,
      type: monitor.config.type,
      status: verdict.status,
      reported: state.reported,
      detail: verdict.detail,
      responseMs: verdict.responseMs ?? null,
      defacement,
      ...(baselineTaken ? { baseline: 'taken' as const } : {}),
      ...(verdict.event ? { event: verdict.event } : {}),
    };
    this.emit({ type: 'result', monitor, report, transition, state });
    if (verdict.event) this.emit({ type: 'event', monitor, kind: verdict.event.kind, summary: verdict.event.summary, detail: verdict.event.detail });
    return report;
  }

  private emit(event: WatchEvent): void {
    try {
      this.events.emit('watch', event);
    } catch {
      // a failing listener must never stop the watch
    }
  }

  /** Run every monitor once (bounded concurrency), flush, and return the reports in config order. */
  async runOnce(options: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<CheckReport[]> {
    const monitors = this.list();
    const reports: CheckReport[] = new Array(monitors.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < monitors.length) {
        const i = next++;
        reports[i] = await this.check(monitors[i]!);
        options.onProgress?.(++done, monitors.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 32, monitors.length) }, worker));
    await this.flush();
    return reports;
  }

  /** Write buffered results and changed states in one transaction (batched: 10,000 monitors, one write a second). */
  async flush(): Promise<number> {
    const results = this.pendingResults;
    const dirty = [...this.dirtyStates];
    this.pendingResults = [];
    this.dirtyStates = new Set();
    if (results.length === 0 && dirty.length === 0) return 0;
    const stateRows = dirty.map((id) => {
      const s = this.states.get(id)!;
      return {
        monitor_id: id,
        status: s.status,
        reported_status: s.reported,
        failures: s.failures,
        successes: s.successes,
        detail: s.detail.slice(0, 500),
        response_ms: s.responseMs,
        checked_at: s.checkedAt ? new Date(s.checkedAt).toISOString() : null,
        changed_at: s.changedAt ? new Date(s.changedAt).toISOString() : null,
        memory: s.memory ? JSON.stringify(s.memory) : null,
      };
    });
    await this.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < results.length; i += 1_000)
        await trx
          .insertInto('watch_results')
          .values(results.slice(i, i + 1_000))
          .execute();
      for (let i = 0; i < stateRows.length; i += 500) {
        await trx
          .insertInto('watch_state')
          .values(stateRows.slice(i, i + 500))
          .onConflict((oc) =>
            oc.column('monitor_id').doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              reported_status: eb.ref('excluded.reported_status'),
              failures: eb.ref('excluded.failures'),
              successes: eb.ref('excluded.successes'),
              detail: eb.ref('excluded.detail'),
              response_ms: eb.ref('excluded.response_ms'),
              checked_at: eb.ref('excluded.checked_at'),
              changed_at: eb.ref('excluded.changed_at'),
              memory: eb.ref('excluded.memory'),
            })),
          )
          .execute();
      }
    });
    return results.length;
  }

  /** "Accept as new baseline": learn the page again from fresh fetches. */
  async acceptBaseline(id: string, actor: string): Promise<void> {
    const monitor = this.monitors.get(id);
    if (!monitor || monitor.config.type !== 'http') throw new Error(`no http monitor ${id}`);
    await this.defacement.takeBaseline(id, monitor.config, undefined, this.now());
    const state = this.state(id);
    this.states.set(id, { ...state, memory: { ...(state.memory ?? {}), defacementLevel: null } });
    this.dirtyStates.add(id);
    await this.store.audit(actor, 'watch.baseline.accept', id);
    this.emit({ type: 'event', monitor, kind: 'defacement-cleared', summary: 'new baseline accepted' });
  }

  /**
   * Start a monitor afresh after what it probes changed (or it was removed): its state, memory
   * (last DNS answer, TLS threshold) and defacement baseline go; its result history stays.
   */
  async forget(id: string): Promise<void> {
    this.states.delete(id);
    this.dirtyStates.delete(id);
    await this.store.db.deleteFrom('watch_state').where('monitor_id', '=', id).execute();
    await this.store.db.deleteFrom('watch_baselines').where('monitor_id', '=', id).execute();
  }

  /** Counts by reported status, for the board's header. */
  summary(): Record<string, number> {
    const counts: Record<string, number> = { up: 0, degraded: 0, down: 0, pending: 0 };
    for (const id of this.monitors.keys()) counts[this.state(id).reported] = (counts[this.state(id).reported] ?? 0) + 1;
    return counts;
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.screenshots.close();
    const { closeHttpAgent } = await import('./monitors/http.js');
    await closeHttpAgent(this.probe);
  }
}

/** Raw size of the watch tables (for the DB-growth figures). */
export async function watchTableCounts(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['watch_results', 'watch_rollups', 'watch_state'] as const) {
    const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
    out[table] = Number(row.rows[0]?.n ?? 0);
  }
  return out;
}
