import { type RawBuilder, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { VigilError } from '../../errors.js';
import type { Database, LeakAccountsTable } from '../../store/schema.js';
import type { Store } from '../../store/store.js';

import { LEAK_STATES, type LeakState } from './states.js';

export { LEAK_STATES, type LeakState };

const NEXT: Record<LeakState, LeakState[]> = {
  detected: ['notified', 'reset_requested', 'remediated', 'dismissed', 'confirmed_compromised'],
  notified: ['reset_requested', 'remediated', 'dismissed', 'confirmed_compromised'],
  reset_requested: ['notified', 'remediated', 'dismissed', 'confirmed_compromised'],
  remediated: ['closed', 'confirmed_compromised'],
  dismissed: ['closed', 'detected'],
  confirmed_compromised: ['remediated', 'closed'],
  closed: ['detected'],
};

export const STATE_LABELS: Record<LeakState, { vi: string; en: string }> = {
  detected: { vi: 'Phát hiện', en: 'Detected' },
  notified: { vi: 'Đã thông báo', en: 'Notified' },
  reset_requested: { vi: 'Đã yêu cầu đổi mật khẩu', en: 'Reset requested' },
  remediated: { vi: 'Đã khắc phục', en: 'Remediated' },
  dismissed: { vi: 'Bỏ qua', en: 'Dismissed' },
  confirmed_compromised: { vi: 'Xác nhận bị chiếm', en: 'Confirmed compromised' },
  closed: { vi: 'Đã đóng', en: 'Closed' },
};

export function isLeakState(value: string): value is LeakState {
  return (LEAK_STATES as readonly string[]).includes(value);
}

export function canMove(from: LeakState, to: LeakState): boolean {
  return NEXT[from].includes(to);
}

export interface TransitionResult {
  changed: string[];
  unchanged: string[];
  refused: { email: string; from: string; reason: string }[];
}

/**
 * Move accounts to a new state (bulk). Each move is checked against the lifecycle, written to
 * the history table with who and when, and to the audit log. Moving to the current state is a
 * no-op; an illegal move is refused (reported, not thrown) so a bulk action does what it can.
 */
export async function setState(store: Store, emails: string[], to: string, actor: string, note?: string, now = new Date()): Promise<TransitionResult> {
  if (!isLeakState(to)) {
    throw new VigilError('leaks.bad-state', `unknown state "${to}"`, { hint: `one of: ${LEAK_STATES.join(', ')}` });
  }
  const at = now.toISOString();
  const result: TransitionResult = { changed: [], unchanged: [], refused: [] };
  await store.db.transaction().execute(async (trx) => {
    for (const email of emails.map((e) => e.trim().toLowerCase())) {
      const row = await trx.selectFrom('leak_accounts').select(['state']).where('email', '=', email).executeTakeFirst();
      if (!row) {
        result.refused.push({ email, from: '', reason: 'unknown account' });
        continue;
      }
      const from = row.state as LeakState;
      if (from === to) {
        result.unchanged.push(email);
        continue;
      }
      if (!canMove(from, to)) {
        result.refused.push({ email, from, reason: `${from} → ${to} is not a step of the lifecycle` });
        continue;
      }
      await trx.updateTable('leak_accounts').set({ state: to, state_changed_at: at }).where('email', '=', email).execute();
      await trx
        .insertInto('leak_state_history')
        .values({ email, from_state: from, to_state: to, actor, at, note: note ?? null })
        .execute();
      await trx
        .insertInto('audit_log')
        .values({ at, actor, action: 'leaks.set-state', target: email, detail: JSON.stringify({ from, to, note: note ?? null }) })
        .execute();
      result.changed.push(email);
    }
  });
  return result;
}

/** Assign accounts to a unit (the one responsible for following them up). */
export async function assignUnit(store: Store, emails: string[], unit: string, actor: string): Promise<number> {
  const list = emails.map((e) => e.trim().toLowerCase());
  if (list.length === 0) return 0;
  const res = await store.db.updateTable('leak_accounts').set({ assigned_unit: unit }).where('email', 'in', list).executeTakeFirst();
  await store.audit(actor, 'leaks.assign-unit', unit, { emails: list });
  return Number(res.numUpdatedRows);
}

export interface AccountFilter {
  state?: string;
  unit?: string;
  severity?: string;
  source?: string;
  /** Part of the address or of the person's name (case-insensitive, Vietnamese letters included). */
  text?: string;
  limit?: number;
}

export interface AccountRow {
  email: string;
  orgDomain: string;
  staffName: string | null;
  unit: string | null;
  assignedUnit: string | null;
  state: string;
  severity: string;
  passwordKind: string;
  passwordMask: string | null;
  firstSeen: string;
  lastSeen: string;
  sources: string[];
}

/** The unit of an account that has none (the same label as the reports and the chart). */
const UNASSIGNED_UNIT = '(chưa gán / unassigned)';

type AccountQuery = SelectQueryBuilder<Database, 'leak_accounts', object>;

/** LIKE pattern for "contains": the user's %, _ and \ are literal (ESCAPE '\'). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * SQLite's lower() folds ASCII only, so "đặng" would not find "Đặng": on SQLite the names are
 * folded by a JavaScript function registered on the connection (once per store), as PostgreSQL's
 * lower() does natively.
 */
const foldRegistered = new WeakSet<object>();
function foldedName(store: Store): RawBuilder<string> {
  const sqlite = store.sqlite;
  if (!sqlite) return sql<string>`lower(coalesce(leak_accounts.staff_name, ''))`;
  if (!foldRegistered.has(sqlite)) {
    sqlite.function('vigil_fold_case', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : ''));
    foldRegistered.add(sqlite);
  }
  return sql<string>`vigil_fold_case(leak_accounts.staff_name)`;
}

