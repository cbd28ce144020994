/**
 * A small fixed-window counter keyed by string (an IP address, a user name). Hand-written rather
 * than @fastify/rate-limit because login needs two limits on one route — per IP for every
 * attempt and per user name for failures only — which that plugin does not express. Memory is
 * bounded: at most `maxKeys` keys, the oldest windows dropped first.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it is under the limit. Does not count. */
  blockedFor(key: string): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    const elapsed = this.now() - window.start;
    if (elapsed >= this.windowMs) {
      this.windows.delete(key);
      return 0;
    }
    return window.count >= this.limit ? this.windowMs - elapsed : 0;
  }

  /** Count one event for `key`. */
  hit(key: string): void {
    const now = this.now();
    const window = this.windows.get(key);
    if (window && now - window.start < this.windowMs) {
      window.count += 1;
      return;
    }
    this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) {
      // Map iteration order is insertion order: the first key is the oldest window.
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
    this.windows.set(key, { start: now, count: 1 });
  }

  reset(key: string): void {
    this.windows.delete(key);
  }
}
