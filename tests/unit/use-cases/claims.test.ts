import { describe, expect, it } from 'vitest';
import { claimIdFor, listingIdForClaim, type Claim } from '../../../functions/domain/claim';
import { ConflictError, ForbiddenError, InvalidRequestError, NotFoundError, PreconditionFailedError } from '../../../functions/domain/errors';
import type { Identity } from '../../../functions/domain/identity';
import type { Listing } from '../../../functions/domain/listing';
import { approveClaim, rejectClaim } from '../../../functions/use-cases/claims/decide-claim';
import { submitClaim } from '../../../functions/use-cases/claims/submit-claim';
import { archiveListing } from '../../../functions/use-cases/listings/archive-listing';
import { createListing } from '../../../functions/use-cases/listings/create-listing';
import { getListing, reviewQueue } from '../../../functions/use-cases/listings/read-listings';
import { approveListing } from '../../../functions/use-cases/listings/review-listing';
import { updateListing } from '../../../functions/use-cases/listings/update-listing';
import { convertToClaim } from '../../../functions/use-cases/review/convert-to-claim';
import { fakeDirectory } from '../../fakes/directory';
import { MemoryListingStore } from '../../fakes/listing-store';
import { BURLINGTON_ADDRESS, importedInBurlington } from '../../support/program-fixtures';

/**
 * Claims (contract 7): a provider asks to maintain an imported program; a reviewer approves
 * (the program gets an owner and the provider a listing that maintains it) or rejects; a
 * reviewer turns a provider's listing flagged as a duplicate into a claim. Each multi-write step
 * must be repairable by repeating it after a crash in between.
 */
const providerA: Identity = { sub: 'provider-a', isReviewer: false };
const providerB: Identity = { sub: 'provider-b', isReviewer: false };
const reviewer: Identity = { sub: 'reviewer-1', isReviewer: true };

const burlington = BURLINGTON_ADDRESS;
const imported = importedInBurlington('lakeside', 'Lakeside Recovery');

/** A listing store whose next save fails on cue: throws (the function died) or loses (a concurrent writer won). */
class Interrupted extends MemoryListingStore {
  interruptNextSave: 'throw' | 'lose' | undefined;
  override async save(listing: Listing, expected: number | 'absent'): Promise<boolean> {
    const interruption = this.interruptNextSave;
    this.interruptNextSave = undefined;
    if (interruption === 'throw') throw new Error('the function timed out');
    if (interruption === 'lose') return false;
    return super.save(listing, expected);
  }
}

async function directoryWithImport<Listings extends MemoryListingStore = MemoryListingStore>(listingStore?: new (sources: ConstructorParameters<typeof MemoryListingStore>[0]) => Listings) {
  const directory = fakeDirectory({ listingStore });
  await directory.programs.putMany([imported]);
  await directory.deliverStream();
  return directory;
}

function submission(name: string) {
  return { name, address: burlington, levelsOfCare: ['iop'], delivery: ['in_person'], insurance: ['medicaid'] };
}

