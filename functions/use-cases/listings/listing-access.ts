import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError } from '../../domain/errors';
import type { Identity } from '../../domain/identity';
import { toListingView, type Listing, type ListingView } from '../../domain/listing';
import type { ListingDependencies } from './listing-dependencies';

const notFound = (id: string) => new NotFoundError(`No listing ${id}`, [{ path: 'id', message: 'not found' }]);

/**
 * A listing the caller may read: its owner's, or any for a reviewer. Someone else's listing is
 * reported as missing, so a provider cannot learn which ids exist.
 */
export async function readableListing(identity: Identity, id: string, deps: ListingDependencies): Promise<Listing> {
  const listing = await deps.listings.get(id);
  if (!listing || (listing.ownerId !== identity.sub && !identity.isReviewer)) throw notFound(id);
  return listing;
}

/** A listing the caller owns; anyone else's is missing, reviewers included (they review, not edit). */
export async function ownedListing(identity: Identity, id: string, deps: ListingDependencies): Promise<Listing> {
  const listing = await deps.listings.get(id);
  if (!listing || listing.ownerId !== identity.sub) throw notFound(id);
  return listing;
}

export function requireReviewer(identity: Identity): void {
  if (!identity.isReviewer) throw new ForbiddenError('Only reviewers may do this');
}

/**
 * Four eyes: whoever submitted an item (a listing's owner, a claim's claimant) may not decide it,
 * even as a reviewer, or it would reach the public with nobody else having looked at it.
 */
export function requireSomeoneElses(identity: Identity, submitterId: string, kind: 'listing' | 'claim'): void {
  if (submitterId === identity.sub) {
    throw new ForbiddenError(`Reviewers may not decide a ${kind} they submitted; another reviewer must`, [{ path: 'id', message: `is your own ${kind}` }]);
  }
}

export function requireNotArchived(listing: Listing): void {
  if (listing.status === 'archived') throw new ConflictError(`Listing ${listing.id} is archived`, [{ path: 'id', message: 'is archived' }]);
}

/** `If-Match` holds the ETag of a read (`"7"`); `*` accepts any current revision. */
export function requireRevision(listing: Listing, ifMatch: string | undefined): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const expected = ifMatch.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  if (expected !== String(listing.revision)) {
    throw new PreconditionFailedError('The listing changed since it was read; read it again and reapply the change', [
      { path: 'If-Match', message: `is ${ifMatch}, the listing is at ${etagOf(listing)}` },
    ]);
  }
}

export const etagOf = (listing: Pick<Listing, 'revision'>) => `"${listing.revision}"`;

/** What a write answers with: the listing as its owner and reviewers see it, and its new ETag. */
export interface SavedListing {
  listing: ListingView;
  etag: string;
}

/** Saves a change made on top of `listing` as read; a concurrent writer in between makes it a 412. */
export async function saveOver(listing: Listing, next: Listing, deps: ListingDependencies): Promise<SavedListing> {
  const saved = await deps.listings.save(next, listing.revision);
  if (!saved) {
    throw new PreconditionFailedError('The listing changed while this request was applied; read it again and reapply the change', [
      { path: 'If-Match', message: 'is no longer the current revision' },
    ]);
  }
  return { listing: toListingView(next), etag: etagOf(next) };
}
