import type { RateLimiter, RateLimitHit } from '../../functions/ports/rate-limiter';

/**
 * The counting of DynamoDbCappedRateLimiter, in memory: fixed windows aligned to the epoch, and a
 * refused hit is not counted (the counter stops at `limit`). `nowMs` is the clock.
 */
export class MemoryCappedRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, number>();
  /** Every key hit, in order, refused or not. */
  readonly keys: string[] = [];

  constructor(private readonly nowMs: () => number = Date.now) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitHit> {
    this.keys.push(key);
    const now = this.nowMs() / 1000;
    const windowStart = Math.floor(now / windowSeconds) * windowSeconds;
    const counter = `${key}#${windowStart}`;
    const retryAfterSeconds = Math.max(1, Math.ceil(windowStart + windowSeconds - now));
    const count = this.counters.get(counter) ?? 0;
    if (count >= limit) return { allowed: false, count, retryAfterSeconds };
    this.counters.set(counter, count + 1);
    return { allowed: true, count: count + 1, retryAfterSeconds };
  }

  /** What a key's counter holds in the window containing `atMs`. */
  counted(key: string, windowSeconds: number, atMs: number = this.nowMs()): number {
    const windowStart = Math.floor(atMs / 1000 / windowSeconds) * windowSeconds;
    return this.counters.get(`${key}#${windowStart}`) ?? 0;
  }
}
