import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';

/** The lifecycle of a leaked account (leak-intake.md, after Entra ID / Enzoic / SpyCloud). */
export const LEAK_STATES = ['detected', 'notified', 'reset_requested', 'remediated', 'dismissed', 'confirmed_compromised', 'closed'] as const;
export type LeakState = (typeof LEAK_STATES)[number];

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

export async function listAccounts(store: Store, filter: AccountFilter = {}): Promise<AccountRow[]> {
  let q = store.db.selectFrom('leak_accounts').selectAll();
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.unit) q = q.where((eb) => eb.or([eb('unit', '=', filter.unit!), eb('assigned_unit', '=', filter.unit!)]));
  if (filter.severity) q = q.where('severity', '=', filter.severity);
  if (filter.source) {
    const source = filter.source;
    q = q.where('email', 'in', (eb) =>
      eb
        .selectFrom('leak_account_sources')
        .innerJoin('leak_sources', 'leak_sources.id', 'leak_account_sources.source_id')
        .select('leak_account_sources.email')
        .where('leak_sources.name', '=', source),
    );
  }
  const rows = await q
    .orderBy('severity_rank', 'desc')
    .orderBy('email')
    .limit(filter.limit ?? 100_000)
    .execute();
  const pairs = await store.db
    .selectFrom('leak_account_sources')
    .innerJoin('leak_sources', 'leak_sources.id', 'leak_account_sources.source_id')
    .select(['leak_account_sources.email', 'leak_sources.name'])
    .execute();
  const sources = new Map<string, string[]>();
  for (const p of pairs) sources.set(p.email, [...(sources.get(p.email) ?? []), p.name]);
  return rows.map((r) => ({
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
    sources: (sources.get(r.email) ?? []).sort(),
  }));
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
