import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type TableDescription,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeTable } from '../../functions/adapters/dynamodb/programs-table';
import { retryLeftovers } from '../../functions/adapters/dynamodb/retry';

/**
 * Gives an existing table a new layout (new global secondary indexes) while keeping its items,
 * for dynalite, which cannot add an index to a table: the items are copied to a backup table, the
 * table is recreated with the new definition, and the items are copied back.
 *
 * The backup outlives every step that could lose data, so a stack killed half-way finishes the
 * job on its next start (`resumeTableRebuild`): the original is deleted only once the backup is
 * complete, and the backup only once the copy back is.
 *
 * Copying back goes through the change-capture proxy like any write, so the indexer sees every
 * item again; it ignores versions it already has.
 */
export async function rebuildTable(client: DynamoDBClient, definition: CreateTableCommandInput, log: (line: string) => void = () => {}): Promise<void> {
  const tableName = requiredName(definition);
  const backupName = backupTableName(tableName);
  const original = await describeTable(client, tableName);
  if (!original) throw new Error(`Cannot rebuild table ${tableName}: it does not exist`);

  log(`Rebuilding table ${tableName} with its new indexes (dynalite cannot add them in place)...`);
  // A backup left by a run that died before deleting the original may be incomplete; the
  // original is still whole, so start the backup afresh.
  await deleteTable(client, backupName);
  await createTable(client, {
    TableName: backupName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes(original),
    KeySchema: original.KeySchema,
  });
  const copied = await copyItems(client, tableName, backupName);
  await deleteTable(client, tableName);
  await finishFromBackup(client, definition);
  log(`Rebuilt table ${tableName}: ${copied.toLocaleString('en-US')} items kept`);
}

/**
 * Completes a rebuild that a killed process left half-done; does nothing when there is no
 * backup. Must run before anything creates the table afresh, or the backup's items would be
 * stranded beside an empty table.
 */
export async function resumeTableRebuild(client: DynamoDBClient, definition: CreateTableCommandInput, log: (line: string) => void = () => {}): Promise<void> {
  const tableName = requiredName(definition);
  if (!(await describeTable(client, backupTableName(tableName)))) return;
  const original = await describeTable(client, tableName);
  // Still the old layout: the run died while backing up, so the original is whole.
  if (original && !hasEveryIndex(original, definition)) return deleteTable(client, backupTableName(tableName));
  log(`Finishing the interrupted rebuild of table ${tableName}...`);
  await finishFromBackup(client, definition);
}

async function finishFromBackup(client: DynamoDBClient, definition: CreateTableCommandInput): Promise<void> {
  const tableName = requiredName(definition);
  if (!(await describeTable(client, tableName))) await createTable(client, definition);
  await copyItems(client, backupTableName(tableName), tableName);
  await deleteTable(client, backupTableName(tableName));
}

export function backupTableName(tableName: string): string {
  return `${tableName}.rebuild-backup`;
}

async function copyItems(client: DynamoDBClient, from: string, to: string): Promise<number> {
  let copied = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: from, ConsistentRead: true, ExclusiveStartKey: startKey }));
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      const requests: WriteRequest[] = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: item } }));
      await retryLeftovers(
        requests,
        async (pending) => {
          const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [to]: pending } }));
          const left = result.UnprocessedItems?.[to];
          return left && left.length > 0 ? left : undefined;
        },
        (left) => `${left.length} items not copied from ${from} to ${to}`,
      );
    }
    copied += items.length;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return copied;
}

async function createTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand(input));
  await waitForTable(client, requiredName(input), (table) => table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE'));
}

async function deleteTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return;
    throw error;
  }
  await waitForTable(client, tableName, (table) => table === undefined);
}

/** Polls briskly: the SDK's table waiters sleep 20 s after a first miss, and dynalite needs milliseconds. */
async function waitForTable(client: DynamoDBClient, tableName: string, done: (table: TableDescription | undefined) => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done(await describeTable(client, tableName))) {
    if (Date.now() > deadline) throw new Error(`Table ${tableName} did not settle within ${timeoutMs / 1000}s`);
    await sleep(50);
  }
}

function hasEveryIndex(table: TableDescription, definition: CreateTableCommandInput): boolean {
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  return (definition.GlobalSecondaryIndexes ?? []).every((index) => present.has(index.IndexName));
}

/** Only the key attributes: a table without indexes may define no others. */
function keyAttributes(table: TableDescription) {
  const keys = new Set((table.KeySchema ?? []).map((key) => key.AttributeName));
  return (table.AttributeDefinitions ?? []).filter((attribute) => keys.has(attribute.AttributeName));
}

function requiredName(definition: CreateTableCommandInput): string {
  if (!definition.TableName) throw new Error('A table definition needs a TableName');
  return definition.TableName;
}
