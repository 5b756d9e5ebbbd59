import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Listing } from '../../domain/listing';
import type { ListingStore, Page } from '../../ports/listing-store';
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
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toListingItem(listing),
          ...(expectedRevision === 'absent'
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#revision = :expected', ExpressionAttributeNames: { '#revision': 'revision' }, ExpressionAttributeValues: { ':expected': expectedRevision } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async listByOwner(ownerId: string, page: { limit: number; cursor?: string }): Promise<Page<Listing>> {
    return this.queryPage(OWNER_INDEX, ownerPartition(ownerId), page, false);
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

  async reviewQueue(page: { limit: number; cursor?: string }): Promise<Page<Listing>> {
    return this.queryPage(REVIEW_QUEUE_INDEX, reviewQueuePartition, page, true);
  }

  private async queryPage(indexName: string, partition: string, page: { limit: number; cursor?: string }, oldestFirst: boolean): Promise<Page<Listing>> {
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
    return { items: (response.Items ?? []).map(fromListingItem), nextCursor: encodePageCursor(response.LastEvaluatedKey) };
  }
}
