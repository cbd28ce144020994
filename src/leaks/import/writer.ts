import { sql } from 'kysely';
import type { Store } from '../../store/store.js';
import { type PasswordKind, SEVERITY_RANK, type Severity } from '../formats/password.js';
import { SqliteImportWriter } from './sqlite-writer.js';
import type { StaffDirectory } from './staff.js';
import type { AccountAppearance, BatchContext, BatchCounts, ImportWriter } from './writer-types.js';

export type { AccountAppearance, BatchContext, BatchCounts, ImportWriter } from './writer-types.js';

/** What the store already holds for an address of the batch (one set-based read per batch). */
interface Existing {
  state: string;
  rank: number;
  firstSeen: string;
  lastSeen: string;
  /** Severity rank of the (account, this source) pair; null when the account is not yet in this source. */
  pairRank: number | null;
}

interface HistoryRow {
  email: string;
  from_state: string | null;
  to_state: string;
  note: string;
}

/**
 * The writes one batch needs, decided in memory from what the store holds, so each dialect runs
 * them as a few multi-row statements instead of several statements per account. The rules:
 * a new address → account (matched to the staff directory, aliases included) + one history
 * row; an existing one → the stronger severity wins, first/last seen widen, and a closed account
 * seen in a source it was not in before reopens (with a history row); the (account, source) pair
 * keeps the source's strongest appearance. Rows that would not change are not written.
 */
interface BatchPlan {
  created: AccountAppearance[];
  updates: { a: AccountAppearance; reopen: boolean }[];
  pairs: AccountAppearance[];
  history: HistoryRow[];
  counts: BatchCounts;
}

function planBatch(ctx: BatchContext, batch: AccountAppearance[], existing: Map<string, Existing>): BatchPlan {
  const plan: BatchPlan = { created: [], updates: [], pairs: [], history: [], counts: { created: 0, reopened: 0 } };
  const createdNote = `source ${ctx.sourceId}`;
  const reopenNote = `reopened: seen in a newer leak (source ${ctx.sourceId})`;
  for (const a of batch) {
    const rank = SEVERITY_RANK[a.severity];
    const have = existing.get(a.email);
    if (!have) {
      plan.created.push(a);
      plan.history.push({ email: a.email, from_state: null, to_state: 'detected', note: createdNote });
      plan.pairs.push(a);
      continue;
    }
    const reopen = have.pairRank === null && have.state === 'closed';
    if (reopen || rank > have.rank || ctx.seenAt < have.firstSeen || ctx.seenAt > have.lastSeen) plan.updates.push({ a, reopen });
    if (reopen) plan.history.push({ email: a.email, from_state: 'closed', to_state: 'detected', note: reopenNote });
    if (have.pairRank === null || rank > have.pairRank) plan.pairs.push(a);
  }
  plan.counts.created = plan.created.length;
  plan.counts.reopened = plan.updates.filter((u) => u.reopen).length;
  return plan;
}

export function openImportWriter(store: Store, staff: StaffDirectory): ImportWriter {
  if (store.sqlite) return new SqliteImportWriter(store.sqlite, staff);
  return { write: (ctx, batch, checkpoint) => writeBatchPostgres(store, ctx, batch, checkpoint), settle: () => {}, close: async () => {} };
}

export const ACCOUNT_COLUMNS = [
  'email',
  'org_domain',
  'first_seen',
  'last_seen',
  'severity',
  'severity_rank',
  'password_kind',
  'password_mask',
  'password_fingerprint',
  'state',
  'state_changed_at',
  'staff_name',
  'staff_email',
  'unit',
  'assigned_unit',
] as const;
const PAIR_COLUMNS = ['email', 'source_id', 'severity', 'severity_rank', 'password_kind', 'password_mask', 'password_fingerprint', 'url', 'seen_at'] as const;
const HISTORY_COLUMNS = ['email', 'from_state', 'to_state', 'actor', 'at', 'note'] as const;

const PAIR_CONFLICT = `ON CONFLICT (email, source_id) DO UPDATE SET severity = excluded.severity, severity_rank = excluded.severity_rank,
  password_kind = excluded.password_kind, password_mask = excluded.password_mask, password_fingerprint = excluded.password_fingerprint, url = excluded.url
  WHERE excluded.severity_rank > leak_account_sources.severity_rank`;

// ---------------------------------------------------------------------------------------------
// PostgreSQL: the same plan as a handful of statements per slice, each taking whole columns as
// arrays (`unnest`), so 200,000 accounts cost tens of round trips, not hundreds of thousands.

/** Addresses per round trip: arrays are one parameter each, so this bounds memory, not parameters. */
const POSTGRES_SLICE = 10_000;

function column<T>(rows: T[], pick: (row: T) => unknown): unknown[] {
  return rows.map(pick);
}

