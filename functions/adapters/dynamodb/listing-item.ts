import type { Listing } from '../../domain/listing';

export const OWNER_INDEX = 'gsi1';
export const REVIEW_QUEUE_INDEX = 'gsi2';
export const REVIEW_QUEUE_KEY = 'REVIEW_QUEUE';

export const listingKey = (id: string) => ({ pk: `LISTING#${id}`, sk: 'LISTING' });
export const ownerPartition = (ownerId: string) => `OWNER#${ownerId}`;
/**
 * One item per provider holding their reservations of review capacity: a map from listing id to
 * `{revision, reservedAt, token}`, so one conditional update both counts and adds atomically.
 */
export const pendingReservationsKey = (ownerId: string) => ({ pk: `PENDING#${ownerId}`, sk: 'PENDING' });
export const PENDING_RESERVATIONS_KIND = 'pending_reservations';
export const reviewQueuePartition = REVIEW_QUEUE_KEY;

/**
 * A listing item carries its index keys: every listing under its owner (gsi1), and only those
 * waiting for review under the queue (gsi2, a sparse index ordered by submission time).
 */
export function toListingItem(listing: Listing): Record<string, unknown> {
  const waiting = listing.status === 'pending_review' && listing.submittedAt;
  return {
    ...listingKey(listing.id),
    kind: 'listing',
    ...listing,
    gsi1pk: ownerPartition(listing.ownerId),
    gsi1sk: `${listing.createdAt}#${listing.id}`,
    ...(waiting ? { gsi2pk: REVIEW_QUEUE_KEY, gsi2sk: `${listing.submittedAt}#${listing.id}` } : {}),
  };
}

export function isListingItem(item: Record<string, unknown>): boolean {
  return item.kind === 'listing';
}

export function fromListingItem(item: Record<string, unknown>): Listing {
  const { pk: _pk, sk: _sk, kind: _kind, gsi1pk: _g1p, gsi1sk: _g1s, gsi2pk: _g2p, gsi2sk: _g2s, ...listing } = item;
  return listing as unknown as Listing;
}
