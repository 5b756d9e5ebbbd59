import { BatchGetCommand, BatchWriteCommand, GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionalPut } from './conditional-put';
import pLimit from 'p-limit';
import type { Program } from '../../domain/program';
import type { IndexSourcePage, IndexSourceScan, ProgramStore } from '../../ports/program-store';
import { fromProgramItem, isProgramItem, toProgramItem } from './program-item';
import { programKey } from './programs-table';
import { indexChangeOfItem } from './stream-record';
import { retryLeftovers } from './retry';

const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;
/** Keeps one scan page a comfortable single `_bulk` request. */
const INDEX_SCAN_PAGE = 500;

type WriteRequests = NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>;
type KeysAndAttributes = NonNullable<ConstructorParameters<typeof BatchGetCommand>[0]['RequestItems']>;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

export class DynamoDbProgramStore implements ProgramStore {
  /** Bounds concurrent batch requests per process, so a large import cannot flood the table. */
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    concurrency = 8,
  ) {
    this.limit = pLimit(concurrency);
  }

  async get(id: string): Promise<Program | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: programKey(id), ConsistentRead: true }),
    );
    return Item && isProgramItem(Item) ? fromProgramItem(Item) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Program>> {
    const found = new Map<string, Program>();
    const unique = [...new Set(ids)];
    await Promise.all(
      chunks(unique, BATCH_GET_LIMIT).map((batch) =>
        this.limit(() =>
          retryLeftovers<KeysAndAttributes>(
            { [this.tableName]: { Keys: batch.map(programKey), ConsistentRead: true } },
            async (request) => {
              const response = await this.client.send(new BatchGetCommand({ RequestItems: request }));
              for (const item of response.Responses?.[this.tableName] ?? []) {
                if (isProgramItem(item)) {
                  const program = fromProgramItem(item);
                  found.set(program.id, program);
                }
              }
              const leftover = response.UnprocessedKeys;
              return leftover && Object.keys(leftover).length > 0 ? leftover : undefined;
            },
            (leftover) => `${leftover[this.tableName]?.Keys?.length ?? 0} unread keys`,
          ),
        ),
      ),
    );
    return found;
  }

  async putMany(programs: readonly Program[]): Promise<void> {
    await Promise.all(
      chunks(programs, BATCH_WRITE_LIMIT).map((batch) =>
        this.limit(() =>
          retryLeftovers<WriteRequests>(
            { [this.tableName]: batch.map((program) => ({ PutRequest: { Item: toProgramItem(program) } })) },
            async (request) => {
              const response = await this.client.send(new BatchWriteCommand({ RequestItems: request }));
              const leftover = response.UnprocessedItems;
              return leftover && Object.keys(leftover).length > 0 ? leftover : undefined;
            },
            (leftover) => `${leftover[this.tableName]?.length ?? 0} unwritten programs`,
          ),
        ),
      ),
    );
  }

  async replace(program: Program, expectedVersion: number | 'absent'): Promise<boolean> {
    return conditionalPut(this.client, this.tableName, { ...toProgramItem(program) }, 'version', expectedVersion);
  }

  async *scanAll(): AsyncIterable<Program[]> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#kind = :program',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: { ':program': 'program' },
          ExclusiveStartKey: startKey,
        }),
      );
      yield (page.Items ?? []).map(fromProgramItem);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async *scanIndexSource({ segment, totalSegments, changedSince }: IndexSourceScan): AsyncIterable<IndexSourcePage> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          Segment: segment,
          TotalSegments: totalSegments,
          Limit: INDEX_SCAN_PAGE,
          // A write acknowledged before the scan reads its item must be seen (the reindex's catch-up relies on it).
          ConsistentRead: true,
          ...(changedSince
            ? {
                FilterExpression: '#updatedAt >= :since',
                ExpressionAttributeNames: { '#updatedAt': 'updatedAt' },
                ExpressionAttributeValues: { ':since': changedSince },
              }
            : {}),
          ExclusiveStartKey: startKey,
        }),
      );
      const result: IndexSourcePage = { changes: [], malformed: [] };
      for (const item of page.Items ?? []) {
        const decoded = indexChangeOfItem(item);
        if (decoded.kind === 'change') result.changes.push(decoded.change);
        else if (decoded.kind === 'malformed') result.malformed.push({ key: `${String(item.pk)}/${String(item.sk)}`, reason: decoded.reason });
      }
      yield result;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
