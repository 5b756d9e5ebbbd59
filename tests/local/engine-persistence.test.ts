import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchDynalite } from '../../local/engines/dynamodb';
import { launchOpenSearchNode } from '../../local/engines/opensearch';

// These start engines of their own (not the run's shared ones) on a directory they keep.
const dataDir = mkdtempSync(join(tmpdir(), 'iop-persistence-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a restarted engine finds its data again', () => {
  it('dynalite, on the same directory', async () => {
    const path = join(dataDir, 'dynamodb');
    const clientFor = (endpoint: string) =>
      new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

    const first = await launchDynalite({ path });
    const writer = clientFor(first.endpoint);
    await writer.send(
      new CreateTableCommand({
        TableName: 'kept',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await writer.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'one' }, note: { S: 'still here' } } }));
    writer.destroy();
    await first.stop();

    const second = await launchDynalite({ path });
    const reader = clientFor(second.endpoint);
    const { Item } = await reader.send(new GetItemCommand({ TableName: 'kept', Key: { pk: { S: 'one' } }, ConsistentRead: true }));
    reader.destroy();
    await second.stop();
    expect(Item).toEqual({ pk: { S: 'one' }, note: { S: 'still here' } });
  });

  it('OpenSearch, on the same directory', async () => {
    const home = join(dataDir, 'opensearch');
    const json = { 'content-type': 'application/json' };

    const first = await launchOpenSearchNode({ home });
    // Indices are created explicitly, with their mapping, as in AWS; a write never creates one.
    const implicit = await fetch(`${first.url}/not-created/_doc/1`, { method: 'PUT', headers: json, body: '{}' });
    expect(implicit.status).toBe(404);
    await fetch(`${first.url}/kept`, { method: 'PUT', headers: json, body: JSON.stringify({ settings: { number_of_replicas: 0 } }) });
    const indexed = await fetch(`${first.url}/kept/_doc/1?refresh=true`, { method: 'PUT', headers: json, body: JSON.stringify({ note: 'still here' }) });
    expect(indexed.status).toBe(201);
    await first.stop();

    const second = await launchOpenSearchNode({ home });
    try {
      expect(second.url).not.toBe('');
      const response = await fetch(`${second.url}/kept/_doc/1`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { _source: unknown })._source).toEqual({ note: 'still here' });
    } finally {
      await second.stop();
    }
  });
});
