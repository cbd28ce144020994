import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore, testDialects } from '../store/testing.js';
import { InProcessJobQueue } from './in-process.js';

describe('in-process job queue without a store', () => {
  it('runs jobs, respects per-name concurrency and returns results', async () => {
    const queue = new InProcessJobQueue();
    let running = 0;
    let peak = 0;
    queue.register<{ n: number }, number>(
      'square',
      async ({ n }) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        return n * n;
      },
      { concurrency: 2 },
    );
    await queue.start();
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => queue.enqueue('square', { n })));
    const results = await Promise.all(ids.map((id) => queue.wait<number>(id)));
    expect(results.map((r) => r.result)).toEqual([1, 4, 9, 16, 25]);
    expect(peak).toBe(2);
    await queue.stop();
  });

  it('retries a failing job and reports the final failure', async () => {
    const queue = new InProcessJobQueue();
    let calls = 0;
    queue.register('flaky', async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    });
    await queue.start();
    const id = await queue.enqueue('flaky', {}, { retries: 2 });
    const status = await queue.wait(id);
    expect(status.state).toBe('failed');
    expect(status.error).toBe('boom 3');
    expect(calls).toBe(3);
  });

  it('refuses a job nobody handles', async () => {
    const queue = new InProcessJobQueue();
    await expect(queue.enqueue('nope', {})).rejects.toMatchObject({ id: 'jobs.unknown' });
  });
});

describe.each(testDialects())('in-process job queue on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => t?.cleanup());

  it('records every job in the store and marks interrupted ones failed at start', async () => {
    const queue = new InProcessJobQueue(t.store);
    queue.register('echo', async (payload: { v: string }) => ({ echoed: payload.v }));
    await queue.start();
    const id = await queue.enqueue('echo', { v: 'xin chào' });
    await queue.wait(id);
    const row = await t.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.state).toBe('done');
    expect(JSON.parse(row.result!)).toEqual({ echoed: 'xin chào' });

    await t.store.db
      .insertInto('jobs')
      .values({
        id: 'stale',
        name: 'echo',
        payload: '{}',
        state: 'running',
        attempts: 1,
        result: null,
        error: null,
        created_at: new Date().toISOString(),
        started_at: null,
        finished_at: null,
      })
      .execute();
    const restarted = new InProcessJobQueue(t.store);
    restarted.register('echo', async () => null);
    await restarted.start();
    const stale = await restarted.status('stale');
    expect(stale?.state).toBe('failed');
    expect(stale?.error).toContain('interrupted');
  });
});
