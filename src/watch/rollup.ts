import { sql } from 'kysely';
import type { Store } from '../store/store.js';

/**
 * Raw results are kept `rawDays`, then only their rollups remain: hourly rollups (kept
 * `hourlyDays`) and daily ones (kept for ever). Rollups are recomputed from raw rows for whole
 * buckets, so running this twice changes nothing (idempotent upsert).
 * Grains are prefixes of the ISO timestamp: minute = 16 chars, hour = 13, day = 10.
 */
export type Grain = 'minute' | 'hour' | 'day';
const PREFIX: Record<Grain, number> = { minute: 16, hour: 13, day: 10 };

export interface RetentionPolicy {
  rawDays: number;
  hourlyDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 7, hourlyDays: 90 };

/** Roll raw results in [from, to) up into `grain` buckets. Returns the number of buckets written. */
export async function rollUpRaw(store: Store, grain: Grain, fromIso: string, toIso: string): Promise<number> {
  const len = PREFIX[grain];
  // Stored timestamps are toISOString() text: compare like with like ("…00Z" sorts after "…00.000Z").
  const from = new Date(fromIso).toISOString();
  const to = new Date(toIso).toISOString();
  const result = await sql`
    insert into watch_rollups (monitor_id, grain, "start", total, "up", degraded, "down", sum_ms, max_ms)
    select monitor_id, ${grain}, substr(at, 1, ${sql.lit(len)}), count(*),
      sum(case when status = 'up' then 1 else 0 end),
      sum(case when status = 'degraded' then 1 else 0 end),
      sum(case when status = 'down' then 1 else 0 end),
      coalesce(sum(response_ms), 0), coalesce(max(response_ms), 0)
    from watch_results where at >= ${from} and at < ${to}
    group by monitor_id, substr(at, 1, ${sql.lit(len)})
    on conflict (monitor_id, grain, "start") do update set total = excluded.total, "up" = excluded."up",
      degraded = excluded.degraded, "down" = excluded."down", sum_ms = excluded.sum_ms, max_ms = excluded.max_ms
  `.execute(store.db);
  return Number(result.numAffectedRows ?? 0);
}

/** Daily buckets from hourly ones (raw rows may already be gone). */
export async function rollUpDaily(store: Store, fromDay: string, toDay: string): Promise<number> {
  const result = await sql`
    insert into watch_rollups (monitor_id, grain, "start", total, "up", degraded, "down", sum_ms, max_ms)
    select monitor_id, 'day', substr("start", 1, 10), sum(total), sum("up"), sum(degraded), sum("down"), sum(sum_ms), max(max_ms)
    from watch_rollups where grain = 'hour' and "start" >= ${fromDay} and "start" < ${toDay}
    group by monitor_id, substr("start", 1, 10)
    on conflict (monitor_id, grain, "start") do update set total = excluded.total, "up" = excluded."up",
      degraded = excluded.degraded, "down" = excluded."down", sum_ms = excluded.sum_ms, max_ms = excluded.max_ms
  `.execute(store.db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * The periodic maintenance: roll up the last completed hours and days, then drop raw rows older
 * than the retention. Call it every hour (startWatch does).
 */
export async function maintainResults(
  store: Store,
  now: number,
  policy: RetentionPolicy = DEFAULT_RETENTION,
): Promise<{ hourly: number; daily: number; deletedRaw: number; deletedHourly: number }> {
  const hourStart = new Date(Math.floor(now / 3_600_000) * 3_600_000);
  const from = new Date(hourStart.getTime() - 48 * 3_600_000).toISOString();
  const hourly = await rollUpRaw(store, 'hour', from, hourStart.toISOString());
  const dayStart = new Date(Math.floor(now / 86_400_000) * 86_400_000);
  const daily = await rollUpDaily(store, new Date(dayStart.getTime() - 3 * 86_400_000).toISOString().slice(0, 10), dayStart.toISOString().slice(0, 13));
  const rawCutoff = new Date(now - policy.rawDays * 86_400_000).toISOString();
  // Never drop raw rows that are not rolled up yet: only those before the last rolled-up hour.
  const rawLimit = rawCutoff < hourStart.toISOString() ? rawCutoff : hourStart.toISOString();
  const deletedRaw = await store.db.deleteFrom('watch_results').where('at', '<', rawLimit).executeTakeFirst();
  const hourlyCutoff = new Date(now - policy.hourlyDays * 86_400_000).toISOString().slice(0, 13);
  const deletedHourly = await store.db.deleteFrom('watch_rollups').where('grain', '=', 'hour').where('start', '<', hourlyCutoff).executeTakeFirst();
  return { hourly, daily, deletedRaw: Number(deletedRaw.numDeletedRows), deletedHourly: Number(deletedHourly.numDeletedRows) };
}

/** Uptime and response time of one monitor over [from, to), from raw rows and rollups. */
export async function uptime(
  store: Store,
  monitorId: string,
  fromIso: string,
  toIso: string,
): Promise<{ total: number; up: number; degraded: number; down: number; uptimePct: number | null; avgMs: number | null }> {
  const from = new Date(fromIso).toISOString();
  const to = new Date(toIso).toISOString();
  const raw = await store.db
    .selectFrom('watch_results')
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number>`sum(case when status = 'up' then 1 else 0 end)`.as('up'),
      sql<number>`sum(case when status = 'degraded' then 1 else 0 end)`.as('degraded'),
      sql<number>`sum(case when status = 'down' then 1 else 0 end)`.as('down'),
      sql<number>`coalesce(sum(response_ms), 0)`.as('sum_ms'),
      sql<string>`min(at)`.as('first'),
    ])
    .where('monitor_id', '=', monitorId)
    .where('at', '>=', from)
    .where('at', '<', to)
    .executeTakeFirst();
  let total = Number(raw?.total ?? 0);
  let up = Number(raw?.up ?? 0);
  let degraded = Number(raw?.degraded ?? 0);
  let down = Number(raw?.down ?? 0);
  let sumMs = Number(raw?.sum_ms ?? 0);
  // Older part of the window from hourly rollups (raw rows there are gone).
  const rawFrom = raw?.first ?? to;
  const older = await store.db
    .selectFrom('watch_rollups')
    .select([
      sql<number>`coalesce(sum(total),0)`.as('total'),
      sql<number>`coalesce(sum("up"),0)`.as('up'),
      sql<number>`coalesce(sum(degraded),0)`.as('degraded'),
      sql<number>`coalesce(sum("down"),0)`.as('down'),
      sql<number>`coalesce(sum(sum_ms),0)`.as('sum_ms'),
    ])
    .where('monitor_id', '=', monitorId)
    .where('grain', '=', 'hour')
    .where('start', '>=', from.slice(0, 13))
    .where('start', '<', rawFrom.slice(0, 13))
    .executeTakeFirst();
  total += Number(older?.total ?? 0);
  up += Number(older?.up ?? 0);
  degraded += Number(older?.degraded ?? 0);
  down += Number(older?.down ?? 0);
  sumMs += Number(older?.sum_ms ?? 0);
  return {
    total,
    up,
    degraded,
    down,
    uptimePct: total ? Math.round(((up + degraded) / total) * 100_000) / 1_000 : null,
    avgMs: total ? Math.round(sumMs / total) : null,
  };
}
