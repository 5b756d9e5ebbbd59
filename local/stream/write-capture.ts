import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import type { DynamoDBRecord } from 'aws-lambda';
import { itemIdentity, pickKey, type Item } from './attribute-values';
import { DynamoDbCallError, type DynamoDbJsonClient } from './dynamodb-json-client';
import type { EventSourceMapping } from './event-source-mapping';
import { KeyedLock } from './keyed-lock';
import type { StreamRecordFactory } from './stream-records';
import type { TableDescription, TableDescriptions } from './table-descriptions';

export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * The writes a stream records. TransactWriteItems is not among them because dynalite rejects it
 * (UnknownOperationException); the proxy forwards it unchanged and warns if a server accepts it.
 */
export const CAPTURED_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

type RequestedWrite =
  | { tableName: string; action: 'put'; item: Item }
  | { tableName: string; action: 'update' | 'delete'; key: Item };

type KeyedWrite = RequestedWrite & { key: Item; identity: string; description: TableDescription };

interface WriteRequest {
  PutRequest?: { Item?: Item };
  DeleteRequest?: { Key?: Item };
}

/**
 * Observes write operations on streamed tables and queues the stream records they produce.
 * Per item: lock, read the old image (consistent), forward the write, then take the new image
 * from the put item or read it back after an update, and queue the record (journaled, where the
 * mapping has a journal) before the client sees the answer, so a client that got its answer can
 * rely on its record being captured. A single PutItem or DeleteItem is forwarded with
 * `ReturnValues: ALL_OLD` instead, so the write itself returns the old image: one call to the
 * server instead of two for the conditional puts that imports and listings make one item at a time.
 */
export class WriteCapture {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly deps: {
      client: DynamoDbJsonClient;
      tables: TableDescriptions;
      streams: ReadonlyMap<string, EventSourceMapping>;
      records: StreamRecordFactory;
      log: (line: string) => void;
    },
  ) {}

  /** `forward` sends the request upstream, with `body` in place of the client's when given. */
  async capture(operation: string, requestBody: string, forward: (body?: string) => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
    let input: unknown;
    try {
      input = JSON.parse(requestBody);
    } catch {
      return forward();
    }
    const requested = requestedWrites(operation, input).filter((write) => this.deps.streams.has(write.tableName));
    if (requested.length === 0) return forward();

    const descriptions = new Map<string, TableDescription>();
    for (const tableName of new Set(requested.map((write) => write.tableName))) {
      const description = await this.deps.tables.describe(tableName);
      // No such table: the write fails upstream with the error DynamoDB would give.
      if (!description) return forward();
      descriptions.set(tableName, description);
    }
    const writes: KeyedWrite[] = [];
    for (const write of requested) {
      const description = descriptions.get(write.tableName)!;
      const key = pickKey(write.action === 'put' ? write.item : write.key, description.keyNames);
      // A malformed request is for the upstream server to reject, in its own words.
      if (Object.keys(key).length !== description.keyNames.length) return this.forwardUncaptured(operation, forward);
      writes.push({ ...write, key, identity: itemIdentity(write.tableName, key), description });
    }

    const single = writes.length === 1 && (operation === 'PutItem' || operation === 'DeleteItem') ? writes[0] : undefined;
    if (single) return this.lock.withKeys([single.identity], () => this.captureReturningOldImage(single, input as Record<string, unknown>, forward));

    return this.lock.withKeys(
      writes.map((write) => write.identity),
      async () => {
        let before: Map<string, Item>;
        try {
          before = await this.readItems(writes);
        } catch (error) {
          // The keys do not fit the table (wrong type, say): the write will fail the same way.
          if (error instanceof DynamoDbCallError && error.statusCode === 400) return this.forwardUncaptured(operation, forward);
          throw error;
        }
        const response = await forward();
        if (response.statusCode !== 200) return response;

        const committed = operation === 'BatchWriteItem' ? withoutUnprocessed(writes, response.body) : writes;
        const after = await this.readItemsAfterCommit(committed.filter((write) => write.action === 'update'));
        const recordsByTable = new Map<string, DynamoDBRecord[]>();
        for (const write of committed) {
          const record = this.deps.records.toRecord({
            keys: write.key,
            oldImage: before.get(write.identity),
            newImage: write.action === 'put' ? write.item : write.action === 'update' ? after.get(write.identity) : undefined,
            streamArn: write.description.streamArn,
          });
          if (!record) continue;
          const records = recordsByTable.get(write.tableName) ?? [];
          records.push(record);
          recordsByTable.set(write.tableName, records);
        }
        // Journaled before the client hears of the write, so an acknowledged change survives a crash.
        for (const [tableName, records] of recordsByTable) await this.deps.streams.get(tableName)?.append(records);
        return response;
      },
    );
  }

  private async captureReturningOldImage(
    write: KeyedWrite,
    input: Record<string, unknown>,
    forward: (body?: string) => Promise<UpstreamResponse>,
  ): Promise<UpstreamResponse> {
    const response = await forward(JSON.stringify({ ...input, ReturnValues: 'ALL_OLD' }));
    if (response.statusCode !== 200) return response;
    const output = JSON.parse(response.body.toString('utf8')) as { Attributes?: Item } & Record<string, unknown>;
    const record = this.deps.records.toRecord({
      keys: write.key,
      oldImage: output.Attributes,
      newImage: write.action === 'put' ? write.item : undefined,
      streamArn: write.description.streamArn,
    });
    if (record) await this.deps.streams.get(write.tableName)?.append([record]);
    // The client hears what it asked for: without ALL_OLD of its own, no Attributes.
    if (input.ReturnValues === 'ALL_OLD' || output.Attributes === undefined) return response;
    const { Attributes: _oldImage, ...asked } = output;
    const body = Buffer.from(JSON.stringify(asked));
    return { ...response, body, headers: { ...response.headers, 'x-amz-crc32': String(crc32(body)) } };
  }

  private async forwardUncaptured(operation: string, forward: () => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
    const response = await forward();
    if (response.statusCode === 200) {
      this.deps.log(`[stream] ${operation} succeeded but could not be captured; the search index may now lag behind DynamoDB`);
    }
    return response;
  }

  /** A committed update whose new image cannot be read must not turn into an error the client would retry. */
  private async readItemsAfterCommit(writes: KeyedWrite[]): Promise<Map<string, Item>> {
    try {
      return await this.readItems(writes);
    } catch (error) {
      this.deps.log(`[stream] could not read back updated items; their records will lack NewImage: ${String(error)}`);
      return new Map();
    }
  }

  /** Current items by identity (absent when the item does not exist), read consistently. */
  private async readItems(writes: readonly KeyedWrite[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const unique = [...new Map(writes.map((write) => [write.identity, write])).values()];
    for (let start = 0; start < unique.length; start += 100) {
      let pending: Record<string, { Keys: Item[]; ConsistentRead: true }> = {};
      for (const write of unique.slice(start, start + 100)) {
        const table = (pending[write.tableName] ??= { Keys: [], ConsistentRead: true });
        table.Keys.push(write.key);
      }
      for (let round = 0; Object.keys(pending).length > 0; round++) {
        const output = await this.deps.client.call<{
          Responses?: Record<string, Item[]>;
          UnprocessedKeys?: Record<string, { Keys: Item[]; ConsistentRead: true }>;
        }>('BatchGetItem', { RequestItems: pending });
        for (const [tableName, items] of Object.entries(output.Responses ?? {})) {
          const keyNames = unique.find((write) => write.tableName === tableName)?.description.keyNames ?? [];
          for (const item of items) found.set(itemIdentity(tableName, pickKey(item, keyNames)), item);
        }
        pending = output.UnprocessedKeys ?? {};
        if (round > 50) throw new Error('BatchGetItem kept returning UnprocessedKeys');
      }
    }
    return found;
  }
}

