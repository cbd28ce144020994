import { basename } from 'node:path';
import type { Store } from '../store/store.js';
import { type AccountFilter, type AccountRow, LEAK_STATES, listAccounts } from './triage/triage.js';

/**
 * What the leak reports (PDF, XLSX) and the source detail view show: sources with their census,
 * accounts under the dashboard's filters, and per-unit progress computed from those same
 * accounts (so a filtered report's totals match its table). Masks only — the store has no password.
 */

export const UNASSIGNED = '(chưa gán / unassigned)';
export const SEVERITIES = ['stealer', 'plaintext', 'hashed', 'address'] as const;
/** States in which the account needs nothing more (the directive's "run to closure"). */
export const DONE_STATES = new Set(['remediated', 'dismissed', 'closed']);

export interface FileCensus {
  key: string;
  name: string;
  path: string;
  size: number;
  completedAt: string | null;
  bytes: number | null;
  lines: number | null;
  records: number | null;
  rejected: number | null;
  rejectedByReason: Record<string, number>;
  skipped: Record<string, number>;
  uniqueAddresses: number | null;
  uniqueAddressesEstimated: boolean;
  uniqueAddressesErrorBound: number | null;
  categories: Record<string, number | null>;
  domains: Record<string, number>;
}

export interface SourceSummary {
  id: string;
  name: string;
  title: string;
  breachDate: string | null;
  addedDate: string;
  pwnCount: number;
  orgCount: number;
  dataClasses: string[];
  flags: Record<string, boolean>;
}

export interface SourceDetail extends SourceSummary {
  files: FileCensus[];
  /** The organisation's accounts seen in this source, by triage state and by severity. */
  accountsByState: Record<string, number>;
  accountsBySeverity: Record<string, number>;
}

export interface UnitProgressRow {
  unit: string;
  states: Record<string, number>;
  total: number;
  done: number;
}

export interface LeakReport {
  filter: AccountFilter;
  sources: SourceSummary[];
  accounts: AccountRow[];
  units: UnitProgressRow[];
  bySeverity: Record<string, number>;
  byState: Record<string, number>;
  generatedAt: string;
}

type SourceRow = Awaited<ReturnType<typeof sourceRows>>[number];
const sourceRows = (store: Store) => store.db.selectFrom('leak_sources').selectAll().orderBy('added_date', 'desc').orderBy('name').execute();

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function summary(s: SourceRow): SourceSummary {
  return {
    id: s.id,
    name: s.name,
    title: s.title,
    breachDate: s.breach_date,
    addedDate: s.added_date,
    pwnCount: Number(s.pwn_count),
    orgCount: Number(s.org_count),
    dataClasses: parseJson<string[]>(s.data_classes, []),
    flags: parseJson<Record<string, boolean>>(s.flags, {}),
  };
}

export async function listSources(store: Store): Promise<(SourceSummary & { census: unknown })[]> {
  return (await sourceRows(store)).map((s) => ({ ...summary(s), census: parseJson<unknown>(s.census, null) }));
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const counts = (v: unknown): Record<string, number> =>
  v && typeof v === 'object'
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, n]) => typeof n === 'number') as [string, number][])
    : {};

/** One source with the census of each of its files (null when there is no such source). */
export async function sourceDetail(store: Store, id: string): Promise<SourceDetail | null> {
  const row = await store.db.selectFrom('leak_sources').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const census = parseJson<{ files?: Record<string, Record<string, unknown>> }>(row.census, {}).files ?? {};
  const files = await store.db.selectFrom('leak_files').selectAll().where('source_id', '=', id).orderBy('path').execute();
  const known = new Set(files.map((f) => f.file_key));
  const fileRows: FileCensus[] = [
    ...files,
    ...Object.keys(census)
      .filter((k) => !known.has(k))
      .map((k) => ({ file_key: k, path: k, size: 0, completed_at: null })),
  ].map((f) => {
    const c = census[f.file_key] ?? {};
    return {
      key: f.file_key,
      name: basename(f.path),
      path: f.path,
      size: Number(f.size),
      completedAt: f.completed_at,
      bytes: num(c.bytes),
      lines: num(c.lines),
      records: num(c.records),
      rejected: num(c.rejected),
      rejectedByReason: counts(c.rejectedByReason),
      skipped: counts(c.skipped),
      uniqueAddresses: num(c.uniqueAddresses),
      uniqueAddressesEstimated: c.uniqueAddressesEstimated === true,
      uniqueAddressesErrorBound: num(c.uniqueAddressesErrorBound),
      categories: Object.fromEntries(Object.entries((c.categories as Record<string, unknown>) ?? {}).map(([k, v]) => [k, num(v)])),
      domains: counts(c.domains),
    };
  });
  const accounts = await store.db
    .selectFrom('leak_account_sources')
    .innerJoin('leak_accounts', 'leak_accounts.email', 'leak_account_sources.email')
    .select(['leak_accounts.state', 'leak_accounts.severity'])
    .where('leak_account_sources.source_id', '=', id)
    .execute();
  const accountsByState: Record<string, number> = {};
  const accountsBySeverity: Record<string, number> = {};
  for (const a of accounts) {
    accountsByState[a.state] = (accountsByState[a.state] ?? 0) + 1;
    accountsBySeverity[a.severity] = (accountsBySeverity[a.severity] ?? 0) + 1;
  }
  return { ...summary(row), files: fileRows, accountsByState, accountsBySeverity };
}

export function unitOf(a: AccountRow): string {
  return a.assignedUnit ?? a.unit ?? UNASSIGNED;
}

/** Everything a report needs, under one filter. */
export async function buildLeakReport(store: Store, filter: AccountFilter, now = new Date()): Promise<LeakReport> {
  const [accounts, rows] = await Promise.all([listAccounts(store, filter), sourceRows(store)]);
  const sources = rows.filter((s) => !filter.source || s.name === filter.source).map(summary);
  const byUnit = new Map<string, UnitProgressRow>();
  const bySeverity: Record<string, number> = {};
  const byState: Record<string, number> = {};
  for (const a of accounts) {
    const unit = unitOf(a);
    const row = byUnit.get(unit) ?? { unit, states: Object.fromEntries(LEAK_STATES.map((s) => [s, 0])), total: 0, done: 0 };
    row.states[a.state] = (row.states[a.state] ?? 0) + 1;
    row.total++;
    if (DONE_STATES.has(a.state)) row.done++;
    byUnit.set(unit, row);
    bySeverity[a.severity] = (bySeverity[a.severity] ?? 0) + 1;
    byState[a.state] = (byState[a.state] ?? 0) + 1;
  }
  const units = [...byUnit.values()].sort((a, b) => a.unit.localeCompare(b.unit, 'vi'));
  return { filter, sources, accounts, units, bySeverity, byState, generatedAt: now.toISOString() };
}