/** The listing's filters as WHERE clauses: the same for a page, its total and the exports. */
function applyFilter<Q extends AccountQuery>(store: Store, query: Q, filter: AccountFilter): Q {
  let q = query as AccountQuery;
  if (filter.state) q = q.where('leak_accounts.state', '=', filter.state);
  if (filter.unit) {
    const unit = filter.unit;
    q = q.where((eb) => eb.or([eb('leak_accounts.unit', '=', unit), eb('leak_accounts.assigned_unit', '=', unit)]));
  }
  if (filter.severity) q = q.where('leak_accounts.severity', '=', filter.severity);
  if (filter.source) {
    const source = filter.source;
    q = q.where('leak_accounts.email', 'in', (eb) =>
      eb
        .selectFrom('leak_account_sources')
        .innerJoin('leak_sources', 'leak_sources.id', 'leak_account_sources.source_id')
        .select('leak_account_sources.email')
        .where('leak_sources.name', '=', source),
    );
  }
  const text = filter.text?.trim().toLowerCase();
  if (text) {
    const pattern = containsPattern(text);
    // Addresses are stored in lower case; names are case-folded on both dialects (foldedName).
    const name = foldedName(store);
    q = q.where((eb) => eb.or([sql<boolean>`leak_accounts.email like ${pattern} escape '\\'`, sql<boolean>`${name} like ${pattern} escape '\\'`]));
  }
  return q as Q;
}

/** Source names per address, for the given addresses only (chunked: bounded parameter lists). */
async function sourcesOf(store: Store, emails: string[] | 'all'): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const base = () =>
    store.db
      .selectFrom('leak_account_sources')
      .innerJoin('leak_sources', 'leak_sources.id', 'leak_account_sources.source_id')
      .select(['leak_account_sources.email', 'leak_sources.name']);
  const chunks = emails === 'all' ? [null] : Array.from({ length: Math.ceil(emails.length / 500) }, (_, i) => emails.slice(i * 500, (i + 1) * 500));
  for (const chunk of chunks) {
    if (chunk && chunk.length === 0) continue;
    const pairs = await (chunk ? base().where('leak_account_sources.email', 'in', chunk) : base()).execute();
    for (const p of pairs) out.set(p.email, [...(out.get(p.email) ?? []), p.name]);
  }
  for (const list of out.values()) list.sort();
  return out;
}

