import type { Claim } from '../domain/claim';
import type { Listing, ListingWithoutHistory } from '../domain/listing';
import type { Report } from '../domain/report';

/** What waits in the review queue: a listing version, a claim, or a problem report (its stored fields). */
export type QueueEntry =
  | { kind: 'listing'; listing: ListingWithoutHistory }
  | { kind: 'claim'; claim: Claim }
  | { kind: 'report'; report: Report };

/**
 * One listing's place in its owner's review capacity (MAX_PENDING_LISTINGS): taken before the
 * write that puts the listing in review, given back after the write that takes it out.
 */
export interface PendingReservation {
  listingId: string;
  /** The listing revision whose write puts the listing in review. */
  revision: number;
  reservedAt: string;
  /** Tells this reservation from another of the same listing. */
  token: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Where provider listings live (the programs table in DynamoDB). */
export interface ListingStore {
  /** The listing with its whole history. */
  get(id: string): Promise<Listing | undefined>;
  /**
   * Writes the listing if the stored one still has `expectedRevision` (`'absent'`: none stored).
   * Returns false, writing nothing, when someone else got there first. `listing.history` is the
   * stored history (as `get` read it at that revision) followed by the entries this write adds;
   * however long it grows, saving never fails for its size.
   */
  save(listing: Listing, expectedRevision: number | 'absent'): Promise<boolean>;
  /** The owner's listings, newest first, without their history. */
  listByOwner(ownerId: string, page: { limit: number; cursor?: string }): Promise<Page<ListingWithoutHistory>>;
  /** The owner's reservations of review capacity; undefined when none was ever recorded for the owner. */
  pendingReservations(ownerId: string): Promise<PendingReservation[] | undefined>;
  /** Starts the owner's record of reservations with `reservations`, unless one exists already. */
  startPendingReservations(ownerId: string, reservations: readonly PendingReservation[]): Promise<void>;
  /**
   * Adds the reservation, atomically, if the owner holds fewer than `max` and none for the same
   * listing. False, writing nothing, otherwise, or when the owner has no record yet.
   */
  reservePending(ownerId: string, reservation: PendingReservation, max: number): Promise<boolean>;
  /**
   * Removes the listing's reservation if it is the one `token` names, or if it was taken for a
   * revision up to `upToRevision`. False when no such reservation is there (any more).
   */
  releasePending(ownerId: string, listingId: string, which: { token: string } | { upToRevision: number }): Promise<boolean>;
  /** Everything waiting for a reviewer (listings, claims, reports), oldest submission first. */
  reviewQueue(page: { limit: number; cursor?: string }): Promise<Page<QueueEntry>>;
}
