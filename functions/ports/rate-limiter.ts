/** The outcome of counting one request against a limit. */
export interface RateLimitHit {
  /** False once `limit` requests were counted in the current window. */
  allowed: boolean;
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Seconds until the current window ends (at least 1): what `Retry-After` says when refused. */
  retryAfterSeconds: number;
}

/**
 * Fixed-window request counting: at most `limit` hits per `key` in each window of
 * `windowSeconds` (windows are aligned to the epoch, so all instances agree on them).
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitHit>;
}
