import type { Identity } from '../../domain/identity';
import { type Listing } from '../../domain/listing';
import { ownedListing, requireNotArchived, requireRevision, saveOver, type SavedListing } from './listing-access';
import { nowIso, type ListingDependencies } from './listing-dependencies';

/** Archiving takes the listing out of search and out of the review queue; its history stays. */
export async function archiveListing(
  identity: Identity,
  id: string,
  ifMatch: string | undefined,
  deps: ListingDependencies,
): Promise<SavedListing> {
  const listing = await ownedListing(identity, id, deps);
  requireNotArchived(listing);
  requireRevision(listing, ifMatch);
  const now = nowIso(deps);
  const next: Listing = {
    ...listing,
    status: 'archived',
    pending: undefined,
    submittedAt: undefined,
    revision: listing.revision + 1,
    updatedAt: now,
    history: [...listing.history, { at: now, actor: identity.sub, role: 'provider', action: 'archived' }],
  };
  return saveOver(listing, next, deps);
}
