import { contentHash } from '../../domain/content-hash';
import { ConflictError, PreconditionFailedError } from '../../domain/errors';
import type { Identity } from '../../domain/identity';
import { changedFields, PROVIDER_SOURCE, type Listing, type ListingVersion } from '../../domain/listing';
import type { Program } from '../../domain/program';
import { readableListing, requireReviewer, requireRevision, requireSomeoneElses, saveOver, type SavedListing } from './listing-access';
import { nowIso, type ListingDependencies } from './listing-dependencies';
import { releaseReviewCapacity } from './review-capacity';

/** The listing a reviewer acts on, as read, with the version waiting for review. */
async function underReview(
  identity: Identity,
  id: string,
  ifMatch: string | undefined,
  deps: ListingDependencies,
): Promise<{ listing: Listing; pending: NonNullable<Listing['pending']> }> {
  requireReviewer(identity);
  const listing = await readableListing(identity, id, deps);
  requireSomeoneElses(identity, listing.ownerId, 'listing');
  requireRevision(listing, ifMatch);
  if (listing.status !== 'pending_review' || !listing.pending) {
    throw new ConflictError(`Listing ${listing.id} has nothing waiting for review`, [{ path: 'id', message: `is ${listing.status}` }]);
  }
  return { listing, pending: listing.pending };
}

/** Approval swaps the reviewed version in: from now on it is what the public finds. */
export async function approveListing(
  identity: Identity,
  id: string,
  ifMatch: string | undefined,
  deps: ListingDependencies,
): Promise<SavedListing> {
  const { listing, pending } = await underReview(identity, id, ifMatch, deps);
  const now = nowIso(deps);
  const revision = listing.revision + 1;
  const live: Program = listing.programId
    ? await serveAsProgram(listing, pending, now, deps)
    : {
        ...pending,
        id: listing.id,
        source: PROVIDER_SOURCE,
        externalId: listing.id,
        status: 'published',
        version: revision,
        contentHash: contentHash(pending),
        // Contract 1.1: a provider's version is as of its approval, and the approval verifies it.
        dataAsOf: now.slice(0, 10),
        verifiedAt: now,
        createdAt: listing.live?.createdAt ?? now,
        updatedAt: now,
      };
  const next: Listing = {
    ...listing,
    status: 'published',
    live,
    pending: undefined,
    submittedAt: undefined,
    reviewNotes: undefined,
    revision,
    updatedAt: now,
    history: [
      ...listing.history,
      { at: now, actor: identity.sub, role: 'reviewer', action: 'approved', changes: changedFields(listing.live, pending) },
    ],
  };
  return leaveReview(listing, next, deps);
}

/** Saves a reviewer's decision over the listing as read, then gives back the review capacity it held. */
async function leaveReview(listing: Listing, next: Listing, deps: ListingDependencies): Promise<SavedListing> {
  const saved = await saveOver(listing, next, deps);
  await releaseReviewCapacity(next, deps);
  return saved;
}

/**
 * A claimed program's approved edit is served as the program: its item takes the owner's version
 * (what the directory keeps about the program itself: id, source, owner, the source's latest
 * statement, registry licences, stays), one version up, written before the listing so a crash in
 * between leaves the edit pending and approving it again completes it.
 */
async function serveAsProgram(listing: Listing, pending: ListingVersion, now: string, deps: ListingDependencies): Promise<Program> {
  const program = listing.programId ? await deps.programs.get(listing.programId) : undefined;
  if (!program || program.ownedBy !== listing.id) {
    throw new ConflictError(`Listing ${listing.id} no longer owns program ${listing.programId}`, [{ path: 'id', message: 'is not the program owner' }]);
  }
  const served: Program = {
    ...pending,
    id: program.id,
    source: program.source,
    externalId: program.externalId,
    ownedBy: program.ownedBy,
    ...(program.sourceStatement && { sourceStatement: program.sourceStatement }),
    ...(program.registryLicenses && { registryLicenses: program.registryLicenses }),
    status: 'published',
    version: program.version + 1,
    contentHash: contentHash(pending),
    dataAsOf: now.slice(0, 10),
    verifiedAt: now,
    createdAt: program.createdAt,
    updatedAt: now,
  };
  if (!(await deps.programs.replace(served, program.version))) {
    throw new PreconditionFailedError('The program changed while the edit was approved; approve it again', [{ path: 'id', message: 'changed meanwhile' }]);
  }
  return served;
}

/** Rejection drops the pending version with a reason the provider sees; a live version stays live. */
export async function rejectListing(
  identity: Identity,
  id: string,
  reason: string,
  ifMatch: string | undefined,
  deps: ListingDependencies,
): Promise<SavedListing> {
  const { listing } = await underReview(identity, id, ifMatch, deps);
  const now = nowIso(deps);
  const next: Listing = {
    ...listing,
    status: listing.live ? 'published' : 'rejected',
    pending: undefined,
    submittedAt: undefined,
    reviewNotes: reason,
    revision: listing.revision + 1,
    updatedAt: now,
    history: [...listing.history, { at: now, actor: identity.sub, role: 'reviewer', action: 'rejected', note: reason }],
  };
  return leaveReview(listing, next, deps);
}
