import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter, RateLimitHit } from '../../ports/rate-limiter';
import { isConditionFailure } from './condition-failure';
import { counterWindow, incrementCounter } from './dynamodb-rate-limiter';

/** The one DynamoDB call this limiter makes; the document client in AWS, a fake in tests. */
export interface CounterClient {
  send(command: UpdateCommand): Promise<{ Attributes?: Record<string, unknown> }>;
}

/**
 * Fixed-window counting like DynamoDbRateLimiter (same items: `RATE#<key>#<window>`, kind
 * `rate_limit`, removed by the table's TTL on `expiresAt`), except that a refused hit is not
 * counted: the increment is a conditional write (`count < limit`), so the counter never passes the
 * limit and a refusal costs the key nothing. That matters where one hit is counted against several
 * keys in turn (a sign-up against its email domain, then the whole pool): a flood refused by the
 * first key never reaches, nor uses up, the second. Conditional on the item as stored, so two
 * concurrent hits cannot both take the last slot.
 */
export class DynamoDbCappedRateLimiter implements RateLimiter {
  constructor(
    private readonly client: CounterClient,
    private readonly tableName: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitHit> {
    const window = counterWindow(this.nowMs(), windowSeconds);
    try {
      const response = await this.client.send(incrementCounter(this.tableName, key, window, limit));
      return { allowed: true, count: Number(response.Attributes?.count ?? 1), retryAfterSeconds: window.retryAfterSeconds };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { allowed: false, count: limit, retryAfterSeconds: window.retryAfterSeconds };
    }
  }
}
