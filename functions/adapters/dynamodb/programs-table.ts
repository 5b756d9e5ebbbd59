import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The table layout, shared with the CDK stack: one table, items addressed by `pk`/`sk` so later
 * item kinds (listings, history) live beside programs.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/**
 * The global secondary indexes, shared with the CDK stack: `gsi1` lists a provider's listings,
 * `gsi2` is the (sparse) review queue. Both project every attribute, so a page of either needs
 * no follow-up reads of the base table.
 */
export const TABLE_INDEXES = [
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
] as const;

export type TableIndex = (typeof TABLE_INDEXES)[number];

export const programKey = (id: string) => ({ pk: `PROGRAM#${id}`, sk: 'PROGRAM' });

export interface EnsureProgramsTableOptions {
  /**
   * Recreates the table with `definition`, keeping its items, for engines that cannot add an
   * index to an existing table (dynalite accepts the request and ignores it). Without it such a
   * table is an error rather than a table whose index queries fail later.
   */
  rebuild?: (definition: CreateTableCommandInput) => Promise<void>;
}

/** CreateTable input for the whole layout: keys, indexes and the stream the indexer reads. */
export function programsTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
      ...TABLE_INDEXES.flatMap(indexAttributes),
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
      IndexName: index.indexName,
      KeySchema: indexKeySchema(index),
      Projection: { ProjectionType: 'ALL' },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

/**
 * Creates the table when it does not exist, and adds the indexes a table from an earlier version
 * lacks (local stacks and tests; CDK owns the table in AWS).
 */
export async function ensureProgramsTable(client: DynamoDBClient, tableName: string, options: EnsureProgramsTableOptions = {}): Promise<void> {
  const definition = programsTableDefinition(tableName);
  const table = await describeTable(client, tableName);
  if (!table) {
    await client.send(new CreateTableCommand(definition));
    return waitForIndexes(client, tableName);
  }
  const missing = missingIndexes(table);
  if (missing.length === 0) return waitForIndexes(client, tableName);
  if (!(await addIndexesOnline(client, tableName, missing))) {
    if (!options.rebuild) {
      throw new Error(
        `Table ${tableName} lacks the indexes ${missing.map((index) => index.indexName).join(', ')} and this DynamoDB engine cannot add them to an existing table`,
      );
    }
    await options.rebuild(definition);
  }
  const after = await describeTable(client, tableName);
  const stillMissing = after ? missingIndexes(after) : TABLE_INDEXES;
  if (stillMissing.length > 0) throw new Error(`Table ${tableName} still lacks the indexes ${stillMissing.map((index) => index.indexName).join(', ')}`);
}

export function missingIndexes(table: TableDescription): TableIndex[] {
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  return TABLE_INDEXES.filter((index) => !present.has(index.indexName));
}

/**
 * Adds the indexes one UpdateTable at a time (DynamoDB creates one index per call) and waits for
 * each to finish backfilling. False when the engine refuses or silently ignores the request.
 */
async function addIndexesOnline(client: DynamoDBClient, tableName: string, indexes: readonly TableIndex[]): Promise<boolean> {
  for (const index of indexes) {
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: indexAttributes(index),
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.indexName, KeySchema: indexKeySchema(index), Projection: { ProjectionType: 'ALL' } } }],
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ValidationException') return false;
      throw error;
    }
    const table = await describeTable(client, tableName);
    if (!table || missingIndexes(table).some((missing) => missing.indexName === index.indexName)) return false;
    await waitForIndexes(client, tableName);
  }
  return true;
}

/**
 * Until the table and every index are ACTIVE and backfilled, so the first query sees every item.
 * Polled briskly: the SDK's waiters sleep 20 s after a first miss, which local engines never need.
 */
async function waitForIndexes(client: DynamoDBClient, tableName: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = await describeTable(client, tableName);
    const ready =
      table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE' && !index.Backfilling);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`The indexes of table ${tableName} did not become active within ${timeoutMs / 1000}s`);
    await sleep(250);
  }
}

/** The table's description, or undefined when it does not exist. */
export async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function indexAttributes(index: TableIndex) {
  return [
    { AttributeName: index.partitionKey, AttributeType: 'S' as const },
    { AttributeName: index.sortKey, AttributeType: 'S' as const },
  ];
}

function indexKeySchema(index: TableIndex) {
  return [
    { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
  ];
}