function accountRow(r: Selectable<LeakAccountsTable>, sources: Map<string, string[]>): AccountRow {
  return {
    email: r.email,
    orgDomain: r.org_domain,
    staffName: r.staff_name,
    unit: r.unit,
    assignedUnit: r.assigned_unit,
    state: r.state,
    severity: r.severity,
    passwordKind: r.password_kind,
    passwordMask: r.password_mask,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    sources: sources.get(r.email) ?? [],
  };
}

/** Every matching account (CLI, exports, demo): severity first, then address. */
export async function listAccounts(store: Store, filter: AccountFilter = {}): Promise<AccountRow[]> {
  const rows = await applyFilter(store, store.db.selectFrom('leak_accounts').selectAll(), filter)
    .orderBy('severity_rank', 'desc')
    .orderBy('email')
    .limit(filter.limit ?? 100_000)
    .execute();
  const sources = await sourcesOf(store, rows.length > 2_000 ? 'all' : rows.map((r) => r.email));
  return rows.map((r) => accountRow(r, sources));
}

/** Most accounts one bulk action may touch (by list or by filter). */
export const BULK_MAX = 10_000;

/** Every address under the filters (a bulk action's target), or null when there are more than `max`. */
export async function emailsUnder(store: Store, filter: AccountFilter, max = BULK_MAX): Promise<string[] | null> {
  const rows = await applyFilter(store, store.db.selectFrom('leak_accounts').select('leak_accounts.email'), filter)
    .orderBy('leak_accounts.email')
    .limit(max + 1)
    .execute();
  return rows.length > max ? null : rows.map((r) => r.email);
}

/** The columns the accounts page sorts by. */
export const ACCOUNT_SORTS = ['severity', 'state', 'email', 'person', 'lastSeen'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];
export const ACCOUNT_PAGE_DEFAULT = 100;
export const ACCOUNT_PAGE_MAX = 1_000;

/** Lifecycle position of the state (the page sorts states in lifecycle order, not by name). */
const STATE_ORDER = sql<number>`case leak_accounts.state ${sql.join(
  LEAK_STATES.map((s, i) => sql`when ${sql.lit(s)} then ${sql.lit(i)}`),
  sql` `,
)} else ${sql.lit(LEAK_STATES.length)} end`;

/**
 * The sort keys of each sort, before the address that breaks ties (the address alone for
 * `email`). Every key is non-null so "=" and "<" in the keyset condition mean what ORDER BY means.
 */
const SORT_KEYS: Record<AccountSort, RawBuilder<unknown>[]> = {
  severity: [sql`leak_accounts.severity_rank`],
  state: [STATE_ORDER],
  email: [],
  person: [sql`coalesce(leak_accounts.assigned_unit, leak_accounts.unit, ${UNASSIGNED_UNIT})`, sql`coalesce(leak_accounts.staff_name, '')`],
  lastSeen: [sql`leak_accounts.last_seen`],
};

export interface AccountPageRequest {
  filter: AccountFilter;
  sort: AccountSort;
  descending: boolean;
  limit: number;
  /** From the previous page's `nextCursor`; absent for the first page. */
  cursor?: string | undefined;
}

export interface AccountPage {
  /** Accounts under the filters (all pages). */
  total: number;
  accounts: AccountRow[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

interface Cursor {
  s: AccountSort;
  d: boolean;
  k: (string | number)[];
  e: string;
}

function badCursor(why: string): VigilError {
  return new VigilError('leaks.bad-cursor', `the cursor is not one this listing gave out (${why})`, {
    hint: 'start again without cursor, with the same sort and order as the page that gave it',
  });
}

function decodeCursor(text: string, sort: AccountSort, descending: boolean): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('not base64url JSON');
  }
  const c = parsed as Partial<Cursor>;
  const keys = SORT_KEYS[sort].length;
  if (
    !c ||
    typeof c !== 'object' ||
    typeof c.e !== 'string' ||
    !Array.isArray(c.k) ||
    c.k.length !== keys ||
    !c.k.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  )
    throw badCursor('malformed');
  if (c.s !== sort || c.d !== descending) throw badCursor(`it was made for sort=${String(c.s)} ${c.d ? 'desc' : 'asc'}`);
  return c as Cursor;
}

