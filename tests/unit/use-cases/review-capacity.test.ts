import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../functions/domain/errors';
import type { Identity } from '../../../functions/domain/identity';
import type { Listing } from '../../../functions/domain/listing';
import { zipDirectory } from '../../../functions/gazetteer/zip-table';
import { archiveListing } from '../../../functions/use-cases/listings/archive-listing';
import { createListing } from '../../../functions/use-cases/listings/create-listing';
import { RESERVATION_TIMEOUT_MS, reserveReviewCapacity } from '../../../functions/use-cases/listings/review-capacity';
import { approveListing, rejectListing } from '../../../functions/use-cases/listings/review-listing';
import { updateListing } from '../../../functions/use-cases/listings/update-listing';
import { validateSubmission } from '../../../functions/use-cases/listings/validate-submission';
import { fakeDirectory } from '../../fakes/directory';
import { MemoryListingStore } from '../../fakes/listing-store';

/**
 * MAX_PENDING_LISTINGS (review-capacity.ts): how many listings one provider may have waiting for
 * review, exact under concurrent requests, and capacity left behind by a request that died
 * between its two writes coming back. tests/integration/review-capacity.test.ts races real
 * requests against DynamoDB; these pin the rules.
 */
const owner: Identity = { sub: 'busy-provider', isReviewer: false };
const reviewer: Identity = { sub: 'reviewer-1', isReviewer: true };

function submission(name: string) {
  return { name, address: { street1: '200 W Broadway', city: 'Missoula', state: 'MT', zip: '59801' }, levelsOfCare: ['iop'], delivery: ['in_person'] };
}

const settledCounts = (outcomes: PromiseSettledResult<unknown>[]) => ({
  created: outcomes.filter((outcome) => outcome.status === 'fulfilled').length,
  limited: outcomes.filter((outcome) => outcome.status === 'rejected' && outcome.reason instanceof RateLimitedError).length,
});

describe('the pending limit', () => {
  it('lets exactly the maximum of many concurrent creates through; the others are rate_limited', async () => {
    const { deps } = fakeDirectory({ maxPendingPerProvider: 3 });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => createListing(owner, submission(`Burst ${n}`), undefined, deps)));
    expect(settledCounts(outcomes)).toEqual({ created: 3, limited: 7 });
  });

  it('gives a place back when a listing leaves review (approved, rejected, archived), and only then', async () => {
    const { deps } = fakeDirectory({ maxPendingPerProvider: 3 });
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) ids.push((await createListing(owner, submission(`Turnover ${n}`), undefined, deps)).listing.id);
    await expect(createListing(owner, submission('Full'), undefined, deps)).rejects.toBeInstanceOf(RateLimitedError);

    await approveListing(reviewer, ids[0]!, undefined, deps);
    await rejectListing(reviewer, ids[1]!, 'Incomplete', undefined, deps);
    await archiveListing(owner, ids[2]!, undefined, deps);
    const next = await Promise.allSettled(Array.from({ length: 6 }, (_, n) => createListing(owner, submission(`Again ${n}`), undefined, deps)));
    expect(settledCounts(next)).toEqual({ created: 3, limited: 3 });
  });

  it('counts an edit that puts a published listing back in review; an edit of a listing already waiting keeps its place', async () => {
    const { deps } = fakeDirectory({ maxPendingPerProvider: 2 });
    const published = (await createListing(owner, submission('Published'), undefined, deps)).listing.id;
    await approveListing(reviewer, published, undefined, deps);
    const waiting = (await createListing(owner, submission('Waiting'), undefined, deps)).listing.id;

    await updateListing(owner, waiting, submission('Waiting, edited'), undefined, deps);
    await updateListing(owner, published, submission('Published, edited'), undefined, deps);
    await updateListing(owner, published, submission('Published, edited twice'), undefined, deps);
    await expect(createListing(owner, submission('Third'), undefined, deps)).rejects.toBeInstanceOf(RateLimitedError);

    // A published listing whose edit is refused for want of room stays as it was.
    await approveListing(reviewer, published, undefined, deps);
    await createListing(owner, submission('Takes the place'), undefined, deps);
    await expect(updateListing(owner, published, submission('No room'), undefined, deps)).rejects.toBeInstanceOf(RateLimitedError);
    expect((await deps.listings.get(published))?.status).toBe('published');
  });
});

