import { VigilError } from '../errors.js';
import type { Store } from '../store/store.js';
import {
  dnsMonitorSchema,
  heartbeatMonitorSchema,
  httpMonitorSchema,
  type MonitorConfig,
  type MonitorType,
  monitorId,
  monitorSchema,
  smtpMonitorSchema,
  tcpMonitorSchema,
  tlsMonitorSchema,
} from './config-schema.js';

/**
 * Monitors as the API manages them (create, read, update, delete) over `watch_monitors`.
 *
 * Monitors written in vigil.yaml are read-only here (`watch.monitor-from-config`): vigil.yaml is
 * the source of truth for them and is re-applied at every start, so an API change would silently
 * vanish at the next restart. Edit the file instead.
 *
 * An update takes a partial of the create body. Each field is first checked with the monitor
 * type's own schema made partial (clear, per-field messages), then the merged monitor is parsed
 * again with the full schema so every default and limit applies exactly as on create. The stored
 * spec holds durations in milliseconds, while the input language reads a bare number as seconds:
 * `monitorAsInput` writes them back as text ("60s", "1500ms") before the merge, so a GET → edit →
 * PATCH round trip means what it says.
 */
const MEMBER_SCHEMAS = {
  http: httpMonitorSchema,
  tcp: tcpMonitorSchema,
  dns: dnsMonitorSchema,
  tls: tlsMonitorSchema,
  smtp: smtpMonitorSchema,
  heartbeat: heartbeatMonitorSchema,
} as const;

/** Fields holding durations (parsed to ms; written back as text). */
const DURATION_FIELDS = new Set(['interval', 'timeout', 'degradedAfter', 'period', 'grace']);
/** Fields that define *what* is probed: changing one starts the monitor's state (and page baseline) afresh. */
const TARGET_FIELDS = ['url', 'host', 'port', 'recordType', 'servername', 'method', 'body', 'headers'];

export interface CatalogEntry {
  id: string;
  source: 'config' | 'api';
  enabled: boolean;
  config: MonitorConfig;
  createdAt: string;
  updatedAt: string;
}

export interface UpdateOutcome {
  entry: CatalogEntry;
  /** Names of the fields whose value changed. */
  changed: string[];
  /** A target field changed: state and defacement baseline must start afresh. */
  targetChanged: boolean;
}

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** 60000 → "1m", 1500 → "1500ms": the largest unit that divides exactly (the input language's form). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of UNITS) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** A validated monitor written back in the form vigil.yaml and the API accept. */
export function monitorAsInput(config: MonitorConfig): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, DURATION_FIELDS.has(key) && typeof value === 'number' ? formatDuration(value) : value]),
  );
}

function invalid(error: { issues: { path: PropertyKey[]; message: string }[] }): VigilError {
  return new VigilError('watch.monitor-invalid', error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; '), {
    status: 400,
    hint: 'the fields are those of a monitor in vigil.yaml (docs/watch.md)',
  });
}

export class MonitorCatalog {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<CatalogEntry> {
    const row = await this.store.db.selectFrom('watch_monitors').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new VigilError('watch.no-monitor', `no monitor ${id}`, { status: 404 });
    return {
      id: row.id,
      source: row.source,
      enabled: row.enabled === 1,
      config: JSON.parse(row.spec) as MonitorConfig,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async create(body: unknown): Promise<CatalogEntry> {
    const parsed = monitorSchema.safeParse(body);
    if (!parsed.success) throw invalid(parsed.error);
    const id = monitorId(parsed.data);
    const exists = await this.store.db.selectFrom('watch_monitors').select('id').where('id', '=', id).executeTakeFirst();
    if (exists)
      throw new VigilError('watch.monitor-exists', `a monitor with id "${id}" exists`, { status: 409, hint: 'give it another name or an explicit id' });
    const at = new Date(this.now()).toISOString();
    await this.store.db
      .insertInto('watch_monitors')
      .values({
        id,
        name: parsed.data.name,
        type: parsed.data.type,
        spec: JSON.stringify(parsed.data),
        source: 'api',
        enabled: parsed.data.enabled ? 1 : 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    return { id, source: 'api', enabled: parsed.data.enabled, config: parsed.data, createdAt: at, updatedAt: at };
  }

  /** Apply a partial create body to an API monitor. */
  async update(id: string, patch: Record<string, unknown>): Promise<UpdateOutcome> {
    const current = await this.get(id);
    this.assertEditable(current);
    const type = current.config.type;
    if (patch.type !== undefined && patch.type !== type)
      throw new VigilError('watch.monitor-type-change', `${id} is a ${type} monitor; its type cannot change to ${String(patch.type)}`, {
        status: 400,
        hint: `a ${String(patch.type)} monitor has other fields and another history: delete this one and add a new monitor`,
      });
    if (patch.id !== undefined && patch.id !== id)
      throw new VigilError('watch.monitor-id-change', `the id of ${id} cannot change (history, alerts and heartbeat tokens hang on it)`, {
        status: 400,
        hint: 'change the name instead; the id stays',
      });
    const fields = MEMBER_SCHEMAS[type as MonitorType].partial().safeParse(patch);
    if (!fields.success) throw invalid(fields.error);
    // The id is pinned so a renamed monitor keeps it.
    const merged = monitorSchema.safeParse({ ...monitorAsInput(current.config), ...patch, id, type });
    if (!merged.success) throw invalid(merged.error);
    const config = merged.data;
    const before = current.config as Record<string, unknown>;
    const after = config as Record<string, unknown>;
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
    const at = new Date(this.now()).toISOString();
    await this.store.db
      .updateTable('watch_monitors')
      .set({ name: config.name, spec: JSON.stringify(config), enabled: config.enabled ? 1 : 0, updated_at: at })
      .where('id', '=', id)
      .execute();
    return {
      entry: { ...current, config, enabled: config.enabled, updatedAt: at },
      changed: changed.filter((key) => key !== 'id' || before.id !== undefined),
      targetChanged: changed.some((key) => TARGET_FIELDS.includes(key)),
    };
  }

  async remove(id: string): Promise<void> {
    this.assertEditable(await this.get(id));
    await this.store.db.deleteFrom('watch_monitors').where('id', '=', id).execute();
  }

  private assertEditable(entry: CatalogEntry): void {
    if (entry.source === 'config')
      throw new VigilError('watch.monitor-from-config', `monitor ${entry.id} is defined in vigil.yaml and is read-only through the API`, {
        status: 409,
        hint: 'edit (or remove) it in the monitors: section of vigil.yaml, then restart vigil serve / vigil watch',
      });
  }
}
