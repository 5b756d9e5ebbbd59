import type { RateLimiter, RateLimitHit } from '../../functions/ports/rate-limiter';

/**
 * The fixed-window counting of DynamoDbRateLimiter, in memory: windows aligned to the epoch, one
 * counter per key and window, `retryAfterSeconds` the (rounded up, at least 1) seconds until the
 * window ends. `nowMs` is the clock (FakeClock's `nowMs`).
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, number>();
  /** Every key counted, in order. */
  readonly keys: string[] = [];

  constructor(private readonly nowMs: () => number = Date.now) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitHit> {
    this.keys.push(key);
    const now = this.nowMs() / 1000;
    const windowStart = Math.floor(now / windowSeconds) * windowSeconds;
    const counter = `${key}#${windowStart}`;
    const count = (this.counters.get(counter) ?? 0) + 1;
    this.counters.set(counter, count);
    return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil(windowStart + windowSeconds - now)) };
  }
}
