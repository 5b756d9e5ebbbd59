import { describe, expect, it } from 'vitest';
import type { Listing } from '../../functions/domain/listing';
import { MemoryListingStore } from '../fakes/listing-store';

/** The fake keeps DynamoDbListingStore's shape of reads: history with `get`, none in pages. */
describe('MemoryListingStore', () => {
  const listing: Listing = {
    id: 'lst_fake_1',
    ownerId: 'owner-1',
    status: 'pending_review',
    submittedAt: '2026-01-01T00:00:00.000Z',
    revision: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    history: [{ at: '2026-01-01T00:00:00.000Z', actor: 'owner-1', role: 'provider', action: 'created' }],
  };

  it('reads a listing with its history, and pages of listings without', async () => {
    const store = new MemoryListingStore();
    await store.save(listing, 'absent');
    expect((await store.get(listing.id))?.history).toEqual(listing.history);

    const [owned] = (await store.listByOwner('owner-1', { limit: 10 })).items;
    expect(owned?.id).toBe(listing.id);
    expect(owned).not.toHaveProperty('history');
    const [queued] = (await store.reviewQueue({ limit: 10 })).items;
    expect(queued?.kind === 'listing' && queued.listing).not.toHaveProperty('history');
  });
});
