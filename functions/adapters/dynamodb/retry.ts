import { setTimeout as sleep } from 'node:timers/promises';

/** Full-jitter exponential backoff, as AWS recommends for UnprocessedItems and throttling. */
export function backoffDelayMs(attempt: number, baseMs = 25, capMs = 2_000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

/**
 * Repeats `work` on what is left until nothing is; `work` returns the leftover. Throws when the
 * leftover survives every attempt, so no write is silently lost.
 */
export async function retryLeftovers<T>(
  initial: T,
  work: (pending: T) => Promise<T | undefined>,
  describe: (leftover: T) => string,
  maxAttempts = 10,
): Promise<void> {
  let pending: T | undefined = initial;
  for (let attempt = 0; pending !== undefined; attempt++) {
    if (attempt >= maxAttempts) throw new Error(`DynamoDB left work undone after ${maxAttempts} attempts: ${describe(pending)}`);
    if (attempt > 0) await sleep(backoffDelayMs(attempt));
    pending = await work(pending);
  }
}
