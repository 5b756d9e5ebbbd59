import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionalPut } from './conditional-put';
import type { Listing } from '../../domain/listing';
import type { ListingStore, Page, PendingReservation, QueueEntry } from '../../ports/listing-store';
import { fromClaimItem, isClaimItem } from './claim-item';
import { isConditionFailure } from './condition-failure';
import { fromReportItem, isReportItem } from './dynamodb-report-store';
import {
  fromListingItem,
  isListingItem,
  listingKey,
  OWNER_INDEX,
  ownerPartition,
  PENDING_RESERVATIONS_KIND,
  pendingReservationsKey,
  REVIEW_QUEUE_INDEX,
  reviewQueuePartition,
  toListingItem,
} from './listing-item';
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

  async pendingReservations(ownerId: string): Promise<PendingReservation[] | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: pendingReservationsKey(ownerId), ConsistentRead: true }));
    if (!Item) return undefined;
    const held = (Item.reservations ?? {}) as Record<string, Omit<PendingReservation, 'listingId'>>;
    return Object.entries(held).map(([listingId, reservation]) => ({ listingId, ...reservation }));
  }

  async startPendingReservations(ownerId: string, reservations: readonly PendingReservation[]): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...pendingReservationsKey(ownerId),
            kind: PENDING_RESERVATIONS_KIND,
            reservations: Object.fromEntries(reservations.map(({ listingId, ...reservation }) => [listingId, reservation])),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async reservePending(ownerId: string, { listingId, ...reservation }: PendingReservation, max: number): Promise<boolean> {
    return this.updateReservations(ownerId, {
      UpdateExpression: 'SET #reservations.#listing = :reservation',
      // One item holds them all, so the count and the add are one atomic step: concurrent creates cannot both take the last place.
      ConditionExpression: 'attribute_exists(#reservations) AND size(#reservations) < :max AND attribute_not_exists(#reservations.#listing)',
      ExpressionAttributeNames: { '#reservations': 'reservations', '#listing': listingId },
      ExpressionAttributeValues: { ':reservation': reservation, ':max': max },
    });
  }

  async releasePending(ownerId: string, listingId: string, which: { token: string } | { upToRevision: number }): Promise<boolean> {
    const byToken = 'token' in which;
    return this.updateReservations(ownerId, {
      UpdateExpression: 'REMOVE #reservations.#listing',
      ConditionExpression: byToken ? '#reservations.#listing.#token = :value' : '#reservations.#listing.#revision <= :value',
      ExpressionAttributeNames: { '#reservations': 'reservations', '#listing': listingId, ...(byToken ? { '#token': 'token' } : { '#revision': 'revision' }) },
      ExpressionAttributeValues: { ':value': byToken ? which.token : which.upToRevision },
    });
  }

  private async updateReservations(
    ownerId: string,
    update: Pick<ConstructorParameters<typeof UpdateCommand>[0], 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: pendingReservationsKey(ownerId), ...update }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
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
