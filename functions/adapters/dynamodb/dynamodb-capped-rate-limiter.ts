import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter, RateLimitHit } from '../../ports/rate-limiter';
import { isConditionFailure } from './condition-failure';
import { RATE_LIMIT_EXPIRY_ATTRIBUTE, rateLimitKey } from './dynamodb-rate-limiter';

/** Counters outlive their window a little, so a late hit never recreates an expired one mid-window. */
const EXPIRY_GRACE_SECONDS = 60;

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
    const now = this.nowMs() / 1000;
    const windowStart = Math.floor(now / windowSeconds) * windowSeconds;
    const windowEnd = windowStart + windowSeconds;
    const retryAfterSeconds = Math.max(1, Math.ceil(windowEnd - now));
    try {
      const response = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rateLimitKey(key, windowStart),
          UpdateExpression: 'ADD #count :one SET #kind = :kind, #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#kind': 'kind', '#expiresAt': RATE_LIMIT_EXPIRY_ATTRIBUTE },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':kind': 'rate_limit', ':expiresAt': windowEnd + EXPIRY_GRACE_SECONDS },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { allowed: true, count: Number(response.Attributes?.count ?? 1), retryAfterSeconds };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { allowed: false, count: limit, retryAfterSeconds };
    }
  }
}
