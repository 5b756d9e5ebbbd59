import type { Identity } from '../../domain/identity';
import { changedFields, type Listing, type ListingVersion } from '../../domain/listing';
import { likelyDuplicateOf } from './likely-duplicate';
import { ownedListing, requireNotArchived, requireRevision, saveOver, type SavedListing } from './listing-access';
import { nowIso, type ListingDependencies } from './listing-dependencies';
import { abandonReviewHold, reserveReviewCapacity } from './review-capacity';
import { validateSubmission } from './validate-submission';

/**
 * A provider's edit goes to review; a published version stays live, unchanged, until a reviewer
 * approves the edit.
 */
export async function updateListing(
  identity: Identity,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
  deps: ListingDependencies,
): Promise<SavedListing> {
  const listing = await ownedListing(identity, id, deps);
  requireNotArchived(listing);
  requireRevision(listing, ifMatch);
  const pending = validateSubmission(body, deps.zips);
  // An edit of a listing already in review keeps its place; any other puts it in review and takes one.
  const hold = listing.pending ? undefined : await reserveReviewCapacity(identity.sub, listing.id, listing.revision + 1, deps);
  try {
    return await saveEdit(identity, listing, pending, deps);
  } catch (error) {
    if (hold) await abandonReviewHold(hold, deps, { exclusive: false });
    throw error;
  }
}

async function saveEdit(identity: Identity, listing: Listing, pending: ListingVersion, deps: ListingDependencies): Promise<SavedListing> {
  // A claimed program's listing is that program: only a listing of its own is checked, afresh with every edit.
  const duplicateOf = listing.programId ? listing.likelyDuplicateOf : await likelyDuplicateOf(listing.id, pending, deps);
  const now = nowIso(deps);
  const next: Listing = {
    ...listing,
    status: 'pending_review',
    pending,
    likelyDuplicateOf: duplicateOf,
    revision: listing.revision + 1,
    submittedAt: listing.pending ? listing.submittedAt : now,
    updatedAt: now,
    history: [
      ...listing.history,
      { at: now, actor: identity.sub, role: 'provider', action: 'updated', changes: changedFields(listing.pending ?? listing.live, pending) },
    ],
  };
  return saveOver(listing, next, deps);
}