function requestedWrites(operation: string, input: unknown): RequestedWrite[] {
  if (!input || typeof input !== 'object') return [];
  const request = input as { TableName?: string; Item?: Item; Key?: Item; RequestItems?: Record<string, WriteRequest[]> };
  switch (operation) {
    case 'PutItem':
      return request.TableName && request.Item ? [{ tableName: request.TableName, action: 'put', item: request.Item }] : [];
    case 'UpdateItem':
      return request.TableName && request.Key ? [{ tableName: request.TableName, action: 'update', key: request.Key }] : [];
    case 'DeleteItem':
      return request.TableName && request.Key ? [{ tableName: request.TableName, action: 'delete', key: request.Key }] : [];
    case 'BatchWriteItem':
      return Object.entries(request.RequestItems ?? {}).flatMap(([tableName, requests]) =>
        (Array.isArray(requests) ? requests : []).flatMap((entry): RequestedWrite[] => {
          if (entry?.PutRequest?.Item) return [{ tableName, action: 'put', item: entry.PutRequest.Item }];
          if (entry?.DeleteRequest?.Key) return [{ tableName, action: 'delete', key: entry.DeleteRequest.Key }];
          return [];
        }),
      );
    default:
      return [];
  }
}

/** The writes of a BatchWriteItem that DynamoDB did not hand back as UnprocessedItems. */
function withoutUnprocessed(writes: KeyedWrite[], responseBody: Buffer): KeyedWrite[] {
  const output = JSON.parse(responseBody.toString('utf8')) as { UnprocessedItems?: Record<string, WriteRequest[]> };
  const unprocessed = new Set<string>();
  for (const [tableName, requests] of Object.entries(output.UnprocessedItems ?? {})) {
    const keyNames = writes.find((write) => write.tableName === tableName)?.description.keyNames;
    if (!keyNames) continue;
    for (const request of requests) {
      const item = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
      if (item) unprocessed.add(itemIdentity(tableName, pickKey(item, keyNames)));
    }
  }
  return unprocessed.size === 0 ? writes : writes.filter((write) => !unprocessed.has(write.identity));
}
