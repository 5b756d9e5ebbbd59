import { listingIdForClaim, toClaimView, type Claim, type ClaimView } from '../../domain/claim';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { Identity } from '../../domain/identity';
import { changedFields, recordOf, type Listing, type ListingVersion } from '../../domain/listing';
import type { Program } from '../../domain/program';
import { requireReviewer, requireSomeoneElses } from '../listings/listing-access';
import { nowIso, type ListingDependencies } from '../listings/listing-dependencies';

async function openClaim(identity: Identity, id: string, deps: ListingDependencies): Promise<Claim> {
  requireReviewer(identity);
  const claim = await deps.claims.get(id);
  if (!claim) throw new NotFoundError(`No claim ${id}`, [{ path: 'id', message: 'not found' }]);
  requireSomeoneElses(identity, claim.claimantId, 'claim');
  if (claim.status !== 'open') throw new ConflictError(`Claim ${id} is ${claim.status}`, [{ path: 'id', message: `is ${claim.status}` }]);
  return claim;
}

const alreadyOwned = (programId: string) =>
  new ConflictError(`Program ${programId} is already maintained by its provider`, [{ path: 'id', message: 'another claim on this program was approved' }]);

/**
 * Approval hands the program to the claimant, in three writes ordered so that a crash between
 * them is repaired by approving again: (1) the program item names the claimant's listing as its
 * owner (conditional on the version read: of two claims approved at once, one wins and the other
 * gets 409 having written nothing); (2) the listing is created from the imported version; (3) the
 * claim is closed. The listing's id derives from the claim, so a retried approval finds its own
 * earlier steps. Search keeps serving the program under its own id throughout.
 */
export async function approveClaim(identity: Identity, id: string, deps: ListingDependencies): Promise<ClaimView> {
  const claim = await openClaim(identity, id, deps);
  const listingId = listingIdForClaim(claim.id);
  const program = await deps.programs.get(claim.programId);
  if (!program || program.status !== 'published') {
    throw new ConflictError(`Program ${claim.programId} is no longer published`, [{ path: 'id', message: 'the program left the directory' }]);
  }
  if (program.ownedBy && program.ownedBy !== listingId) throw alreadyOwned(claim.programId);
  const now = nowIso(deps);
  let owned: Program = program;
  if (program.ownedBy !== listingId) {
    owned = { ...program, ownedBy: listingId, verifiedAt: now, version: program.version + 1, updatedAt: now };
    if (!(await deps.programs.replace(owned, program.version))) throw alreadyOwned(claim.programId);
  }
  if (!(await deps.listings.get(listingId))) {
    const live = liveVersionOf(owned);
    const listing: Listing = {
      id: listingId,
      ownerId: claim.claimantId,
      programId: claim.programId,
      status: 'published',
      live: owned,
      revision: 1,
      createdAt: now,
      updatedAt: now,
      history: [
        { at: claim.submittedAt, actor: claim.claimantId, role: 'provider', action: 'claimed', note: claim.role },
        { at: now, actor: identity.sub, role: 'reviewer', action: 'approved', changes: changedFields(undefined, live) },
      ],
    };
    await deps.listings.save(listing, 'absent');
  }
  const decided: Claim = { ...claim, status: 'approved', listingId, reviewedBy: identity.sub, reviewedAt: now, revision: claim.revision + 1 };
  if (!(await deps.claims.save(decided, claim.revision))) throw new ConflictError(`Claim ${id} was decided meanwhile`);
  return toClaimView(decided);
}

export async function rejectClaim(identity: Identity, id: string, reason: string, deps: ListingDependencies): Promise<ClaimView> {
  const claim = await openClaim(identity, id, deps);
  const decided: Claim = { ...claim, status: 'rejected', reviewedBy: identity.sub, reviewedAt: nowIso(deps), reviewNotes: reason, revision: claim.revision + 1 };
  if (!(await deps.claims.save(decided, claim.revision))) throw new ConflictError(`Claim ${id} was decided meanwhile`);
  return toClaimView(decided);
}

function liveVersionOf(program: Program): ListingVersion {
  return { ...recordOf(program)!, location: program.location, locationPrecision: program.locationPrecision, timezone: program.timezone };
}
