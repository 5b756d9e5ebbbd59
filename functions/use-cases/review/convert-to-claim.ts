import { claimIdFor, toClaimView, type Claim, type ClaimView } from '../../domain/claim';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../../domain/errors';
import type { Identity } from '../../domain/identity';
import { archivedListing, type Listing } from '../../domain/listing';
import { requireReviewer, requireRevision } from '../listings/listing-access';
import { nowIso, type ListingDependencies } from '../listings/listing-dependencies';
import { releaseReviewCapacity } from '../listings/review-capacity';

const conflict = (message: string, detail: string) => new ConflictError(message, [{ path: 'id', message: detail }]);

/**
 * A reviewer turns a new listing flagged as a likely duplicate of a published program into a
 * claim on that program by the listing's owner (contract 7): the claim waits in the queue in the
 * listing's place, and the listing is archived. Approving the claim then gives the owner a
 * listing that maintains the program, as for any claim.
 *
 * Two writes, the claim first: a crash between them leaves an open claim made from this listing,
 * which a retried conversion recognises and completes by archiving the listing.
 */
export async function convertToClaim(identity: Identity, id: string, ifMatch: string | undefined, deps: ListingDependencies): Promise<ClaimView> {
  requireReviewer(identity);
  const listing = await deps.listings.get(id);
  if (!listing) throw new NotFoundError(`No listing ${id}`, [{ path: 'id', message: 'not found' }]);
  requireRevision(listing, ifMatch);
  if (listing.status !== 'pending_review' || !listing.pending) throw conflict(`Listing ${id} is not waiting for review`, `is ${listing.status}`);
  const programId = listing.likelyDuplicateOf;
  if (!programId || listing.programId) throw conflict(`Listing ${id} is not flagged as a likely duplicate`, 'has no likelyDuplicateOf');

  const claimId = claimIdFor(programId, listing.ownerId);
  const earlier = await deps.claims.get(claimId);
  const resumed = earlier?.status === 'open' && earlier.fromListingId === listing.id;
  let claim: Claim;
  if (resumed) {
    claim = earlier;
  } else {
    claim = await newClaim(listing, programId, claimId, earlier, deps);
    if (!(await deps.claims.save(claim, earlier ? earlier.revision : 'absent'))) {
      throw conflict(`The owner of listing ${id} claimed program ${programId} meanwhile`, 'a claim was made at the same time');
    }
  }

  const now = nowIso(deps);
  const archived = archivedListing(listing, now, { actor: identity.sub, role: 'reviewer', note: `converted to claim ${claim.id}` });
  if (!(await deps.listings.save(archived, listing.revision))) {
    // The claim stands; converting again finds it and archives the listing as it is then.
    throw new PreconditionFailedError(`Listing ${id} changed while it was converted; convert it again`, [{ path: 'id', message: 'changed meanwhile' }]);
  }
  await releaseReviewCapacity(archived, deps);
  return toClaimView(claim);
}

async function newClaim(listing: Listing, programId: string, claimId: string, earlier: Claim | undefined, deps: ListingDependencies): Promise<Claim> {
  const program = await deps.programs.get(programId);
  if (!program || program.status !== 'published') {
    throw conflict(`Program ${programId} is not a published program that can be claimed`, 'the duplicated program cannot be claimed');
  }
  if (program.ownedBy) throw conflict(`Program ${programId} is already maintained by its provider`, 'the duplicated program is already claimed');
  if (earlier && earlier.status !== 'rejected') {
    throw conflict(`The owner of listing ${listing.id} already claimed program ${programId}`, `their claim ${earlier.id} is ${earlier.status}`);
  }
  return {
    id: claimId,
    programId,
    programName: program.name,
    claimantId: listing.ownerId,
    role: `provider (from listing ${listing.id})`,
    status: 'open',
    // The claim takes the listing's place in the queue (oldest submission first).
    submittedAt: listing.submittedAt ?? nowIso(deps),
    fromListingId: listing.id,
    revision: (earlier?.revision ?? 0) + 1,
  };
}
