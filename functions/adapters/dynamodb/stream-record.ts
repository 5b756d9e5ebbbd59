import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { IndexChange } from '../../ports/search-index';
import { fromListingItem, isListingItem } from './listing-item';
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
  return indexChangeOfItem(current, { removed: record.eventName === 'REMOVE' || !newImage });
}

/**
 * What the index must hold for one table item. The stream indexer and the reindex both decide
 * through here, so a rebuilt index is exactly what the stream would have built.
 * `removed`: the item was deleted, and `item` is its last image.
 */
export function indexChangeOfItem(item: Record<string, unknown>, { removed = false } = {}): DecodedStreamRecord {
  if (isListingItem(item)) return listingChange(item, removed);
  if (!isProgramItem(item)) return { kind: 'ignored' };
  const program = fromProgramItem(item);
  if (typeof program.id !== 'string' || typeof program.version !== 'number') {
    return { kind: 'malformed', reason: 'program image lacks id or version' };
  }
  if (removed) {
    // A hard delete carries no new version; one past the last write still orders it after it.
    return { kind: 'change', change: { kind: 'remove', id: program.id, version: program.version + 1 } };
  }
  return { kind: 'change', change: { kind: 'upsert', program } };
}

/**
 * A provider listing reaches the index as its live (approved) version, versioned by the
 * listing's revision; archived or never-approved listings are absent from search.
 */
function listingChange(item: Record<string, unknown>, removed: boolean): DecodedStreamRecord {
  const listing = fromListingItem(item);
  if (typeof listing.id !== 'string' || typeof listing.revision !== 'number') {
    return { kind: 'malformed', reason: 'listing image lacks id or revision' };
  }
  // A claimed program's listing is served as the program (its own item, its own versions).
  if (listing.programId) return { kind: 'ignored' };
  if (removed) {
    return { kind: 'change', change: { kind: 'remove', id: listing.id, version: listing.revision + 1 } };
  }
  if (listing.status === 'archived' || !listing.live) {
    return { kind: 'change', change: { kind: 'remove', id: listing.id, version: listing.revision } };
  }
  return { kind: 'change', change: { kind: 'upsert', program: { ...listing.live, status: 'published', version: listing.revision } } };
}
