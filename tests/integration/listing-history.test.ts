import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient, dynamoDbConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbListingStore } from '../../functions/adapters/dynamodb/dynamodb-listing-store';
import { listingKey, ownerPartition } from '../../functions/adapters/dynamodb/listing-item';
import type { Listing, ListingHistoryEntry } from '../../functions/domain/listing';

/**
 * A listing's history lives beside it (issue 13, item 12): its item stays small however often it
 * is edited, and the history read with it always matches the state it was read with. The listings
 * here maintain a claimed program (`programId`), so the stream indexer ignores them.
 */
const table = dynamoDbConfig.PROGRAMS_TABLE;
const store = new DynamoDbListingStore(documentClient, table, cursorSigningKey);
/** DynamoDB's item size limit, which dynalite enforces too. */
const ITEM_LIMIT_BYTES = 400 * 1024;

function entry(n: number, note = `edit ${n}: ${'the evening group moved to the second floor; '.repeat(10)}`): ListingHistoryEntry {
  return { at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), actor: 'history-owner', role: 'provider', action: 'updated', changes: ['name', 'phone'], note };
}

function listing(history: ListingHistoryEntry[], revision = 1): Listing {
  const id = `lst_history_${randomUUID()}`;
  return {
    id,
    ownerId: `history-owner-${process.pid}`,
    programId: `prg_history_${id}`,
    status: 'published',
    revision,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    history,
  };
}

/** The next write of `current`, as an edit makes it: one revision up, one entry more. */
const edited = (current: Listing, added: ListingHistoryEntry): Listing => ({ ...current, revision: current.revision + 1, updatedAt: added.at, history: [...current.history, added] });

async function storedItemBytes(id: string): Promise<number> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: table, Key: listingKey(id), ConsistentRead: true }));
  return Buffer.byteLength(JSON.stringify(Item));
}

describe('listing history', () => {
  it('keeps accepting edits past what one item could hold, and reads the whole history back in order', async () => {
    let current = listing([entry(0)]);
    expect(await store.save(current, 'absent')).toBe(true);
    // About 560 bytes an entry: inline, 1,100 of them would be over 600 KB, past the 400 KB item limit.
    for (let n = 1; n <= 1_100; n++) {
      const next = edited(current, entry(n));
      expect(await store.save(next, current.revision)).toBe(true);
      current = next;
    }
    expect(Buffer.byteLength(JSON.stringify(current.history))).toBeGreaterThan(ITEM_LIMIT_BYTES);

    const read = await store.get(current.id);
    expect(read?.revision).toBe(1_101);
    expect(read?.history).toHaveLength(1_101);
    expect(read?.history.map((step) => step.note)).toEqual(current.history.map((step) => step.note));

    const further = edited(read!, entry(1_101, 'one more'));
    expect(await store.save(further, read!.revision)).toBe(true);
    expect((await store.get(current.id))?.history.at(-1)).toEqual(entry(1_101, 'one more'));
    expect(await storedItemBytes(current.id)).toBeLessThan(4_096);
  }, 240_000);

  it('shows only the winning write of a race in the history', async () => {
    const first = listing([entry(0)]);
    await store.save(first, 'absent');
    const saves = await Promise.all(['A', 'B', 'C'].map((who) => store.save(edited(first, entry(1, `by ${who}`)), first.revision)));
    expect(saves.filter(Boolean)).toHaveLength(1);

    const read = await store.get(first.id);
    expect(read?.history).toHaveLength(2);
    expect(read?.history[1]?.note).toBe(`by ${['A', 'B', 'C'][saves.indexOf(true)]}`);
    // A save over a stale revision writes nothing anyone reads.
    expect(await store.save(edited(first, entry(1, 'stale')), first.revision)).toBe(false);
    expect((await store.get(first.id))?.history.map((step) => step.note)).toEqual(read?.history.map((step) => step.note));
  });

  it('keeps the listing and its history as they were when a save dies between its two writes', async () => {
    const first = listing([entry(0)]);
    await store.save(first, 'absent');
    const crashing = new DynamoDbListingStore(crashOnListingWrite(documentClient), table, cursorSigningKey);
    await expect(crashing.save(edited(first, entry(1, 'lost')), first.revision)).rejects.toThrow('crashed');

    const read = await store.get(first.id);
    expect(read).toMatchObject({ revision: 1, history: [entry(0)] });
    const retried = edited(read!, entry(1, 'retried'));
    expect(await store.save(retried, read!.revision)).toBe(true);
    expect((await store.get(first.id))?.history.map((step) => step.note)).toEqual([entry(0).note, 'retried']);
  });

  it('reads a listing whose history is still inline, and moves it out on its next save, even one at the item limit', async () => {
    // Written as items were before history moved out: the entries inline, no chain.
    const legacy = listing(Array.from({ length: 660 }, (_, n) => entry(n)));
    const legacyItem = { ...listingKey(legacy.id), kind: 'listing', ...legacy, gsi1pk: ownerPartition(legacy.ownerId), gsi1sk: `${legacy.createdAt}#${legacy.id}` };
    expect(Buffer.byteLength(JSON.stringify(legacyItem))).toBeGreaterThan(ITEM_LIMIT_BYTES - 20 * 1024);
    await documentClient.send(new PutCommand({ TableName: table, Item: legacyItem }));

    const read = await store.get(legacy.id);
    expect(read?.history).toEqual(legacy.history);
    // Inline, this one more entry would take the item past the limit.
    const next = edited(read!, entry(660, 'x'.repeat(30 * 1024)));
    expect(await store.save(next, read!.revision)).toBe(true);
    expect((await store.get(legacy.id))?.history).toEqual(next.history);
    expect(await storedItemBytes(legacy.id)).toBeLessThan(4_096);
  });

  it('leaves history out of pages of listings', async () => {
    const owned = listing([entry(0)]);
    await store.save(owned, 'absent');
    const page = await store.listByOwner(owned.ownerId, { limit: 100 });
    const listed = page.items.find((item) => item.id === owned.id);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('history');
    expect(listed).not.toHaveProperty('historyHead');
  });
});

/** A client that fails the listing's own write, as a function dying after the history write would. */
function crashOnListingWrite(client: DynamoDBDocumentClient): DynamoDBDocumentClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: { input: { Item?: Record<string, unknown> } }) => {
        if (command instanceof PutCommand && command.input.Item?.kind === 'listing') throw new Error('crashed');
        return target.send(command as PutCommand);
      };
    },
  });
}
