import { ConflictError, PreconditionFailedError } from '../../domain/errors';
import type { Identity } from '../../domain/identity';
import type { Listing } from '../../domain/listing';
import type { Program } from '../../domain/program';
import { ownedListing, requireNotArchived, requireRevision, saveOver, type SavedListing } from './listing-access';
import { nowIso, type ListingDependencies } from './listing-dependencies';

/**
 * The owner states that the published version is still right (contract 1.1, section 7): it
 * becomes `verifiedAt` now, in search too, without a review (nothing changed).
 */
export async function confirmListing(identity: Identity, id: string, ifMatch: string | undefined, deps: ListingDependencies): Promise<SavedListing> {
  const listing = await ownedListing(identity, id, deps);
  requireNotArchived(listing);
  requireRevision(listing, ifMatch);
  if (!listing.live) {
    throw new ConflictError(`Listing ${listing.id} has no published version to confirm`, [{ path: 'id', message: 'has not been approved yet' }]);
  }
  const now = nowIso(deps);
  const live = listing.programId ? await confirmProgram(listing, now, deps) : { ...listing.live, verifiedAt: now, updatedAt: now };
  const next: Listing = {
    ...listing,
    live,
    revision: listing.revision + 1,
    updatedAt: now,
    history: [...listing.history, { at: now, actor: identity.sub, role: 'provider', action: 'confirmed' }],
  };
  return saveOver(listing, next, deps);
}

async function confirmProgram(listing: Listing, now: string, deps: ListingDependencies): Promise<Program> {
  const program = await deps.programs.get(listing.programId!);
  if (!program || program.ownedBy !== listing.id || program.status !== 'published') {
    throw new ConflictError(`Listing ${listing.id} no longer serves program ${listing.programId}`, [{ path: 'id', message: 'is not the program owner' }]);
  }
  const confirmed: Program = { ...program, verifiedAt: now, version: program.version + 1, updatedAt: now };
  if (!(await deps.programs.replace(confirmed, program.version))) {
    throw new PreconditionFailedError('The program changed meanwhile; confirm again', [{ path: 'id', message: 'changed meanwhile' }]);
  }
  return confirmed;
}
