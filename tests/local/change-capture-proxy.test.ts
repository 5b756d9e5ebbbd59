import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchDynalite } from '../../local/engines/dynamodb';
import { startChangeCaptureProxy } from '../../local/stream/change-capture-proxy';
import { DeadLetterFile } from '../../local/stream/dead-letter-file';
import { EventSourceMapping } from '../../local/stream/event-source-mapping';
import { startPartiallyThrottlingUpstream } from './fixtures/partially-throttling-upstream';

const STREAMED = 'things';
const UNSTREAMED = 'other-things';

/** dynalite, the proxy in front of it, and a recording indexer on the `things` table's stream. */
async function startRig(options: { throttleBatchWrites?: boolean } = {}) {
  const dynalite = await launchDynalite();
  const throttler = options.throttleBatchWrites ? await startPartiallyThrottlingUpstream(dynalite.endpoint) : undefined;
  const delivered: DynamoDBRecord[] = [];
  const deadLetterDir = mkdtempSync(join(tmpdir(), 'iop-proxy-'));
  let drains = 0;
  const mapping = new EventSourceMapping({
    functionName: 'recording-indexer',
    handler: async (event) => {
      delivered.push(...event.Records);
      return { batchItemFailures: [] };
    },
    deadLetters: new DeadLetterFile(join(deadLetterDir, 'dlq.ndjson')),
    batchingWindowMs: 2,
  });
  const proxy = await startChangeCaptureProxy({
    upstreamEndpoint: throttler?.endpoint ?? dynalite.endpoint,
    region: 'us-east-1',
    streams: new Map([[STREAMED, mapping]]),
    afterDrain: async () => void drains++,
    log: () => {},
  });
  const client = new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await client.send(
    new CreateTableCommand({
      TableName: STREAMED,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  await client.send(
    new CreateTableCommand({
      TableName: UNSTREAMED,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  return {
    client,
    proxy,
    /** Records delivered since the last call, once everything written so far is delivered. */
    async takeRecords(): Promise<DynamoDBRecord[]> {
      await proxy.drain();
      return delivered.splice(0);
    },
    drains: () => drains,
    async stop() {
      client.destroy();
      await proxy.stop();
      await mapping.stop();
      await throttler?.stop();
      await dynalite.stop();
      rmSync(deadLetterDir, { recursive: true, force: true });
    },
  };
}

type Rig = Awaited<ReturnType<typeof startRig>>;

const key = (pk: string, sk = 'v') => ({ pk: { S: pk }, sk: { S: sk } });
const eventNames = (records: DynamoDBRecord[]) => records.map((record) => record.eventName);
const sequenceOf = (record: DynamoDBRecord) => BigInt(record.dynamodb?.SequenceNumber ?? '0');

describe('change-capture proxy', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig.stop();
  });
  beforeEach(async () => {
    await rig.takeRecords();
  });

  it('turns PutItem, UpdateItem and DeleteItem into INSERT, MODIFY and REMOVE records with both images', async () => {
    const before = Math.floor(Date.now() / 1000);
    await rig.client.send(new PutItemCommand({ TableName: STREAMED, Item: { ...key('life'), n: { N: '1' }, tags: { SS: ['a'] } } }));
    await rig.client.send(
      new UpdateItemCommand({
        TableName: STREAMED,
        Key: key('life'),
        UpdateExpression: 'SET n = n + :one, #label = :label',
        ExpressionAttributeNames: { '#label': 'label' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':label': { S: 'second' } },
      }),
    );
    await rig.client.send(new DeleteItemCommand({ TableName: STREAMED, Key: key('life') }));
    const [insert, modify, remove, ...rest] = await rig.takeRecords();

    expect(rest).toEqual([]);
    expect(insert).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventVersion: '1.1',
      awsRegion: 'us-east-1',
      eventSourceARN: expect.stringMatching(/^arn:aws:dynamodb:us-east-1:\d{12}:table\/things\/stream\/\d{4}-\d\d-\d\dT/),
      dynamodb: {
        Keys: key('life'),
        NewImage: { ...key('life'), n: { N: '1' }, tags: { SS: ['a'] } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        SequenceNumber: expect.stringMatching(/^\d{19,}$/),
        SizeBytes: expect.any(Number),
      },
    });
    expect(insert?.eventID).toMatch(/^[0-9a-f]{32}$/);
    expect(insert?.dynamodb?.OldImage).toBeUndefined();
    expect(insert?.dynamodb?.ApproximateCreationDateTime).toBeGreaterThanOrEqual(before);
    expect(modify).toMatchObject({
      eventName: 'MODIFY',
      dynamodb: {
        Keys: key('life'),
        OldImage: { ...key('life'), n: { N: '1' }, tags: { SS: ['a'] } },
        NewImage: { ...key('life'), n: { N: '2' }, tags: { SS: ['a'] }, label: { S: 'second' } },
      },
    });
    expect(remove).toMatchObject({
      eventName: 'REMOVE',
      dynamodb: { Keys: key('life'), OldImage: { ...key('life'), n: { N: '2' }, label: { S: 'second' } } },
    });
    expect(remove?.dynamodb?.NewImage).toBeUndefined();
    expect(sequenceOf(insert!) < sequenceOf(modify!) && sequenceOf(modify!) < sequenceOf(remove!)).toBe(true);
  });

  it('records nothing for writes that fail or change nothing, as DynamoDB Streams does', async () => {
    await rig.client.send(new PutItemCommand({ TableName: STREAMED, Item: { ...key('still'), a: { S: 'x' }, s: { SS: ['p', 'q'] } } }));
    expect(eventNames(await rig.takeRecords())).toEqual(['INSERT']);

    // The same item again, attributes and set members in another order.
    await rig.client.send(new PutItemCommand({ TableName: STREAMED, Item: { s: { SS: ['q', 'p'] }, a: { S: 'x' }, ...key('still') } }));
    await rig.client.send(
      new UpdateItemCommand({ TableName: STREAMED, Key: key('still'), UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': { S: 'x' } } }),
    );
    await expect(
      rig.client.send(
        new PutItemCommand({ TableName: STREAMED, Item: { ...key('still'), a: { S: 'y' } }, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    ).rejects.toThrow(/conditional/i);
    await rig.client.send(new DeleteItemCommand({ TableName: STREAMED, Key: key('never-existed') }));
    expect(await rig.takeRecords()).toEqual([]);
  });

  it('reads the old image of a single put or delete through the write itself, and answers only what the client asked for', async () => {
    await rig.client.send(new PutItemCommand({ TableName: STREAMED, Item: { ...key('asked'), v: { N: '1' } } }));
    const replaced = await rig.client.send(new PutItemCommand({ TableName: STREAMED, Item: { ...key('asked'), v: { N: '2' } } }));
    const replacedAsked = await rig.client.send(
      new PutItemCommand({ TableName: STREAMED, Item: { ...key('asked'), v: { N: '3' } }, ReturnValues: 'ALL_OLD' }),
    );
    const deleted = await rig.client.send(new DeleteItemCommand({ TableName: STREAMED, Key: key('asked') }));
    const records = await rig.takeRecords();

    expect(replaced.Attributes).toBeUndefined();
    expect(replacedAsked.Attributes).toEqual({ ...key('asked'), v: { N: '2' } });
    expect(deleted.Attributes).toBeUndefined();
    expect(records.map((record) => [record.eventName, record.dynamodb?.OldImage?.v?.N, record.dynamodb?.NewImage?.v?.N])).toEqual([
      ['INSERT', undefined, '1'],
      ['MODIFY', '1', '2'],
      ['MODIFY', '2', '3'],
      ['REMOVE', '3', undefined],
    ]);
  });

  it('turns BatchWriteItem into one record per changed item, in request order, for streamed tables only', async () => {
    await rig.client.send(new PutItemCommand({ TableName: STREAMED, Item: { ...key('batch-a'), v: { N: '1' } } }));
    await rig.client.send(new PutItemCommand({ TableName: STREAMED, Item: { ...key('batch-b'), v: { N: '1' } } }));
    await rig.takeRecords();

    await rig.client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [STREAMED]: [
            { PutRequest: { Item: { ...key('batch-c'), v: { N: '1' } } } },
            { PutRequest: { Item: { ...key('batch-a'), v: { N: '2' } } } },
            { DeleteRequest: { Key: key('batch-b') } },
            { DeleteRequest: { Key: key('batch-missing') } },
          ],
          [UNSTREAMED]: [{ PutRequest: { Item: { pk: { S: 'elsewhere' } } } }],
        },
      }),
    );
    const records = await rig.takeRecords();

    expect(records.map((record) => [record.eventName, record.dynamodb?.Keys?.pk?.S])).toEqual([
      ['INSERT', 'batch-c'],
      ['MODIFY', 'batch-a'],
      ['REMOVE', 'batch-b'],
    ]);
    expect(records[1]?.dynamodb).toMatchObject({ OldImage: { v: { N: '1' } }, NewImage: { v: { N: '2' } } });
    expect(records[2]?.dynamodb).toMatchObject({ OldImage: { ...key('batch-b'), v: { N: '1' } } });
  });

  it('gives concurrent writers to one item records whose images chain, in commit order', async () => {
    await rig.client.send(new PutItemCommand({ TableName: STREAMED, Item: { ...key('hot'), n: { N: '0' } } }));
    await rig.takeRecords();

    const writers = 25;
    await Promise.all([
      ...Array.from({ length: writers }, () =>
        rig.client.send(
          new UpdateItemCommand({ TableName: STREAMED, Key: key('hot'), UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } }),
        ),
      ),
      // Batches that also write the hot item (with values no ADD can produce), alongside items of their own.
      ...Array.from({ length: 5 }, (_, index) =>
        rig.client.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [STREAMED]: [
                { PutRequest: { Item: { ...key(`cold-${index}`), n: { N: '1' } } } },
                { PutRequest: { Item: { ...key('hot'), n: { N: String(-1000 * (index + 1)) } } } },
              ],
            },
          }),
        ),
      ),
    ]);
    const records = await rig.takeRecords();
    const hot = records.filter((record) => record.dynamodb?.Keys?.pk?.S === 'hot');

    expect(hot).toHaveLength(writers + 5);
    expect(records.filter((record) => record.eventName === 'INSERT')).toHaveLength(5);
    // Delivered in sequence-number order, and each old image is the previous new image.
    for (let i = 1; i < records.length; i++) expect(sequenceOf(records[i]!) > sequenceOf(records[i - 1]!)).toBe(true);
    expect(hot[0]?.dynamodb?.OldImage?.n).toEqual({ N: '0' });
    for (let i = 1; i < hot.length; i++) expect(hot[i]?.dynamodb?.OldImage).toEqual(hot[i - 1]?.dynamodb?.NewImage);
    const adds = hot.filter((record, i) => Number(record.dynamodb?.NewImage?.n?.N) === Number(hot[i]?.dynamodb?.OldImage?.n?.N) + 1);
    expect(adds).toHaveLength(writers);
  });

  it('answers the drain route once everything captured is delivered, then runs the after-drain hook', async () => {
    await rig.client.send(new PutItemCommand({ TableName: STREAMED, Item: { ...key('drained'), v: { N: '1' } } }));
    const drainsBefore = rig.drains();
    const response = await fetch(`${rig.proxy.endpoint}/_local/stream/drain`, { method: 'POST' });
    const body = (await response.json()) as { delivered: number; failed: number };

    expect(response.status).toBe(200);
    expect(body.failed).toBe(0);
    expect(body.delivered).toBeGreaterThan(0);
    expect(rig.drains()).toBe(drainsBefore + 1);
    const stats = (await (await fetch(`${rig.proxy.endpoint}/_local/stream/stats`)).json()) as { streams: { pending: number; delivered: number }[] };
    expect(stats.streams[0]).toMatchObject({ pending: 0, delivered: body.delivered });
  });
});

describe('change-capture proxy with a throttled DynamoDB', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ throttleBatchWrites: true });
  });
  afterAll(async () => {
    await rig.stop();
  });

  it('records nothing for BatchWriteItem requests handed back as UnprocessedItems', async () => {
    const output = await rig.client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [STREAMED]: [
            { PutRequest: { Item: { ...key('taken'), v: { N: '1' } } } },
            { PutRequest: { Item: { ...key('left-over-1'), v: { N: '1' } } } },
            { PutRequest: { Item: { ...key('left-over-2'), v: { N: '1' } } } },
          ],
        },
      }),
    );
    expect(output.UnprocessedItems?.[STREAMED]).toHaveLength(2);

    const records = await rig.takeRecords();
    expect(records.map((record) => [record.eventName, record.dynamodb?.Keys?.pk?.S])).toEqual([['INSERT', 'taken']]);
  });
});