/**
 * One page of accounts under the filters, sorted on the server, with the total. Keyset paging:
 * the cursor holds the last row's sort keys and address, and the next page starts strictly after
 * them, so concurrent triage (an account changing state) never makes a page repeat or skip rows
 * the way OFFSET would, and a deep page costs what the first does.
 */
export async function pageAccounts(store: Store, request: AccountPageRequest): Promise<AccountPage> {
  const { filter, sort, descending } = request;
  const limit = Math.min(Math.max(1, Math.trunc(request.limit)), ACCOUNT_PAGE_MAX);
  const keys = SORT_KEYS[sort];
  // The address breaks ties ascending, except when it is the sort itself.
  const order: { key: RawBuilder<unknown>; descending: boolean }[] = [
    ...keys.map((key) => ({ key, descending })),
    { key: sql`leak_accounts.email`, descending: sort === 'email' && descending },
  ];
  const totalRow = await applyFilter(store, store.db.selectFrom('leak_accounts'), filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  let q = applyFilter(
    store,
    store.db
      .selectFrom('leak_accounts')
      .selectAll('leak_accounts')
      .select(keys.map((key, i) => key.as(`sort_key_${i}`))),
    filter,
  );
  if (request.cursor) {
    const cursor = decodeCursor(request.cursor, sort, descending);
    const values: unknown[] = [...cursor.k, cursor.e];
    // (k0 after v0) or (k0 = v0 and k1 after v1) or … — the row-value comparison, spelled out
    // because the directions can differ (the address is ascending under a descending sort).
    q = q.where(({ or, and }) =>
      or(
        order.map((o, i) =>
          and([
            ...order.slice(0, i).map((p, j) => sql<boolean>`${p.key} = ${values[j]}`),
            o.descending ? sql<boolean>`${o.key} < ${values[i]}` : sql<boolean>`${o.key} > ${values[i]}`,
          ]),
        ),
      ),
    );
  }
  for (const o of order) q = q.orderBy(o.key, o.descending ? 'desc' : 'asc');
  const rows = (await q.limit(limit + 1).execute()) as (Selectable<LeakAccountsTable> & Record<string, unknown>)[];
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  const nextCursor =
    more && last
      ? Buffer.from(
          JSON.stringify({ s: sort, d: descending, k: keys.map((_, i) => cursorValue(last[`sort_key_${i}`])), e: last.email } satisfies Cursor),
        ).toString('base64url')
      : null;
  const sources = await sourcesOf(
    store,
    shown.map((r) => r.email),
  );
  return { total: Number(totalRow.n), accounts: shown.map((r) => accountRow(r, sources)), nextCursor };
}

/** A sort key as the driver returned it (PostgreSQL may give integers as strings): JSON-safe. */
function cursorValue(value: unknown): string | number {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}

/** Per-unit progress: accounts by state for each unit (the dashboard's chart). */
export async function unitProgress(store: Store): Promise<{ unit: string; states: Record<string, number>; total: number }[]> {
  const rows = await store.db
    .selectFrom('leak_accounts')
    .select((eb) => [eb.fn.coalesce('assigned_unit', 'unit').as('unit'), 'state', eb.fn.countAll<number>().as('n')])
    .groupBy([(eb) => eb.fn.coalesce('assigned_unit', 'unit'), 'state'])
    .execute();
  const by = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const unit = (r.unit as string | null) ?? '(chưa gán / unassigned)';
    const states = by.get(unit) ?? {};
    states[r.state] = Number(r.n);
    by.set(unit, states);
  }
  return [...by]
    .map(([unit, states]) => ({ unit, states, total: Object.values(states).reduce((a, b) => a + b, 0) }))
    .sort((a, b) => (a.unit < b.unit ? -1 : 1));
}
