import { MemoryRateLimiter } from './rate-limiter';

/** The counting of DynamoDbCappedRateLimiter, in memory: see MemoryRateLimiter's `capped`. */
export class MemoryCappedRateLimiter extends MemoryRateLimiter {
  constructor(nowMs: () => number = Date.now) {
    super(nowMs, true);
  }
}
