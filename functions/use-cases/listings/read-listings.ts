import { toClaimView, type ClaimView } from '../../domain/claim';
import type { Identity } from '../../domain/identity';
import { toReportView, type ReportView } from '../../domain/report';
import { toListingView, type Listing, type ListingHistoryEntry, type ListingView } from '../../domain/listing';
import type { Page, QueueEntry } from '../../ports/listing-store';
import { etagOf, readableListing, requireReviewer } from './listing-access';
import type { ListingDependencies } from './listing-dependencies';

/** A listing as its owner and reviewers see it; a claimed program's view says where its source now differs. */
export async function viewOf(listing: Listing, deps: Pick<ListingDependencies, 'programs'>): Promise<ListingView> {
  const program = listing.programId ? await deps.programs.get(listing.programId) : undefined;
  return toListingView(listing, program);
}

export async function getListing(identity: Identity, id: string, deps: ListingDependencies): Promise<{ listing: ListingView; etag: string }> {
  const listing = await readableListing(identity, id, deps);
  return { listing: await viewOf(listing, deps), etag: etagOf(listing) };
}

export async function listOwnListings(identity: Identity, page: { limit: number; cursor?: string }, deps: ListingDependencies): Promise<Page<ListingView>> {
  const result = await deps.listings.listByOwner(identity.sub, page);
  return { items: result.items.map((listing) => toListingView(listing)), nextCursor: result.nextCursor };
}

export async function listingHistory(identity: Identity, id: string, deps: ListingDependencies): Promise<{ id: string; history: ListingHistoryEntry[] }> {
  const listing = await readableListing(identity, id, deps);
  return { id: listing.id, history: listing.history };
}

/** What a reviewer sees of one queue item: its `kind` and the item itself. */
export type QueueItemView = (ListingView & { kind: 'listing' }) | ClaimView | ReportView;

export async function reviewQueue(identity: Identity, page: { limit: number; cursor?: string }, deps: ListingDependencies): Promise<Page<QueueItemView>> {
  requireReviewer(identity);
  const result = await deps.listings.reviewQueue(page);
  return { items: result.items.map(queueItemView), nextCursor: result.nextCursor };
}

function queueItemView(entry: QueueEntry): QueueItemView {
  switch (entry.kind) {
    case 'listing':
      return { kind: 'listing', ...toListingView(entry.listing) };
    case 'claim':
      return toClaimView(entry.claim);
    case 'report':
      return toReportView(entry.report);
  }
}