describe('capacity left behind by a request that died between its two writes', () => {
  it('comes back once the reservation of a create that never wrote its listing is older than any request runs', async () => {
    const { deps, clock } = fakeDirectory({ maxPendingPerProvider: 2 });
    await createListing(owner, submission('Survivor'), undefined, deps);
    // A create that reserved and then died: its listing was never written.
    await reserveReviewCapacity(owner.sub, 'lst_never_written', 1, deps);
    await expect(createListing(owner, submission('Too soon'), undefined, deps)).rejects.toBeInstanceOf(RateLimitedError);
    clock.advance(RESERVATION_TIMEOUT_MS - 1_000);
    await expect(createListing(owner, submission('Still too soon'), undefined, deps)).rejects.toBeInstanceOf(RateLimitedError);
    clock.advance(2_000);
    await expect(createListing(owner, submission('After the timeout'), undefined, deps)).resolves.toMatchObject({ listing: { status: 'pending_review' } });
    await expect(createListing(owner, submission('One too many'), undefined, deps)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('comes back at once when the listing left review but giving its place back was lost', async () => {
    class LosingReleases extends MemoryListingStore {
      losing = true;
      override async releasePending(...args: Parameters<MemoryListingStore['releasePending']>): Promise<boolean> {
        if (this.losing) throw new Error('the function stopped before giving the place back');
        return super.releasePending(...args);
      }
    }
    const { deps, listings: losing } = fakeDirectory({ maxPendingPerProvider: 2, listingStore: LosingReleases });
    const first = await createListing(owner, submission('Approved'), undefined, deps);
    const second = await createListing(owner, submission('Archived'), undefined, deps);
    await expect(createListing(owner, submission('Full'), undefined, deps)).rejects.toBeInstanceOf(RateLimitedError);
    // The decisions themselves succeed: giving the place back is best effort.
    await approveListing(reviewer, first.listing.id, undefined, deps);
    await archiveListing(owner, second.listing.id, undefined, deps);
    expect(await losing.pendingReservations(owner.sub)).toHaveLength(2);

    // Sound requests reclaim both leftovers, with no waiting: their listings are out of review.
    losing.losing = false;
    await expect(createListing(owner, submission('Reclaimed 1'), undefined, deps)).resolves.toBeDefined();
    await expect(createListing(owner, submission('Reclaimed 2'), undefined, deps)).resolves.toBeDefined();
    await expect(createListing(owner, submission('Over'), undefined, deps)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('gives the place back at once when the create itself fails', async () => {
    class FailingOnce extends MemoryListingStore {
      failed = false;
      override async save(listing: Listing, expected: number | 'absent'): Promise<boolean> {
        if (!this.failed) {
          this.failed = true;
          throw new Error('throttled');
        }
        return super.save(listing, expected);
      }
    }
    const { deps } = fakeDirectory({ maxPendingPerProvider: 1, listingStore: FailingOnce });
    await expect(createListing(owner, submission('Unlucky'), undefined, deps)).rejects.toThrow('throttled');
    expect(await deps.listings.pendingReservations(owner.sub)).toEqual([]);
    await expect(createListing(owner, submission('Lucky'), undefined, deps)).resolves.toMatchObject({ listing: { status: 'pending_review' } });
  });

  it("counts an owner's listings that were put in review before reservations existed", async () => {
    const { deps, clock } = fakeDirectory({ maxPendingPerProvider: 2 });
    for (const name of ['Legacy 1', 'Legacy 2']) {
      const now = clock.iso();
      const legacy: Listing = {
        id: `lst_${name.replace(' ', '_').toLowerCase()}`,
        ownerId: owner.sub,
        status: 'pending_review',
        pending: validateSubmission(submission(name), zipDirectory),
        revision: 1,
        submittedAt: now,
        createdAt: now,
        updatedAt: now,
        history: [{ at: now, actor: owner.sub, role: 'provider', action: 'created' }],
      };
      expect(await deps.listings.save(legacy, 'absent')).toBe(true);
    }
    expect(await deps.listings.pendingReservations(owner.sub)).toBeUndefined();
    await expect(createListing(owner, submission('Past the legacy'), undefined, deps)).rejects.toBeInstanceOf(RateLimitedError);
    expect((await deps.listings.pendingReservations(owner.sub))?.map((held) => held.listingId).sort()).toEqual(['lst_legacy_1', 'lst_legacy_2']);
  });
});
