import type { Claim } from '../domain/claim';
import type { Listing } from '../domain/listing';
import type { Report } from '../domain/report';

/** What waits in the review queue: a listing version, a claim, or a problem report (its stored fields). */
export type QueueEntry =
  | { kind: 'listing'; listing: Listing }
  | { kind: 'claim'; claim: Claim }
  | { kind: 'report'; report: Report };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Where provider listings live (the programs table in DynamoDB). */
export interface ListingStore {
  get(id: string): Promise<Listing | undefined>;
  /**
   * Writes the listing if the stored one still has `expectedRevision` (`'absent'`: none stored).
   * Returns false, writing nothing, when someone else got there first.
   */
  save(listing: Listing, expectedRevision: number | 'absent'): Promise<boolean>;
  listByOwner(ownerId: string, page: { limit: number; cursor?: string }): Promise<Page<Listing>>;
  countPendingByOwner(ownerId: string): Promise<number>;
  /** Everything waiting for a reviewer (listings, claims, reports), oldest submission first. */
  reviewQueue(page: { limit: number; cursor?: string }): Promise<Page<QueueEntry>>;
}