describe('submitting a claim', () => {
  it('opens one claim per program and provider, in the review queue', async () => {
    const { deps, clock } = await directoryWithImport();
    await expect(submitClaim(providerA, imported.id, { role: '' }, deps)).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(submitClaim(providerA, 'no-such-program', { role: 'director' }, deps)).rejects.toBeInstanceOf(NotFoundError);

    const claim = await submitClaim(providerA, imported.id, { role: 'Clinical director', phone: '802-555-0100' }, deps);
    expect(claim).toEqual({
      kind: 'claim',
      id: claimIdFor(imported.id, providerA.sub),
      programId: imported.id,
      programName: 'Lakeside Recovery',
      claimantId: providerA.sub,
      role: 'Clinical director',
      phone: '802-555-0100',
      status: 'open',
      submittedAt: clock.iso(),
    });
    await expect(submitClaim(providerA, imported.id, { role: 'Again' }, deps)).rejects.toBeInstanceOf(ConflictError);
    await submitClaim(providerB, imported.id, { role: 'Owner' }, deps);
    const queue = await reviewQueue(reviewer, { limit: 10 }, deps);
    expect(queue.items.map((item) => `${item.kind}:${item.id}`).sort()).toEqual(
      [`claim:${claimIdFor(imported.id, providerA.sub)}`, `claim:${claimIdFor(imported.id, providerB.sub)}`].sort(),
    );
  });

  it('refuses a program that is not published', async () => {
    const { deps, programs } = fakeDirectory();
    await programs.putMany([{ ...imported, status: 'archived' }]);
    await expect(submitClaim(providerA, imported.id, { role: 'director' }, deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('deciding a claim', () => {
  it('approval hands the program to the claimant: one owner, a listing that maintains it, the program served under its own id', async () => {
    const { deps, programs, listings, index, deliverStream } = await directoryWithImport();
    const claimA = await submitClaim(providerA, imported.id, { role: 'Clinical director' }, deps);
    const claimB = await submitClaim(providerB, imported.id, { role: 'Owner' }, deps);
    await expect(approveClaim(providerA, claimA.id, deps)).rejects.toBeInstanceOf(ForbiddenError);

    const approved = await approveClaim(reviewer, claimA.id, deps);
    const listingId = listingIdForClaim(claimA.id);
    expect(approved).toMatchObject({ status: 'approved', listingId, reviewedBy: reviewer.sub });
    const owned = await programs.get(imported.id);
    expect(owned).toMatchObject({ ownedBy: listingId, version: imported.version + 1, source: 'samhsa', status: 'published' });
    expect(await listings.get(listingId)).toMatchObject({ ownerId: providerA.sub, programId: imported.id, status: 'published', revision: 1 });

    // The second claim loses and writes nothing; the program can no longer be claimed.
    await expect(approveClaim(reviewer, claimB.id, deps)).rejects.toBeInstanceOf(ConflictError);
    expect(await deps.claims.get(claimB.id)).toMatchObject({ status: 'open', revision: 1 });
    expect((await programs.get(imported.id))?.version).toBe(imported.version + 1);
    await expect(submitClaim({ sub: 'provider-c', isReviewer: false }, imported.id, { role: 'x' }, deps)).rejects.toBeInstanceOf(ConflictError);
    await expect(approveClaim(reviewer, claimA.id, deps)).rejects.toBeInstanceOf(ConflictError);

    // The owner's listing is not indexed itself: the program is, under its own id.
    await deliverStream();
    expect(await index.get(listingId)).toBeUndefined();
    expect(await index.get(imported.id)).toMatchObject({ id: imported.id, name: 'Lakeside Recovery' });
  });

  it('completes an approval that stopped after the program write when approved again, writing the program once', async () => {
    const directory = await directoryWithImport(Interrupted);
    const { deps } = directory;
    const claim = await submitClaim(providerA, imported.id, { role: 'Director' }, deps);
    directory.listings.interruptNextSave = 'throw';
    await expect(approveClaim(reviewer, claim.id, deps)).rejects.toThrow('timed out');
    expect(await directory.programs.get(imported.id)).toMatchObject({ ownedBy: listingIdForClaim(claim.id) });
    expect(await deps.claims.get(claim.id)).toMatchObject({ status: 'open' });

    await expect(approveClaim(reviewer, claim.id, deps)).resolves.toMatchObject({ status: 'approved' });
    expect((await directory.programs.get(imported.id))?.version).toBe(imported.version + 1);
    expect(await deps.listings.get(listingIdForClaim(claim.id))).toMatchObject({ programId: imported.id, revision: 1 });
  });

  it('rejection gives the claimant the reason, and the claimant may claim again', async () => {
    const { deps, programs } = await directoryWithImport();
    const claim = await submitClaim(providerA, imported.id, { role: 'Director' }, deps);
    const rejected = await rejectClaim(reviewer, claim.id, 'Cannot verify the phone number', deps);
    expect(rejected).toMatchObject({ status: 'rejected', reviewNotes: 'Cannot verify the phone number' });
    expect((await programs.get(imported.id))?.ownedBy).toBeUndefined();
    await expect(rejectClaim(reviewer, claim.id, 'again', deps)).rejects.toBeInstanceOf(ConflictError);

    const again = await submitClaim(providerA, imported.id, { role: 'Director, with a new phone', phone: '802-555-0199' }, deps);
    expect(again).toMatchObject({ id: claim.id, status: 'open' });
    expect(again).not.toHaveProperty('reviewNotes');
    expect(await deps.claims.get(claim.id)).toMatchObject({ revision: 3 });
  });
});

describe('a claimed program', () => {
  it("is served as its owner's approved edits; archiving the owner's listing takes it out of search", async () => {
    const { deps, programs, index, deliverStream } = await directoryWithImport();
    const claim = await submitClaim(providerA, imported.id, { role: 'Director' }, deps);
    await approveClaim(reviewer, claim.id, deps);
    const listingId = listingIdForClaim(claim.id);

    const edit = await updateListing(providerA, listingId, submission('Lakeside Recovery Center'), undefined, deps);
    expect(edit.listing).toMatchObject({ status: 'pending_review', current: { name: 'Lakeside Recovery' }, pending: { name: 'Lakeside Recovery Center' } });
    await deliverStream();
    expect((await index.get(imported.id))?.name).toBe('Lakeside Recovery');

    await approveListing(reviewer, listingId, undefined, deps);
    const served = await programs.get(imported.id);
    // The program keeps what the directory tracks about it: id, source, owner; one version up.
    expect(served).toMatchObject({ id: imported.id, source: 'samhsa', externalId: 'lakeside', ownedBy: listingId, name: 'Lakeside Recovery Center', version: imported.version + 2 });
    await deliverStream();
    expect((await index.get(imported.id))?.name).toBe('Lakeside Recovery Center');
    expect((await getListing(providerA, listingId, deps)).listing.current?.name).toBe('Lakeside Recovery Center');

    await archiveListing(providerA, listingId, undefined, deps);
    expect((await programs.get(imported.id))?.status).toBe('archived');
    await deliverStream();
    expect(await index.get(imported.id)).toBeUndefined();
  });
});

describe('converting a duplicate listing into a claim', () => {
  async function flaggedListing() {
    const directory = await directoryWithImport(Interrupted);
    const created = await createListing(providerA, submission('Lakeside Recovery'), undefined, directory.deps);
    expect(created.listing.likelyDuplicateOf).toBe(imported.id);
    return { ...directory, listingId: created.listing.id, submittedAt: created.listing.submittedAt };
  }

  it("makes a claim by the listing's owner in the listing's place in the queue, and archives the listing", async () => {
    const { deps, listings, listingId, submittedAt, clock } = await flaggedListing();
    clock.advance(3_600_000);
    await expect(convertToClaim(providerA, listingId, undefined, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(convertToClaim(reviewer, listingId, '"7"', deps)).rejects.toBeInstanceOf(PreconditionFailedError);

    const claim = await convertToClaim(reviewer, listingId, '"1"', deps);
    expect(claim).toMatchObject({
      id: claimIdFor(imported.id, providerA.sub),
      programId: imported.id,
      claimantId: providerA.sub,
      role: `provider (from listing ${listingId})`,
      fromListingId: listingId,
      status: 'open',
      submittedAt,
    });
    const archived = await listings.get(listingId);
    expect(archived).toMatchObject({ status: 'archived', revision: 2 });
    expect(archived?.history.at(-1)).toMatchObject({ action: 'archived', role: 'reviewer', note: `converted to claim ${claim.id}` });
    expect((await reviewQueue(reviewer, { limit: 10 }, deps)).items.map((item) => item.id)).toEqual([claim.id]);
    // The listing's place in review is given back.
    expect(await listings.pendingReservations(providerA.sub)).toEqual([]);

    await expect(approveClaim(reviewer, claim.id, deps)).resolves.toMatchObject({ status: 'approved' });
  });

  it('refuses a listing that is not flagged, not waiting for review, or whose program already has an owner', async () => {
    const { deps, listingId } = await flaggedListing();
    const plain = await createListing(providerB, submission('Somewhere Else Entirely'), undefined, deps);
    await expect(convertToClaim(reviewer, plain.listing.id, undefined, deps)).rejects.toBeInstanceOf(ConflictError);
    await expect(convertToClaim(reviewer, 'lst_00000000000000000000', undefined, deps)).rejects.toBeInstanceOf(NotFoundError);

    const other = await submitClaim(providerB, imported.id, { role: 'Owner' }, deps);
    await approveClaim(reviewer, other.id, deps);
    await expect(convertToClaim(reviewer, listingId, undefined, deps)).rejects.toMatchObject({ code: 'conflict', details: [{ message: 'the duplicated program is already claimed' }] });
    expect((await deps.listings.get(listingId))?.status).toBe('pending_review');

    const archived = await createListing(providerA, submission('Lakeside Recovery'), 'second', deps);
    await archiveListing(providerA, archived.listing.id, undefined, deps);
    await expect(convertToClaim(reviewer, archived.listing.id, undefined, deps)).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses when the owner already has an open claim on the program', async () => {
    const { deps, listingId } = await flaggedListing();
    await submitClaim(providerA, imported.id, { role: 'Director' }, deps);
    await expect(convertToClaim(reviewer, listingId, undefined, deps)).rejects.toBeInstanceOf(ConflictError);
    expect((await deps.listings.get(listingId))?.status).toBe('pending_review');
  });

  it('finishes a conversion that stopped between the claim and the listing write when converted again', async () => {
    const { deps, listings, claims, listingId } = await flaggedListing();
    listings.interruptNextSave = 'lose';
    await expect(convertToClaim(reviewer, listingId, undefined, deps)).rejects.toBeInstanceOf(PreconditionFailedError);
    const standing: Claim | undefined = await claims.get(claimIdFor(imported.id, providerA.sub));
    expect(standing).toMatchObject({ status: 'open', fromListingId: listingId, revision: 1 });
    expect((await listings.get(listingId))?.status).toBe('pending_review');

    const resumed = await convertToClaim(reviewer, listingId, undefined, deps);
    expect(resumed.id).toBe(standing!.id);
    expect(await claims.get(standing!.id)).toMatchObject({ revision: 1 });
    expect((await listings.get(listingId))?.status).toBe('archived');
  });
});
