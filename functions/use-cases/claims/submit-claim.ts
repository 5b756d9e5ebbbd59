import { claimIdFor, claimRequestSchema, toClaimView, type Claim, type ClaimView } from '../../domain/claim';
import { ConflictError, InvalidRequestError, NotFoundError } from '../../domain/errors';
import type { Identity } from '../../domain/identity';
import { toErrorDetails } from '../../domain/validation-details';
import { nowIso, type ListingDependencies } from '../listings/listing-dependencies';

/**
 * A provider asks to maintain an imported program (contract 1.1, section 7). One open claim per
 * program and provider; a program that already has an owner cannot be claimed (409).
 */
export async function submitClaim(identity: Identity, programId: string, body: unknown, deps: ListingDependencies): Promise<ClaimView> {
  const parsed = claimRequestSchema.safeParse(body);
  if (!parsed.success) throw new InvalidRequestError('Invalid claim', toErrorDetails(parsed.error.issues));
  const program = await deps.programs.get(programId);
  if (!program || program.status !== 'published') throw new NotFoundError(`No published program ${programId}`, [{ path: 'id', message: 'not found' }]);
  if (program.ownedBy) {
    throw new ConflictError(`Program ${programId} is already maintained by its provider`, [{ path: 'id', message: 'is already claimed' }]);
  }
  const id = claimIdFor(programId, identity.sub);
  const earlier = await deps.claims.get(id);
  if (earlier && earlier.status !== 'rejected') {
    throw new ConflictError(`You already claimed program ${programId}`, [{ path: 'id', message: `your claim ${earlier.id} is ${earlier.status}` }]);
  }
  const claim: Claim = {
    id,
    programId,
    programName: program.name,
    claimantId: identity.sub,
    ...parsed.data,
    status: 'open',
    submittedAt: nowIso(deps),
    revision: (earlier?.revision ?? 0) + 1,
  };
  if (!(await deps.claims.save(claim, earlier ? earlier.revision : 'absent'))) {
    throw new ConflictError(`You already claimed program ${programId}`, [{ path: 'id', message: 'a claim was made at the same time' }]);
  }
  return toClaimView(claim);
}
