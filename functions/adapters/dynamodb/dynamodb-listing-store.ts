import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionalPut } from './conditional-put';
import type { Listing } from '../../domain/listing';
import type { ListingStore, Page, QueueEntry } from '../../ports/listing-store';
import { fromClaimItem, isClaimItem } from './claim-item';
import { fromReportItem, isReportItem } from './dynamodb-report-store';
import { fromListingItem, isListingItem, listingKey, OWNER_INDEX, ownerPartition, REVIEW_QUEUE_INDEX, reviewQueuePartition, toListingItem } from './listing-item';
import { decodePageCursor, encodePageCursor } from './page-cursor';

export class DynamoDbListingStore implements ListingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Listing | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: listingKey(id), ConsistentRead: true }));
    return Item && isListingItem(Item) ? fromListingItem(Item) : undefined;
  }

  async save(listing: Listing, expectedRevision: number | 'absent'): Promise<boolean> {
    return conditionalPut(this.client, this.tableName, toListingItem(listing), 'revision', expectedRevision);
  }

  async listByOwner(ownerId: string, page: { limit: number; cursor?: string }): Promise<Page<Listing>> {
    const result = await this.queryPage(OWNER_INDEX, ownerPartition(ownerId), page, false);
    return { items: result.items.filter(isListingItem).map(fromListingItem), nextCursor: result.nextCursor };
  }

  async countPendingByOwner(ownerId: string): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const response = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: OWNER_INDEX,
          KeyConditionExpression: 'gsi1pk = :owner',
          FilterExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':owner': ownerPartition(ownerId), ':pending': 'pending_review' },
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      count += response.Count ?? 0;
      startKey = response.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  async reviewQueue(page: { limit: number; cursor?: string }): Promise<Page<QueueEntry>> {
    const result = await this.queryPage(REVIEW_QUEUE_INDEX, reviewQueuePartition, page, true);
    const items = result.items.flatMap((item): QueueEntry[] => {
      if (isListingItem(item)) return [{ kind: 'listing', listing: fromListingItem(item) }];
      if (isClaimItem(item)) return [{ kind: 'claim', claim: fromClaimItem(item) }];
      if (isReportItem(item)) return [{ kind: 'report', report: fromReportItem(item) }];
      return [];
    });
    return { items, nextCursor: result.nextCursor };
  }

  private async queryPage(indexName: string, partition: string, page: { limit: number; cursor?: string }, oldestFirst: boolean): Promise<Page<Record<string, unknown>>> {
    const partitionKey = indexName === OWNER_INDEX ? 'gsi1pk' : 'gsi2pk';
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: '#partition = :partition',
        ExpressionAttributeNames: { '#partition': partitionKey },
        ExpressionAttributeValues: { ':partition': partition },
        ScanIndexForward: oldestFirst,
        Limit: page.limit,
        ExclusiveStartKey: decodePageCursor(page.cursor),
      }),
    );
    return { items: response.Items ?? [], nextCursor: encodePageCursor(response.LastEvaluatedKey) };
  }
}
