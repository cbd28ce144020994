import { describe, expect, it } from 'vitest';
import { Scheduler, type SchedulerClock } from './scheduler.js';

/** A clock the test advances by hand; timers fire in due order. */
function fakeClock(): SchedulerClock & { advance(ms: number): Promise<void> } {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const due = timers[0];
        if (!due || due.at > end) break;
        timers.shift();
        now = due.at;
        due.fn();
        await new Promise((r) => setImmediate(r));
      }
      now = end;
    },
  };
}

describe('scheduler', () => {
  it('spreads first runs over the interval, runs each monitor once per interval, without drift', async () => {
    const clock = fakeClock();
    const runs = new Map<string, number[]>();
    const scheduler = new Scheduler({
      clock,
      run: async (id) => {
        runs.set(id, [...(runs.get(id) ?? []), clock.now()]);
      },
    });
    for (let i = 0; i < 1_000; i++) scheduler.add(`m${i}`, 60_000);
    await clock.advance(60_000 * 5 - 1);
    const firsts = [...runs.values()].map((times) => times[0]!);
    // spread: no 6-second slice of the minute holds more than 15 % of the first runs
    const buckets = new Array(10).fill(0);
    for (const t of firsts) buckets[Math.floor(t / 6_000)]++;
    expect(Math.max(...buckets)).toBeLessThan(150);
    for (const times of runs.values()) {
      expect(times).toHaveLength(5);
      expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([60_000, 60_000, 60_000, 60_000]);
    }
    expect(Math.max(...scheduler.takeLagSamples())).toBe(0);
    scheduler.stop();
  });

  it('bounds concurrency and measures the lag of checks that had to wait', async () => {
    const clock = fakeClock();
    let inFlight = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const scheduler = new Scheduler({
      clock,
      concurrency: 2,
      run: () =>
        new Promise<void>((resolve) => {
          inFlight++;
          most = Math.max(most, inFlight);
          release.push(() => {
            inFlight--;
            resolve();
          });
        }),
    });
    for (let i = 0; i < 4; i++) scheduler.add(`m${i}`, 60_000, 1_000);
    await clock.advance(1_000);
    expect(most).toBe(2);
    await clock.advance(500);
    release.shift()!();
    release.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(inFlight).toBe(2);
    expect(scheduler.takeLagSamples().sort((a, b) => a - b)).toEqual([0, 0, 500, 500]);
    scheduler.stop();
  });
});
