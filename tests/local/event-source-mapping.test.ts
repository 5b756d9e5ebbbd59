import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DeadLetterFile } from '../../local/stream/dead-letter-file';
import { EventSourceMapping, type StreamHandler } from '../../local/stream/event-source-mapping';

const directory = mkdtempSync(join(tmpdir(), 'iop-esm-'));
const mappings: EventSourceMapping[] = [];

afterEach(async () => {
  await Promise.all(mappings.splice(0).map((mapping) => mapping.stop()));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function records(from: number, count: number): DynamoDBRecord[] {
  return Array.from({ length: count }, (_, offset) => ({
    eventID: `event-${from + offset}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { pk: { S: `item-${from + offset}` } }, SequenceNumber: String(1000 + from + offset) },
  }));
}

const sequenceNumbers = (event: DynamoDBStreamEvent) => event.Records.map((record) => record.dynamodb?.SequenceNumber);

function mapping(handler: StreamHandler, overrides: { batchSize?: number; maxRetries?: number } = {}) {
  const lines: string[] = [];
  const deadLetters = new DeadLetterFile(join(directory, `dlq-${mappings.length}-${Date.now()}.ndjson`));
  const created = new EventSourceMapping({
    functionName: 'test-indexer',
    handler,
    deadLetters,
    batchingWindowMs: 5,
    retryDelayMs: () => 1,
    log: (line) => lines.push(line),
    ...overrides,
  });
  mappings.push(created);
  return { mapping: created, deadLetters, lines };
}

describe('event source mapping', () => {
  it('delivers every record once, in order, in batches no larger than the batch size', async () => {
    const invocations: DynamoDBStreamEvent[] = [];
    const { mapping: esm } = mapping(async (event) => void invocations.push(event), { batchSize: 4 });
    esm.append(records(0, 3));
    esm.append(records(3, 7));
    await esm.drain();

    expect(invocations.every((event) => event.Records.length <= 4)).toBe(true);
    expect(invocations.flatMap(sequenceNumbers)).toEqual(records(0, 10).map((record) => record.dynamodb?.SequenceNumber));
    expect(esm.stats()).toMatchObject({ received: 10, delivered: 10, failed: 0, pending: 0, retries: 0 });
  });

  it('retries from the lowest failed sequence number, keeping what succeeded before it', async () => {
    const invocations: DynamoDBStreamEvent[] = [];
    let failOnce = true;
    const { mapping: esm } = mapping(async (event): Promise<DynamoDBBatchResponse> => {
      invocations.push(event);
      if (!failOnce) return { batchItemFailures: [] };
      failOnce = false;
      // Reported out of order on purpose: the checkpoint is the lowest one, 1003.
      return { batchItemFailures: [{ itemIdentifier: '1005' }, { itemIdentifier: '1003' }] };
    });
    esm.append(records(0, 6));
    await esm.drain();

    expect(invocations.map(sequenceNumbers)).toEqual([
      ['1000', '1001', '1002', '1003', '1004', '1005'],
      ['1003', '1004', '1005'],
    ]);
    expect(esm.stats()).toMatchObject({ delivered: 6, failed: 0, retries: 1 });
  });

  it('retries the whole batch when the function throws', async () => {
    const invocations: DynamoDBStreamEvent[] = [];
    const { mapping: esm } = mapping(async (event) => {
      invocations.push(event);
      if (invocations.length < 3) throw new Error('OpenSearch is down');
      return { batchItemFailures: [] };
    });
    esm.append(records(0, 2));
    await esm.drain();

    expect(invocations.map(sequenceNumbers)).toEqual([
      ['1000', '1001'],
      ['1000', '1001'],
      ['1000', '1001'],
    ]);
    expect(esm.stats()).toMatchObject({ delivered: 2, failed: 0, retries: 2 });
  });

  it('treats an unknown or empty item identifier as a failure of the whole batch, as Lambda does', async () => {
    const invocations: DynamoDBStreamEvent[] = [];
    const { mapping: esm } = mapping(async (event) => {
      invocations.push(event);
      return invocations.length === 1 ? { batchItemFailures: [{ itemIdentifier: '' }] } : undefined;
    });
    esm.append(records(0, 3));
    await esm.drain();

    expect(invocations.map(sequenceNumbers)).toEqual([
      ['1000', '1001', '1002'],
      ['1000', '1001', '1002'],
    ]);
  });

  it('dead-letters the failing rest of a batch after the last retry and moves on', async () => {
    const invocations: DynamoDBStreamEvent[] = [];
    const { mapping: esm, deadLetters, lines } = mapping(
      async (event): Promise<DynamoDBBatchResponse> => {
        invocations.push(event);
        const poisoned = event.Records.find((record) => record.dynamodb?.SequenceNumber === '1001');
        return { batchItemFailures: poisoned ? [{ itemIdentifier: '1001' }] : [] };
      },
      { maxRetries: 2, batchSize: 3 },
    );
    esm.append(records(0, 3));
    await esm.drain();
    esm.append(records(3, 2));
    await esm.drain();

    // One attempt and two retries of the failing part, then the next records go through.
    expect(invocations.map(sequenceNumbers)).toEqual([['1000', '1001', '1002'], ['1001', '1002'], ['1001', '1002'], ['1003', '1004']]);
    expect(esm.stats()).toMatchObject({ received: 5, delivered: 3, failed: 2, pending: 0, retries: 2 });

    const deadLettered = readFileSync(deadLetters.path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { functionName: string; attempts: number; reason: string; record: DynamoDBRecord });
    expect(deadLettered.map((entry) => entry.record.dynamodb?.SequenceNumber)).toEqual(['1001', '1002']);
    expect(deadLettered[0]).toMatchObject({ functionName: 'test-indexer', attempts: 3 });
    expect(lines.some((line) => line.includes('gave up on 2 records') && line.includes(deadLetters.path))).toBe(true);
  });

  it('writes no dead-letter file while everything succeeds', async () => {
    const { mapping: esm, deadLetters } = mapping(async () => ({ batchItemFailures: [] }));
    esm.append(records(0, 2));
    await esm.drain();
    expect(existsSync(deadLetters.path)).toBe(false);
  });
});
