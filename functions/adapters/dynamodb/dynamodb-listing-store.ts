import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionalPut } from './conditional-put';
import type { Listing, ListingWithoutHistory } from '../../domain/listing';
import type { ListingStore, Page, PendingReservation, QueueEntry } from '../../ports/listing-store';
import { fromClaimItem, isClaimItem } from './claim-item';
import { isConditionFailure } from './condition-failure';
import { fromReportItem, isReportItem } from './dynamodb-report-store';
import {
  EMPTY_HISTORY,
  fromHistoryItem,
  fromListingItem,
  historyChainOf,
  historyFromChain,
  inlineHistoryOf,
  isHistoryItem,
  isListingItem,
  listingKey,
  OWNER_INDEX,
  ownerPartition,
  PENDING_RESERVATIONS_KIND,
  pendingReservationsKey,
  REVIEW_QUEUE_INDEX,
  reviewQueuePartition,
  toHistoryItem,
  toListingItem,
  type HistoryChain,
  type HistoryItem,
} from './listing-item';
import { decodePageCursor, encodePageCursor } from './page-cursor';

/**
 * A save usually adds one or two entries; more (a listing whose inline history moves out) are
 * split so that no history item nears the item limit: an entry holds at most a 2,000-character
 * note and a list of field names, a few KB.
 */
const HISTORY_ENTRIES_PER_ITEM = 50;

export class DynamoDbListingStore implements ListingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Seals the pages' cursors; only a caller that pages needs it (signed-cursor.ts `requireCursorKey`). */
    private readonly cursorKey?: string,
  ) {}

  /**
   * One query reads the listing and its history items together (they share its partition), page
   * by page: about what reading a listing with its history inline cost, with no item limit.
   */
  async get(id: string): Promise<Listing | undefined> {
    let listingItem: Record<string, unknown> | undefined;
    const historyItems: HistoryItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': listingKey(id).pk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (isListingItem(item)) listingItem = item;
        else if (isHistoryItem(item)) historyItems.push(fromHistoryItem(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    if (!listingItem) return undefined;
    const chain = historyChainOf(listingItem);
    const history = chain === 'inline' ? inlineHistoryOf(listingItem) : historyFromChain(id, chain, historyItems);
    return { ...fromListingItem(listingItem), history };
  }

  /**
   * Two writes, no transaction (dynalite has none): first the new history entries as items nothing
   * links to yet, then the listing item, conditional on its revision, pointing its chain at them.
   * A crash or a lost race in between leaves only unlinked items that no read returns; the listing
   * and the history read with it never disagree. A listing whose history is still inline moves it
   * all into history items on its first save.
   */
  async save(listing: Listing, expectedRevision: number | 'absent'): Promise<boolean> {
    const stored = expectedRevision === 'absent' ? EMPTY_HISTORY : await this.storedChain(listing.id, expectedRevision);
    if (stored === undefined) return false;
    const chain = await this.appendHistory(listing, stored);
    return conditionalPut(this.client, this.tableName, toListingItem(listing, chain), 'revision', expectedRevision);
  }

  /** The stored listing's chain if it is still at `revision` (an inline history counts as none stored); undefined if not. */
  private async storedChain(id: string, revision: number): Promise<HistoryChain | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: listingKey(id),
        ConsistentRead: true,
        ProjectionExpression: '#revision, historyHead, historyLength',
        ExpressionAttributeNames: { '#revision': 'revision' },
      }),
    );
    if (Item?.revision !== revision) return undefined;
    const chain = historyChainOf(Item);
    return chain === 'inline' ? EMPTY_HISTORY : chain;
  }

  /** Writes the entries past `stored` as new, unlinked history items; the chain that ends with them. */
  private async appendHistory(listing: Listing, stored: HistoryChain): Promise<HistoryChain> {
    const added = listing.history.slice(stored.length);
    let head = stored.head;
    for (let part = 0; part * HISTORY_ENTRIES_PER_ITEM < added.length; part++) {
      const entries = added.slice(part * HISTORY_ENTRIES_PER_ITEM, (part + 1) * HISTORY_ENTRIES_PER_ITEM);
      const item: HistoryItem = { id: randomUUID(), follows: head, entries };
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: toHistoryItem(listing.id, listing.revision, part, item) }));
      head = item.id;
    }
    return { head, length: stored.length + added.length };
  }

  async listByOwner(ownerId: string, page: { limit: number; cursor?: string }): Promise<Page<ListingWithoutHistory>> {
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
        ExclusiveStartKey: decodePageCursor(page.cursor, { indexName, partition }, this.cursorKey),
      }),
    );
    return { items: response.Items ?? [], nextCursor: encodePageCursor(response.LastEvaluatedKey, { indexName, partition }, this.cursorKey) };
  }
}
