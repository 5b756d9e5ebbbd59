import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { documentClient, openSearchClient, dynamoDbConfig, openSearchConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { toProgramItem } from '../../functions/adapters/dynamodb/program-item';
import { OpenSearchSearchIndex } from '../../functions/adapters/opensearch/opensearch-search-index';
import type { Program } from '../../functions/domain/program';
import { handler as indexStream } from '../../functions/handlers/index-stream';
import { createLambdaContext } from '../../local/lambda/lambda-context';
import { makeProgram } from '../support/program-fixtures';
import { awaitIndexed } from '../support/stream';

const SOURCE = 'test-indexer';
const searchIndex = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS, cursorSigningKey);
let sequence = 1_000;

function image(program: Program): Record<string, AttributeValue> {
  return marshall(toProgramItem(program), { removeUndefinedValues: true });
}

function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', newProgram?: Program, oldProgram?: Program): DynamoDBRecord {
  const key = newProgram ?? oldProgram!;
  sequence++;
  return {
    eventID: `event-${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    eventVersion: '1.1',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/test/stream/2026',
    dynamodb: {
      Keys: { pk: { S: `PROGRAM#${key.id}` }, sk: { S: 'PROGRAM' } },
      NewImage: newProgram ? (image(newProgram) as never) : undefined,
      OldImage: oldProgram ? (image(oldProgram) as never) : undefined,
      SequenceNumber: String(sequence),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

const deliver = (...records: DynamoDBRecord[]) => indexStream({ Records: records } satisfies DynamoDBStreamEvent, createLambdaContext('index-stream'));

describe('stream indexer', () => {
  it('keeps the newest version whatever order changes arrive in, and replays are harmless', async () => {
    const v1 = makeProgram(SOURCE, 'ordering', { name: 'First Name' });
    const v2 = { ...v1, name: 'Second Name', version: 2 };
    expect(await deliver(record('MODIFY', v2, v1))).toEqual({ batchItemFailures: [] });
    // The older change arrives late, then the newer one is replayed: neither may win or fail.
    expect(await deliver(record('INSERT', v1), record('MODIFY', v2, v1))).toEqual({ batchItemFailures: [] });
    expect((await searchIndex.get(v1.id))?.name).toBe('Second Name');
  });

  it('removes a program on REMOVE and on archive, and a late older upsert does not bring it back', async () => {
    const removed = makeProgram(SOURCE, 'removed', { version: 3 });
    await deliver(record('INSERT', removed));
    expect(await searchIndex.get(removed.id)).toBeDefined();
    await deliver(record('REMOVE', undefined, removed));
    expect(await searchIndex.get(removed.id)).toBeUndefined();
    await deliver(record('MODIFY', removed));
    expect(await searchIndex.get(removed.id)).toBeUndefined();

    const archived = makeProgram(SOURCE, 'archived');
    await deliver(record('INSERT', archived));
    await deliver(record('MODIFY', { ...archived, status: 'archived', version: 2 }, archived));
    expect(await searchIndex.get(archived.id)).toBeUndefined();
  });

  it('reports exactly the records the index refused, and applies the rest', async () => {
    const good = makeProgram(SOURCE, 'good-neighbour');
    // A latitude out of range is refused by OpenSearch's geo_point mapping: a real partial failure.
    const poison = makeProgram(SOURCE, 'poison', { location: { lat: 123, lon: 0 } });
    const after = makeProgram(SOURCE, 'after-poison');
    const poisonRecord = record('INSERT', poison);
    const response = await deliver(record('INSERT', good), poisonRecord, record('INSERT', after));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poisonRecord.dynamodb!.SequenceNumber }]);
    expect(await searchIndex.get(good.id)).toBeDefined();
    expect(await searchIndex.get(after.id)).toBeDefined();
    expect(await searchIndex.get(poison.id)).toBeUndefined();
  });

  it('ignores items that are not programs', async () => {
    const other: DynamoDBRecord = {
      ...record('INSERT', makeProgram(SOURCE, 'not-a-program')),
    };
    other.dynamodb!.NewImage = marshall({ pk: 'AUDIT#1', sk: 'META', kind: 'audit' }) as never;
    expect(await deliver(other)).toEqual({ batchItemFailures: [] });
  });

  it('receives every committed write through the local stream, end to end', async () => {
    const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
    const program = makeProgram(SOURCE, 'end-to-end', { name: 'Written Through Dynamo' });
    await store.putMany([program]);
    await awaitIndexed();
    expect((await searchIndex.get(program.id))?.name).toBe('Written Through Dynamo');
    await store.putMany([{ ...program, name: 'Renamed Through Dynamo', version: 2 }]);
    await awaitIndexed();
    expect((await searchIndex.get(program.id))?.name).toBe('Renamed Through Dynamo');
  });
});
