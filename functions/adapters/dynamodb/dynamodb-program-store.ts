import { BatchGetCommand, BatchWriteCommand, GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionalPut } from './conditional-put';
import pLimit from 'p-limit';
import type { Program } from '../../domain/program';
import type { IndexSourcePage, IndexSourceScan, ProgramStore, VersionedWrite } from '../../ports/program-store';
import type { IndexChange } from '../../ports/search-index';
import { listingKey } from './listing-item';
import { fromProgramItem, isProgramItem, toProgramItem } from './program-item';
import { programKey } from './programs-table';
import { indexChangeOfItem } from './stream-record';
import { retryLeftovers } from './retry';

const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;
/**
 * Conditional puts in flight at once per process. BatchWriteItem takes no condition, so versioned
 * writes go one item per request; this many at a time keeps an import near its batched throughput.
 */
const CONDITIONAL_PUTS_IN_FLIGHT = 32;
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
  private readonly conditionalLimit = pLimit(CONDITIONAL_PUTS_IN_FLIGHT);

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

  async replaceMany(writes: readonly VersionedWrite[]): Promise<Set<string>> {
    const lost = new Set<string>();
    const outcomes = await Promise.allSettled(
      writes.map(({ program, expectedVersion }) =>
        this.conditionalLimit(async () => {
          if (!(await this.replace(program, expectedVersion))) lost.add(program.id);
        }),
      ),
    );
    // Thrown once every write has finished, so none is still in flight when the caller hears of the failure.
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return lost;
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

  async *scanIndexSource({ segment, totalSegments, changedSince, changedBefore }: IndexSourceScan): AsyncIterable<IndexSourcePage> {
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
          ...changedFilter(changedSince, changedBefore),
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

  async indexSourceOf(ids: readonly string[]): Promise<Map<string, IndexChange>> {
    const decided = new Map<string, IndexChange>();
    const unique = [...new Set(ids)];
    // A document id names a program or a listing. Nearly all are programs, so listings are looked
    // up only for the ids no program answers: about one read per id instead of two.
    const programs = await this.batchRead(unique.map(programKey));
    for (const item of programs) decideInto(decided, item);
    const answered = new Set(programs.map((item) => item.id));
    const unanswered = unique.filter((id) => !answered.has(id));
    for (const item of await this.batchRead(unanswered.map(listingKey))) decideInto(decided, item);
    return decided;
  }

  /** Every existing item among `keys`, read consistently in batches. */
  private async batchRead(keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    await Promise.all(
      chunks(keys, BATCH_GET_LIMIT).map((batch) =>
        this.limit(() =>
          retryLeftovers<KeysAndAttributes>(
            { [this.tableName]: { Keys: batch, ConsistentRead: true } },
            async (request) => {
              const response = await this.client.send(new BatchGetCommand({ RequestItems: request }));
              found.push(...(response.Responses?.[this.tableName] ?? []));
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
}

function decideInto(decided: Map<string, IndexChange>, item: Record<string, unknown>): void {
  const outcome = indexChangeOfItem(item);
  if (outcome.kind === 'change') decided.set(indexedIdOf(outcome.change), outcome.change);
}

function indexedIdOf(change: IndexChange): string {
  return change.kind === 'upsert' ? change.program.id : change.id;
}

/** Scan filter on `updatedAt`; an item without one is never excluded by `changedBefore` (it cannot be a recent change). */
function changedFilter(changedSince: string | undefined, changedBefore: string | undefined) {
  const conditions: string[] = [];
  const values: Record<string, string> = {};
  if (changedSince) {
    conditions.push('#updatedAt >= :since');
    values[':since'] = changedSince;
  }
  if (changedBefore) {
    conditions.push('(attribute_not_exists(#updatedAt) OR #updatedAt < :before)');
    values[':before'] = changedBefore;
  }
  if (conditions.length === 0) return {};
  return { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: { '#updatedAt': 'updatedAt' }, ExpressionAttributeValues: values };
}
