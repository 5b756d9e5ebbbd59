import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  QueryCommand,
  ScanCommand,
  waitUntilTableExists,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureProgramsTable, programsTableDefinition } from '../../functions/adapters/dynamodb/programs-table';
import { launchDynalite, type DynamoDbEngine } from '../../local/engines/dynamodb';
import { backupTableName, rebuildTable, resumeTableRebuild } from '../../local/engines/table-rebuild';

// A dynalite of its own (in memory, no change capture): these tests create and drop tables.
let engine: DynamoDbEngine;
let client: DynamoDBClient;
let counter = 0;
const freshName = () => `layout-${Date.now().toString(36)}-${counter++}`;

beforeAll(async () => {
  engine = await launchDynalite();
  client = new DynamoDBClient({ endpoint: engine.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  client.destroy();
  await engine.stop();
});

/** The layout before the listings feature: keys and stream, no indexes. */
async function createOldLayout(tableName: string, items: Record<string, AttributeValue>[]): Promise<void> {
  const { GlobalSecondaryIndexes: _indexes, ...definition } = programsTableDefinition(tableName);
  await client.send(
    new CreateTableCommand({ ...definition, AttributeDefinitions: definition.AttributeDefinitions?.filter((a) => ['pk', 'sk'].includes(a.AttributeName!)) }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  for (let i = 0; i < items.length; i += 25) {
    await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
}

const listing = (n: number): Record<string, AttributeValue> => ({
  pk: { S: `LISTING#l${n}` },
  sk: { S: 'LISTING' },
  gsi1pk: { S: `OWNER#p${n % 3}` },
  gsi1sk: { S: `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}Z#l${n}` },
  ...(n % 2 === 0 ? { gsi2pk: { S: 'QUEUE' }, gsi2sk: { S: `2026#l${n}` } } : {}),
  payload: { M: { n: { N: String(n) }, tags: { SS: ['a', 'b'] } } },
});

async function indexNames(tableName: string): Promise<string[]> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName!).sort();
}

async function countOwner(tableName: string, owner: string): Promise<number> {
  const result = await client.send(
    new QueryCommand({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :o', ExpressionAttributeValues: { ':o': { S: owner } } }),
  );
  return result.Count ?? 0;
}

async function allItems(tableName: string) {
  return ((await client.send(new ScanCommand({ TableName: tableName }))).Items ?? []).sort((a, b) => a.pk!.S!.localeCompare(b.pk!.S!));
}

describe('programs table layout', () => {
  it('is created with both indexes, each projecting every attribute', async () => {
    const tableName = freshName();
    await ensureProgramsTable(client, tableName);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema, index.Projection?.ProjectionType])).toEqual([
      ['gsi1', [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }], 'ALL'],
      ['gsi2', [{ AttributeName: 'gsi2pk', KeyType: 'HASH' }, { AttributeName: 'gsi2sk', KeyType: 'RANGE' }], 'ALL'],
    ]);
    // Idempotent.
    await ensureProgramsTable(client, tableName);
  });

  it('refuses to carry on with a table dynalite cannot add the indexes to, when it may not rebuild it', async () => {
    const tableName = freshName();
    await createOldLayout(tableName, [listing(1)]);
    await expect(ensureProgramsTable(client, tableName)).rejects.toThrow(/lacks the indexes gsi1, gsi2/);
  });

  it('rebuilds an older table with the indexes, keeping every item and indexing it', async () => {
    const tableName = freshName();
    const items = Array.from({ length: 60 }, (_, n) => listing(n));
    await createOldLayout(tableName, items);
    const before = await allItems(tableName);
    const logged: string[] = [];

    await ensureProgramsTable(client, tableName, { rebuild: (definition) => rebuildTable(client, definition, (line) => logged.push(line)) });

    expect(await indexNames(tableName)).toEqual(['gsi1', 'gsi2']);
    expect(await allItems(tableName)).toEqual(before);
    expect(await countOwner(tableName, 'OWNER#p0')).toBe(20);
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain(backupTableName(tableName));
    expect(logged.at(-1)).toMatch(/60 items kept/);
  });

  it('finishes a rebuild that died after dropping the original, before anything recreates it empty', async () => {
    const tableName = freshName();
    // What a killed rebuild leaves: a complete backup and no table.
    await createOldLayout(backupTableName(tableName), [listing(1), listing(2), listing(4)]);

    await resumeTableRebuild(client, programsTableDefinition(tableName));
    await ensureProgramsTable(client, tableName);

    expect((await allItems(tableName)).map((item) => item.pk?.S)).toEqual(['LISTING#l1', 'LISTING#l2', 'LISTING#l4']);
    expect(await countOwner(tableName, 'OWNER#p1')).toBe(2);
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain(backupTableName(tableName));
  });

  it('drops a partial backup when the original was never touched, and leaves resuming a no-op otherwise', async () => {
    const tableName = freshName();
    await createOldLayout(tableName, [listing(1), listing(2)]);
    await createOldLayout(backupTableName(tableName), [listing(1)]);

    await resumeTableRebuild(client, programsTableDefinition(tableName));
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain(backupTableName(tableName));
    expect(await allItems(tableName)).toHaveLength(2);

    await resumeTableRebuild(client, programsTableDefinition(freshName()));
  });
});
