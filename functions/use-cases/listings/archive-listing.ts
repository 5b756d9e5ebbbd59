import { PreconditionFailedError } from '../../domain/errors';
import type { Identity } from '../../domain/identity';
import { archivedListing, type Listing } from '../../domain/listing';
import { ownedListing, requireNotArchived, requireRevision, saveOver, type SavedListing } from './listing-access';
import { nowIso, type ListingDependencies } from './listing-dependencies';
import { releaseReviewCapacity } from './review-capacity';

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
  if (listing.programId) await archiveOwnedProgram(listing, now, deps);
  const archived = archivedListing(listing, now, { actor: identity.sub, role: 'provider' });
  const saved = await saveOver(listing, archived, deps);
  if (listing.status === 'pending_review') await releaseReviewCapacity(archived, deps);
  return saved;
}

/**
 * The owner of a claimed program archiving its listing takes the program out of search (it is
 * the same program): the program is archived first, so a crash leaves the listing to archive again.
 */
async function archiveOwnedProgram(listing: Listing, now: string, deps: ListingDependencies): Promise<void> {
  const program = await deps.programs.get(listing.programId!);
  if (!program || program.ownedBy !== listing.id || program.status === 'archived') return;
  const archived = { ...program, status: 'archived' as const, version: program.version + 1, updatedAt: now };
  if (!(await deps.programs.replace(archived, program.version))) {
    throw new PreconditionFailedError('The program changed meanwhile; archive the listing again', [{ path: 'id', message: 'changed meanwhile' }]);
  }
}
