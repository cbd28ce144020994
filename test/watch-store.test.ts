import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROBE_CONTEXT } from '../src/probes/context.js';
import { openTestStore, type TestStore, testDialects } from '../src/store/testing.js';
import { monitorsSchema } from '../src/watch/config-schema.js';
import { maintainResults, rollUpRaw, uptime } from '../src/watch/rollup.js';
import { WatchService } from '../src/watch/service.js';

describe.each(testDialects())('watch store on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('results and states are written in one batch (upsert on the second flush)', async () => {
    let now = Date.parse('2027-02-10T00:00:00Z');
    const service = new WatchService(t.store, { ...DEFAULT_PROBE_CONTEXT, now: () => now });
    await service.load(monitorsSchema.parse([{ id: 'hb', name: 'Sao lưu', type: 'heartbeat', period: '1h', grace: '5m' }]));
    await service.runOnce();
    now += 2 * 3_600_000;
    await service.runOnce();
    const state = await t.store.db.selectFrom('watch_state').selectAll().where('monitor_id', '=', 'hb').executeTakeFirstOrThrow();
    expect(state).toMatchObject({ status: 'down', reported_status: 'down', failures: 1 });
    const results = await t.store.db.selectFrom('watch_results').select('status').where('monitor_id', '=', 'hb').orderBy('at').execute();
    expect(results.map((r) => r.status)).toEqual(['up', 'down']);
    // a restart reads the state back
    const again = new WatchService(t.store, { ...DEFAULT_PROBE_CONTEXT, now: () => now });
    await again.load(monitorsSchema.parse([{ id: 'hb', name: 'Sao lưu', type: 'heartbeat', period: '1h', grace: '5m' }]));
    expect(again.state('hb').reported).toBe('down');
    await service.close();
    await again.close();
  });

  it('rolls raw results up by hour and day, keeps uptime after raw rows are dropped', async () => {
    const rows = [];
    for (let minute = 0; minute < 180; minute++) {
      const at = new Date(Date.parse('2027-03-01T00:00:00Z') + minute * 60_000).toISOString();
      rows.push({ monitor_id: 'portal', at, status: minute % 60 < 6 ? 'down' : 'up', response_ms: 100, detail: null });
    }
    await t.store.db.insertInto('watch_results').values(rows).execute();
    expect(await rollUpRaw(t.store, 'hour', '2027-03-01T00:00:00Z', '2027-03-01T03:00:00Z')).toBe(3);
    await rollUpRaw(t.store, 'hour', '2027-03-01T00:00:00Z', '2027-03-01T03:00:00Z'); // idempotent
    const hours = await t.store.db
      .selectFrom('watch_rollups')
      .selectAll()
      .where('monitor_id', '=', 'portal')
      .where('grain', '=', 'hour')
      .orderBy('start')
      .execute();
    expect(hours.map((h) => [h.start, h.total, h.up, h.down, h.sum_ms])).toEqual([
      ['2027-03-01T00', 60, 54, 6, 6000],
      ['2027-03-01T01', 60, 54, 6, 6000],
      ['2027-03-01T02', 60, 54, 6, 6000],
    ]);
    const before = await uptime(t.store, 'portal', '2027-03-01T00:00:00Z', '2027-03-02T00:00:00Z');
    expect(before).toMatchObject({ total: 180, up: 162, down: 18, uptimePct: 90, avgMs: 100 });
    const done = await maintainResults(t.store, Date.parse('2027-03-09T00:30:00Z'), { rawDays: 7, hourlyDays: 90 });
    expect(done.deletedRaw).toBeGreaterThanOrEqual(180);
    const day = await t.store.db.selectFrom('watch_rollups').selectAll().where('monitor_id', '=', 'portal').where('grain', '=', 'day').executeTakeFirst();
    expect(day).toBeUndefined(); // the daily roll-up window is the last 3 days; this day is older
    const after = await uptime(t.store, 'portal', '2027-03-01T00:00:00Z', '2027-03-02T00:00:00Z');
    expect(after).toMatchObject({ total: 180, up: 162, uptimePct: 90 });
  });
});
