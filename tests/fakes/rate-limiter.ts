import type { RateLimiter, RateLimitHit } from '../../functions/ports/rate-limiter';

/**
 * The fixed-window counting of DynamoDbRateLimiter, in memory: windows aligned to the epoch, one
 * counter per key and window, `retryAfterSeconds` the (rounded up, at least 1) seconds until the
 * window ends. `nowMs` is the clock (FakeClock's `nowMs`). With `capped`, the counting of
 * DynamoDbCappedRateLimiter instead: a refused hit is not counted (the counter stops at `limit`).
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, number>();
  /** Every key hit, in order, refused or not. */
  readonly keys: string[] = [];

  constructor(
    private readonly nowMs: () => number = Date.now,
    private readonly capped = false,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitHit> {
    this.keys.push(key);
    const now = this.nowMs() / 1000;
    const windowStart = Math.floor(now / windowSeconds) * windowSeconds;
    const counter = `${key}#${windowStart}`;
    const retryAfterSeconds = Math.max(1, Math.ceil(windowStart + windowSeconds - now));
    const count = this.counters.get(counter) ?? 0;
    if (this.capped && count >= limit) return { allowed: false, count, retryAfterSeconds };
    this.counters.set(counter, count + 1);
    return { allowed: count + 1 <= limit, count: count + 1, retryAfterSeconds };
  }

  /** What a key's counter holds in the window containing `atMs`. */
  counted(key: string, windowSeconds: number, atMs: number = this.nowMs()): number {
    const windowStart = Math.floor(atMs / 1000 / windowSeconds) * windowSeconds;
    return this.counters.get(`${key}#${windowStart}`) ?? 0;
  }
}
