import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { IndexChange } from '../../ports/search-index';
import { fromProgramItem, isProgramItem } from './program-item';

export type DecodedStreamRecord =
  | { kind: 'change'; change: IndexChange }
  /** An item that is not a program (later item kinds share the table): nothing to index. */
  | { kind: 'ignored' }
  | { kind: 'malformed'; reason: string };

function image(raw: unknown): Record<string, unknown> | undefined {
  return raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;
}

/** Turns one DynamoDB Stream record (NEW_AND_OLD_IMAGES) into the change the index must apply. */
export function decodeStreamRecord(record: DynamoDBRecord): DecodedStreamRecord {
  const newImage = image(record.dynamodb?.NewImage);
  const oldImage = image(record.dynamodb?.OldImage);
  const current = newImage ?? oldImage;
  if (!current) return { kind: 'malformed', reason: 'record carries neither image' };
  if (!isProgramItem(current)) return { kind: 'ignored' };
  const program = fromProgramItem(current);
  if (typeof program.id !== 'string' || typeof program.version !== 'number') {
    return { kind: 'malformed', reason: 'program image lacks id or version' };
  }
  if (record.eventName === 'REMOVE' || !newImage) {
    // A hard delete carries no new version; one past the last write still orders it after it.
    return { kind: 'change', change: { kind: 'remove', id: program.id, version: program.version + 1 } };
  }
  return { kind: 'change', change: { kind: 'upsert', program } };
}
