import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../../functions/domain/errors';
import type { Identity } from '../../../functions/domain/identity';
import { approveClaim, rejectClaim } from '../../../functions/use-cases/claims/decide-claim';
import { submitClaim } from '../../../functions/use-cases/claims/submit-claim';
import { createListing } from '../../../functions/use-cases/listings/create-listing';
import { getListing } from '../../../functions/use-cases/listings/read-listings';
import { approveListing, rejectListing } from '../../../functions/use-cases/listings/review-listing';
import { approveReviewItem, rejectReviewItem } from '../../../functions/use-cases/review/decide-review-item';
import { fakeDirectory } from '../../fakes/directory';
import { BURLINGTON_ADDRESS, importedInBurlington } from '../../support/program-fixtures';

/**
 * Four eyes: a reviewer who also submits (a provider account in the reviewers group) may not
 * decide their own listing or claim; any other reviewer may, and the refusal changes nothing.
 */
const reviewerWhoSubmits: Identity = { sub: 'reviewer-who-submits', isReviewer: true };
const otherReviewer: Identity = { sub: 'reviewer-2', isReviewer: true };

const burlington = BURLINGTON_ADDRESS;
const imported = importedInBurlington('four-eyes', 'Four Eyes Fictional Recovery');
const submission = { name: 'Four Eyes Fictional IOP', address: burlington, levelsOfCare: ['iop'], delivery: ['in_person'], insurance: ['medicaid'] };

async function ownSubmissions() {
  const directory = fakeDirectory();
  await directory.programs.putMany([imported]);
  await directory.deliverStream();
  const listing = (await createListing(reviewerWhoSubmits, submission, undefined, directory.deps)).listing;
  const claim = await submitClaim(reviewerWhoSubmits, imported.id, { role: 'Clinical director' }, directory.deps);
  return { ...directory, listingId: listing.id, claimId: claim.id };
}

describe('four eyes on review decisions', () => {
  it('refuses a reviewer approving or rejecting their own listing with a 403 naming the id, and leaves it waiting', async () => {
    const { deps, listingId } = await ownSubmissions();
    for (const decide of [() => approveListing(reviewerWhoSubmits, listingId, undefined, deps), () => rejectListing(reviewerWhoSubmits, listingId, 'no', undefined, deps)]) {
      const refusal = await decide().then(() => undefined, (error: unknown) => error);
      expect(refusal).toBeInstanceOf(ForbiddenError);
      expect((refusal as ForbiddenError).details).toEqual([{ path: 'id', message: 'is your own listing' }]);
    }
    await expect(approveReviewItem(reviewerWhoSubmits, listingId, undefined, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(rejectReviewItem(reviewerWhoSubmits, listingId, 'no', undefined, deps)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await getListing(reviewerWhoSubmits, listingId, deps)).listing).toMatchObject({ status: 'pending_review', revision: 1 });

    await expect(approveListing(otherReviewer, listingId, '"1"', deps)).resolves.toMatchObject({ listing: { status: 'published' } });
  });

  it('refuses a reviewer approving or rejecting their own claim, and lets another reviewer decide it', async () => {
    const { deps, claimId } = await ownSubmissions();
    await expect(approveClaim(reviewerWhoSubmits, claimId, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(rejectClaim(reviewerWhoSubmits, claimId, 'no', deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(approveReviewItem(reviewerWhoSubmits, claimId, undefined, deps)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await deps.claims.get(claimId))?.status).toBe('open');

    await expect(rejectClaim(otherReviewer, claimId, 'Not the operator', deps)).resolves.toMatchObject({ status: 'rejected', reviewedBy: otherReviewer.sub });
  });
});
