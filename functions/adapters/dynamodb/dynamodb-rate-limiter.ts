import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter, RateLimitHit } from '../../ports/rate-limiter';

/** The attribute the table's TTL reads (epoch seconds); DynamoDB deletes expired counters by itself. */
export const RATE_LIMIT_EXPIRY_ATTRIBUTE = 'expiresAt';

/** Counters outlive their window a little, so a late hit never recreates an expired one mid-window. */
const EXPIRY_GRACE_SECONDS = 60;

export const rateLimitKey = (key: string, windowStart: number) => ({ pk: `RATE#${key}#${windowStart}`, sk: 'RATE' });

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
    const now = this.nowMs() / 1000;
    const windowStart = Math.floor(now / windowSeconds) * windowSeconds;
    const windowEnd = windowStart + windowSeconds;
    const response = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: rateLimitKey(key, windowStart),
        UpdateExpression: 'ADD #count :one SET #kind = :kind, #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
        ExpressionAttributeNames: { '#count': 'count', '#kind': 'kind', '#expiresAt': RATE_LIMIT_EXPIRY_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':kind': 'rate_limit', ':expiresAt': windowEnd + EXPIRY_GRACE_SECONDS },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = Number(response.Attributes?.count ?? 1);
    return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil(windowEnd - now)) };
  }
}
