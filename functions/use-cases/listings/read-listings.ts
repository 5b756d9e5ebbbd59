import type { Identity } from '../../domain/identity';
import { toListingView, type ListingHistoryEntry, type ListingView } from '../../domain/listing';
import type { Page } from '../../ports/listing-store';
import { etagOf, readableListing, requireReviewer } from './listing-access';
import type { ListingDependencies } from './listing-dependencies';

export async function getListing(identity: Identity, id: string, deps: ListingDependencies): Promise<{ listing: ListingView; etag: string }> {
  const listing = await readableListing(identity, id, deps);
  return { listing: toListingView(listing), etag: etagOf(listing) };
}

export async function listOwnListings(identity: Identity, page: { limit: number; cursor?: string }, deps: ListingDependencies): Promise<Page<ListingView>> {
  const result = await deps.listings.listByOwner(identity.sub, page);
  return { items: result.items.map(toListingView), nextCursor: result.nextCursor };
}

export async function listingHistory(identity: Identity, id: string, deps: ListingDependencies): Promise<{ id: string; history: ListingHistoryEntry[] }> {
  const listing = await readableListing(identity, id, deps);
  return { id: listing.id, history: listing.history };
}

export async function reviewQueue(identity: Identity, page: { limit: number; cursor?: string }, deps: ListingDependencies): Promise<Page<ListingView>> {
  requireReviewer(identity);
  const result = await deps.listings.reviewQueue(page);
  return { items: result.items.map(toListingView), nextCursor: result.nextCursor };
}
