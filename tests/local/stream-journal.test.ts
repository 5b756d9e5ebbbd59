import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { launchDynalite } from '../../local/engines/dynamodb';
import { startChangeCaptureProxy } from '../../local/stream/change-capture-proxy';
import { DeadLetterFile } from '../../local/stream/dead-letter-file';
import { EventSourceMapping } from '../../local/stream/event-source-mapping';
import { StreamJournal } from '../../local/stream/stream-journal';
import { StreamRecordFactory } from '../../local/stream/stream-records';

const scratch = mkdtempSync(join(tmpdir(), 'iop-journal-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let directories = 0;
const freshDirectory = () => join(scratch, `journal-${directories++}`);

function records(from: number, count: number): DynamoDBRecord[] {
  return Array.from({ length: count }, (_, offset) => ({
    eventID: `event-${from + offset}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { pk: { S: `item-${from + offset}` } }, SequenceNumber: String(1_000 + from + offset) },
  }));
}
const sequenceNumbers = (list: readonly DynamoDBRecord[]) => list.map((record) => record.dynamodb?.SequenceNumber);
const segments = (directory: string) => readdirSync(directory).filter((name) => name.endsWith('.ndjson'));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('stream journal', () => {
  it('gives a new process every record the killed one had not settled, in capture order, and nothing it had', async () => {
    const directory = freshDirectory();
    const first = (await StreamJournal.open({ directory, segmentBytes: 200 })).journal;
    const queued: string[] = [];
    // Concurrent writes: each is on disk (and queued) in call order, whatever finishes first.
    await Promise.all([0, 3, 6, 9].map((from) => first.write(records(from, 3), () => queued.push(...sequenceNumbers(records(from, 3)).map(String)))));
    expect(queued).toEqual(sequenceNumbers(records(0, 12)));
    expect(segments(directory).length).toBeGreaterThan(1);

    first.settle('1004');
    await until(() => existsSync(join(directory, 'checkpoint.json')) && readFileSync(join(directory, 'checkpoint.json'), 'utf8').includes('1004'), 'the checkpoint');
    // The process dies here: no close(), and its last write was cut short.
    appendFileSync(join(directory, segments(directory).at(-1)!), '{"eventID":"torn","dyn');

    const logged: string[] = [];
    const { journal: second, unsettled } = await StreamJournal.open({ directory, log: (line) => logged.push(line) });
    expect(sequenceNumbers(unsettled)).toEqual(sequenceNumbers(records(5, 7)));
    expect(logged).toEqual([expect.stringContaining('partly written last record')]);
    // New records must be numbered past everything the journal has seen.
    expect(second.lastSequenceNumber).toBe(1_011n);

    second.settle('1011');
    await second.close();
    expect(segments(directory)).toEqual([]);
    expect((await StreamJournal.open({ directory })).unsettled).toEqual([]);
  });

  it('deletes segments once everything in them is settled, so a long-running stack keeps only its backlog', async () => {
    const directory = freshDirectory();
    const { journal } = await StreamJournal.open({ directory, segmentBytes: 300 });
    for (let from = 0; from < 40; from += 2) await journal.write(records(from, 2), () => {});
    const before = segments(directory).length;
    expect(before).toBeGreaterThan(5);
    journal.settle('1029');
    await journal.write(records(40, 2), () => {});
    await until(() => segments(directory).length < before / 2, 'settled segments to go');
    await journal.close();
    const { unsettled } = await StreamJournal.open({ directory });
    expect(sequenceNumbers(unsettled)).toEqual(sequenceNumbers(records(30, 12)));
  });

  it('numbers new records past the journal even when the clock is behind it', () => {
    const farAhead = BigInt(Date.now() + 3_600_000) * 1_000_000n;
    const record = new StreamRecordFactory('us-east-1', farAhead).toRecord({ keys: { pk: { S: 'a' } }, newImage: { pk: { S: 'a' } }, streamArn: 'arn' });
    expect(BigInt(record!.dynamodb!.SequenceNumber!)).toBe(farAhead + 1n);
  });
});

describe('the event source mapping with a journal', () => {
  it('answers a write only once its record is on disk, and a stopped mapping leaves undelivered records for the next start', async () => {
    const directory = freshDirectory();
    const dynalite = await launchDynalite();
    const { journal } = await StreamJournal.open({ directory });
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const delivered: DynamoDBStreamEvent[] = [];
    const mapping = new EventSourceMapping({
      functionName: 'stuck-indexer',
      // The indexer never finishes its first batch, as in a stack killed mid-delivery.
      handler: async (event) => {
        delivered.push(event);
        await stuck;
        throw new Error('the indexer went away');
      },
      deadLetters: new DeadLetterFile(join(directory, 'dlq.ndjson')),
      journal,
      batchingWindowMs: 1,
      retryDelayMs: () => 1,
      log: () => {},
    });
    const proxy = await startChangeCaptureProxy({ upstreamEndpoint: dynalite.endpoint, region: 'us-east-1', streams: new Map([['journaled', mapping]]), log: () => {} });
    const client = new DynamoDBClient({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    try {
      await client.send(
        new CreateTableCommand({
          TableName: 'journaled',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
      await client.send(new PutItemCommand({ TableName: 'journaled', Item: { pk: { S: 'acknowledged' } } }));
      // Answered: so it is in the journal already, before any delivery finished.
      const onDisk = segments(directory).map((name) => readFileSync(join(directory, name), 'utf8')).join('');
      expect(onDisk).toContain('"acknowledged"');
      await until(() => delivered.length === 1, 'the first delivery attempt');

      const stopping = mapping.stop();
      release();
      await stopping;
      await journal.close();
      // Nothing was dead-lettered: the journal keeps the record for the next start instead.
      expect(existsSync(join(directory, 'dlq.ndjson'))).toBe(false);
      const { unsettled } = await StreamJournal.open({ directory });
      expect(unsettled.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['acknowledged']);

      const next = new EventSourceMapping({
        functionName: 'next-indexer',
        handler: async (event) => void delivered.push(event),
        deadLetters: new DeadLetterFile(join(directory, 'dlq.ndjson')),
        batchingWindowMs: 1,
        log: () => {},
      });
      next.recover(unsettled);
      await next.drain();
      expect(next.stats()).toMatchObject({ received: 1, recovered: 1, delivered: 1 });
      expect(() => next.recover(unsettled)).toThrow(/before any new ones/);
      await next.stop();
    } finally {
      client.destroy();
      await proxy.stop();
      await dynalite.stop();
    }
  });
});
