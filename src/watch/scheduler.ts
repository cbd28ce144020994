/**
 * One sorted queue (a binary min-heap on due time) and one timer for its head: 10,000 monitors
 * cost one timer, not 10,000. Start times are spread over the interval by a hash of the id so
 * checks do not arrive in one burst, and each next run is computed from the scheduled time (not
 * the actual one) so lag never accumulates. Concurrency is bounded; lag (actual − scheduled start)
 * is measured for every run.
 */
export interface SchedulerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_CLOCK: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Entry {
  id: string;
  due: number;
  interval: number;
}

export interface SchedulerOptions {
  concurrency?: number;
  clock?: SchedulerClock;
  run(id: string): Promise<void>;
}

export class Scheduler {
  private heap: Entry[] = [];
  private entries = new Map<string, Entry>();
  private timer: unknown;
  private timerDue = Number.POSITIVE_INFINITY;
  private inFlight = 0;
  private readonly waiting: Entry[] = [];
  private stopped = false;
  private readonly clock: SchedulerClock;
  private readonly concurrency: number;
  /** Lag samples (ms) since the last `takeLagSamples()`. */
  private lags: number[] = [];
  runs = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.concurrency = options.concurrency ?? 512;
  }

  /** Add or reschedule a monitor; its first run falls at a stable offset within one interval. */
  add(id: string, interval: number, firstDue?: number): void {
    this.remove(id);
    const now = this.clock.now();
    const entry: Entry = { id, interval, due: firstDue ?? now + (hash(id) % Math.max(1, interval)) };
    this.entries.set(id, entry);
    this.push(entry);
    this.arm();
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    const i = this.heap.indexOf(entry);
    if (i >= 0) {
      const last = this.heap.pop()!;
      if (i < this.heap.length) {
        this.heap[i] = last;
        this.down(i);
        this.up(i);
      }
    }
  }

  /** The interval a monitor is scheduled at (undefined when not scheduled). */
  intervalOf(id: string): number | undefined {
    return this.entries.get(id)?.interval;
  }

  get size(): number {
    return this.entries.size;
  }

  takeLagSamples(): number[] {
    const out = this.lags;
    this.lags = [];
    return out;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolve when no check is running (after stop). */
  async drain(): Promise<void> {
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private arm(): void {
    if (this.stopped) return;
    const head = this.heap[0];
    if (!head) return;
    if (head.due >= this.timerDue && this.timer !== undefined) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timerDue = head.due;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, head.due - this.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    if (this.stopped) return;
    const now = this.clock.now();
    while (this.heap[0] && this.heap[0].due <= now) {
      const entry = this.pop()!;
      this.start(entry);
    }
    this.arm();
  }

  private start(entry: Entry): void {
    if (this.inFlight >= this.concurrency) {
      this.waiting.push(entry);
      return;
    }
    this.inFlight++;
    const scheduled = entry.due;
    const started = this.clock.now();
    this.lags.push(started - scheduled);
    if (this.lags.length > 200_000) this.lags.splice(0, 100_000);
    this.runs++;
    // Next run from the scheduled time: no drift. If we fell a whole interval behind, skip ahead.
    entry.due = scheduled + entry.interval;
    if (entry.due <= started) entry.due = started + entry.interval - ((started - scheduled) % entry.interval);
    this.options
      .run(entry.id)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight--;
        if (this.entries.get(entry.id) === entry && !this.stopped) {
          this.push(entry);
          this.arm();
        }
        const next = this.waiting.shift();
        if (next && !this.stopped) this.start(next);
      });
  }

  private push(entry: Entry): void {
    this.heap.push(entry);
    this.up(this.heap.length - 1);
  }

  private pop(): Entry | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top && last && top !== last) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.due <= heap[i]!.due) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < heap.length && heap[l]!.due < heap[smallest]!.due) smallest = l;
      if (r < heap.length && heap[r]!.due < heap[smallest]!.due) smallest = r;
      if (smallest === i) return;
      [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
      i = smallest;
    }
  }
}

/** FNV-1a: a stable spread of first runs. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