async function writeBatchPostgres(store: Store, ctx: BatchContext, batch: AccountAppearance[], checkpoint: number): Promise<BatchCounts> {
  const counts: BatchCounts = { created: 0, reopened: 0 };
  await store.db.transaction().execute(async (trx) => {
    // The tables grow by the batch while their planner statistics lag behind (autovacuum has not
    // analysed them yet): a plan chosen for "a tiny table" — a nested loop over sequential scans —
    // turns one batch quadratic (minutes). Every lookup here is by key, so only index access is allowed.
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    for (let i = 0; i < batch.length; i += POSTGRES_SLICE) {
      const slice = batch.slice(i, i + POSTGRES_SLICE);
      const found = await sql<{ email: string } & Existing>`
        SELECT a.email, a.state, a.severity_rank AS "rank", a.first_seen AS "firstSeen", a.last_seen AS "lastSeen", p.severity_rank AS "pairRank"
        FROM leak_accounts a LEFT JOIN leak_account_sources p ON p.email = a.email AND p.source_id = ${ctx.sourceId}
        WHERE a.email = ANY(${slice.map((a) => a.email)}::text[])`.execute(trx);
      const plan = planBatch(ctx, slice, new Map(found.rows.map((r) => [r.email, r])));
      if (plan.created.length) {
        const people = plan.created.map((a) => ctx.staff.lookup(a.email));
        const units = people.map((p) => p?.unit ?? null);
        await sql`
          INSERT INTO leak_accounts (${sql.raw(ACCOUNT_COLUMNS.join(', '))})
          SELECT email, org_domain, ${ctx.seenAt}, ${ctx.seenAt}, severity, severity_rank, password_kind, password_mask, password_fingerprint,
                 'detected', ${ctx.now}, staff_name, staff_email, unit, unit
          FROM unnest(${column(plan.created, (a) => a.email)}::text[], ${column(plan.created, (a) => a.orgDomain)}::text[],
                      ${column(plan.created, (a) => a.severity)}::text[], ${column(plan.created, (a) => SEVERITY_RANK[a.severity])}::int[],
                      ${column(plan.created, (a) => a.kind)}::text[], ${column(plan.created, (a) => a.mask)}::text[],
                      ${column(plan.created, (a) => a.fingerprint)}::text[], ${people.map((p) => p?.fullName ?? null)}::text[],
                      ${people.map((p) => p?.email ?? null)}::text[], ${units}::text[])
            AS u(email, org_domain, severity, severity_rank, password_kind, password_mask, password_fingerprint, staff_name, staff_email, unit)`.execute(trx);
      }
      if (plan.updates.length) {
        const u = plan.updates;
        await sql`
          UPDATE leak_accounts a SET
            severity = CASE WHEN u.rank > a.severity_rank THEN u.severity ELSE a.severity END,
            password_kind = CASE WHEN u.rank > a.severity_rank THEN u.kind ELSE a.password_kind END,
            password_mask = CASE WHEN u.rank > a.severity_rank THEN u.mask ELSE a.password_mask END,
            password_fingerprint = CASE WHEN u.rank > a.severity_rank THEN u.fingerprint ELSE a.password_fingerprint END,
            severity_rank = greatest(a.severity_rank, u.rank),
            first_seen = least(a.first_seen, ${ctx.seenAt}), last_seen = greatest(a.last_seen, ${ctx.seenAt}),
            state = CASE WHEN u.reopen THEN 'detected' ELSE a.state END,
            state_changed_at = CASE WHEN u.reopen THEN ${ctx.now} ELSE a.state_changed_at END
          FROM unnest(${column(u, (x) => x.a.email)}::text[], ${column(u, (x) => SEVERITY_RANK[x.a.severity])}::int[],
                      ${column(u, (x) => x.a.severity)}::text[], ${column(u, (x) => x.a.kind)}::text[], ${column(u, (x) => x.a.mask)}::text[],
                      ${column(u, (x) => x.a.fingerprint)}::text[], ${column(u, (x) => x.reopen)}::boolean[])
            AS u(email, rank, severity, kind, mask, fingerprint, reopen)
          WHERE a.email = u.email`.execute(trx);
      }
      if (plan.pairs.length) {
        const p = plan.pairs;
        await sql`
          INSERT INTO leak_account_sources (${sql.raw(PAIR_COLUMNS.join(', '))})
          SELECT email, ${ctx.sourceId}, severity, severity_rank, password_kind, password_mask, password_fingerprint, url, ${ctx.seenAt}
          FROM unnest(${column(p, (a) => a.email)}::text[], ${column(p, (a) => a.severity)}::text[], ${column(p, (a) => SEVERITY_RANK[a.severity])}::int[],
                      ${column(p, (a) => a.kind)}::text[], ${column(p, (a) => a.mask)}::text[], ${column(p, (a) => a.fingerprint)}::text[],
                      ${column(p, (a) => a.url)}::text[])
            AS u(email, severity, severity_rank, password_kind, password_mask, password_fingerprint, url)
          ${sql.raw(PAIR_CONFLICT)}`.execute(trx);
      }
      if (plan.history.length) {
        const h = plan.history;
        await sql`
          INSERT INTO leak_state_history (${sql.raw(HISTORY_COLUMNS.join(', '))})
          SELECT email, from_state, to_state, ${ctx.actor}, ${ctx.now}, note
          FROM unnest(${column(h, (r) => r.email)}::text[], ${column(h, (r) => r.from_state)}::text[], ${column(h, (r) => r.to_state)}::text[],
                      ${column(h, (r) => r.note)}::text[]) AS u(email, from_state, to_state, note)`.execute(trx);
      }
      counts.created += plan.counts.created;
      counts.reopened += plan.counts.reopened;
    }
    await trx
      .updateTable('leak_files')
      .set({ checkpoint_offset: checkpoint })
      .where('source_id', '=', ctx.sourceId)
      .where('file_key', '=', ctx.fileKey)
      .execute();
  });
  return counts;
}
