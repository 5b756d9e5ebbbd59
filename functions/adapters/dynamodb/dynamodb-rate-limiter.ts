import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter, RateLimitHit } from '../../ports/rate-limiter';

/** The attribute the table's TTL reads (epoch seconds); DynamoDB deletes expired counters by itself. */
export const RATE_LIMIT_EXPIRY_ATTRIBUTE = 'expiresAt';

/** Counters outlive their window a little, so a late hit never recreates an expired one mid-window. */
const EXPIRY_GRACE_SECONDS = 60;

export const rateLimitKey = (key: string, windowStart: number) => ({ pk: `RATE#${key}#${windowStart}`, sk: 'RATE' });

/** The fixed window `nowMs` falls in, and how long until it ends. */
export function counterWindow(nowMs: number, windowSeconds: number): { start: number; end: number; retryAfterSeconds: number } {
  const now = nowMs / 1000;
  const start = Math.floor(now / windowSeconds) * windowSeconds;
  const end = start + windowSeconds;
  return { start, end, retryAfterSeconds: Math.max(1, Math.ceil(end - now)) };
}

/** Adds one to the key's counter of this window; with `belowLimit`, only while it is under that limit. */
export function incrementCounter(tableName: string, key: string, window: { start: number; end: number }, belowLimit?: number): UpdateCommand {
  return new UpdateCommand({
    TableName: tableName,
    Key: rateLimitKey(key, window.start),
    UpdateExpression: 'ADD #count :one SET #kind = :kind, #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
    ...(belowLimit !== undefined ? { ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit' } : {}),
    ExpressionAttributeNames: { '#count': 'count', '#kind': 'kind', '#expiresAt': RATE_LIMIT_EXPIRY_ATTRIBUTE },
    ExpressionAttributeValues: {
      ':one': 1,
      ':kind': 'rate_limit',
      ':expiresAt': window.end + EXPIRY_GRACE_SECONDS,
      ...(belowLimit !== undefined ? { ':limit': belowLimit } : {}),
    },
    ReturnValues: 'UPDATED_NEW',
  });
}

/**
 * One counter item per key and window in the programs table, incremented atomically (UpdateItem
 * `ADD`, answering the new count), so concurrent functions never both take the last slot. Items
 * carry `expiresAt` for the table's TTL; their kind is not indexed by the stream indexer.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitHit> {
    const window = counterWindow(this.nowMs(), windowSeconds);
    const response = await this.client.send(incrementCounter(this.tableName, key, window));
    const count = Number(response.Attributes?.count ?? 1);
    return { allowed: count <= limit, count, retryAfterSeconds: window.retryAfterSeconds };
  }
}
