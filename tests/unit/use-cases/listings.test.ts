import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, InvalidRequestError, NotFoundError, PreconditionFailedError } from '../../../functions/domain/errors';
import type { Identity } from '../../../functions/domain/identity';
import { archiveListing } from '../../../functions/use-cases/listings/archive-listing';
import { confirmListing } from '../../../functions/use-cases/listings/confirm-listing';
import { createListing } from '../../../functions/use-cases/listings/create-listing';
import { getListing, listingHistory, listOwnListings, reviewQueue } from '../../../functions/use-cases/listings/read-listings';
import { approveListing, rejectListing } from '../../../functions/use-cases/listings/review-listing';
import { updateListing } from '../../../functions/use-cases/listings/update-listing';
import { fakeDirectory } from '../../fakes/directory';

/**
 * The listing state machine (contract 7) on the fakes: create → review → approve / reject,
 * edits through review while the approved version stays served, archive; If-Match, ownership,
 * idempotent creates. The engine suite (tests/integration/listings.test.ts) runs the same story
 * through HTTP, DynamoDB and OpenSearch.
 */
const providerA: Identity = { sub: 'provider-a', isReviewer: false };
const providerB: Identity = { sub: 'provider-b', isReviewer: false };
const reviewer: Identity = { sub: 'reviewer-1', isReviewer: true };

function submission(name: string, overrides: Record<string, unknown> = {}) {
  return {
    name,
    address: { street1: '1 Church St', city: 'Burlington', state: 'VT', zip: '05401' },
    levelsOfCare: ['iop'],
    delivery: ['in_person', 'virtual'],
    insurance: ['medicaid'],
    sessions: [{ days: ['mon', 'wed'], start: '18:00', end: '21:00' }],
    ...overrides,
  };
}

const queueIds = async (directory: ReturnType<typeof fakeDirectory>) => (await reviewQueue(reviewer, { limit: 100 }, directory.deps)).items.map((item) => item.id);

describe('listing lifecycle', () => {
  it('create, approve, edit, approve, archive: only approved versions reach the index, and history records every step', async () => {
    const directory = fakeDirectory();
    const { deps, index, clock, deliverStream } = directory;

    const created = await createListing(providerA, submission('Lakeside Evening IOP'), undefined, deps);
    expect(created).toMatchObject({ replayed: false, etag: '"1"', listing: { status: 'pending_review', revision: 1, current: null, pending: { name: 'Lakeside Evening IOP' } } });
    const id = created.listing.id;
    expect(id).toMatch(/^lst_[0-9a-f]{20}$/);
    await deliverStream();
    expect(await index.get(id)).toBeUndefined();
    expect(await queueIds(directory)).toEqual([id]);

    clock.advance(60_000);
    const approved = await approveListing(reviewer, id, '"1"', deps);
    expect(approved).toMatchObject({ etag: '"2"', listing: { status: 'published', current: { name: 'Lakeside Evening IOP' }, pending: null, submittedAt: null } });
    // The published record's bookkeeping is the directory's, not part of what the provider sends back.
    expect(approved.listing.current).not.toHaveProperty('verifiedAt');
    await deliverStream();
    expect(await index.get(id)).toMatchObject({ id, name: 'Lakeside Evening IOP', source: 'provider', dataAsOf: clock.iso().slice(0, 10), verifiedAt: clock.iso() });
    expect(index.versionOf(id)).toBe(2);
    expect(await queueIds(directory)).toEqual([]);

    clock.advance(60_000);
    const edited = await updateListing(providerA, id, submission('Lakeside Evening IOP Renamed'), approved.etag, deps);
    expect(edited).toMatchObject({ etag: '"3"', listing: { status: 'pending_review', current: { name: 'Lakeside Evening IOP' }, pending: { name: 'Lakeside Evening IOP Renamed' } } });
    await deliverStream();
    // The approved version stays served while the edit waits.
    expect((await index.get(id))?.name).toBe('Lakeside Evening IOP');

    await approveListing(reviewer, id, undefined, deps);
    await deliverStream();
    expect((await index.get(id))?.name).toBe('Lakeside Evening IOP Renamed');

    const archived = await archiveListing(providerA, id, undefined, deps);
    expect(archived.listing).toMatchObject({ status: 'archived', current: null, pending: null, revision: 5 });
    await deliverStream();
    expect(await index.get(id)).toBeUndefined();
    // A tombstone at the archiving revision, so an older change replayed later cannot bring it back.
    expect(index.versionOf(id)).toBe(5);

    const { history } = await listingHistory(providerA, id, deps);
    expect(history.map((entry) => `${entry.role}:${entry.action}:${entry.actor}`)).toEqual([
      'provider:created:provider-a',
      'reviewer:approved:reviewer-1',
      'provider:updated:provider-a',
      'reviewer:approved:reviewer-1',
      'provider:archived:provider-a',
    ]);
    expect(history[2]?.changes).toEqual(['name']);
  });

  it('rejects a new listing with a reason the provider sees; a rejected edit leaves the approved version served', async () => {
    const { deps, index, deliverStream } = fakeDirectory();
    const fresh = await createListing(providerA, submission('Riverside Partial Hospital', { levelsOfCare: ['php'] }), undefined, deps);
    const rejected = await rejectListing(reviewer, fresh.listing.id, 'Licence number missing', undefined, deps);
    expect(rejected.listing).toMatchObject({ status: 'rejected', reviewNotes: 'Licence number missing', current: null, pending: null });
    expect((await getListing(providerA, fresh.listing.id, deps)).listing.reviewNotes).toBe('Licence number missing');
    await expect(approveListing(reviewer, fresh.listing.id, undefined, deps)).rejects.toBeInstanceOf(ConflictError);

    const live = await createListing(providerA, submission('Hillside Counseling'), undefined, deps);
    await approveListing(reviewer, live.listing.id, undefined, deps);
    await updateListing(providerA, live.listing.id, submission('Hillside Counseling (typo'), undefined, deps);
    const kept = await rejectListing(reviewer, live.listing.id, 'Unbalanced parenthesis', undefined, deps);
    expect(kept.listing).toMatchObject({ status: 'published', current: { name: 'Hillside Counseling' }, pending: null, reviewNotes: 'Unbalanced parenthesis' });
    await deliverStream();
    expect((await index.get(live.listing.id))?.name).toBe('Hillside Counseling');
  });

  it('lets the owner confirm an approved version without a review, and refuses one that was never approved', async () => {
    const { deps, clock, index, deliverStream } = fakeDirectory();
    const created = await createListing(providerA, submission('Lakeside Evening IOP'), undefined, deps);
    await expect(confirmListing(providerA, created.listing.id, undefined, deps)).rejects.toBeInstanceOf(ConflictError);
    await approveListing(reviewer, created.listing.id, undefined, deps);
    clock.advance(30 * 86_400_000);
    const confirmed = await confirmListing(providerA, created.listing.id, '"2"', deps);
    expect(confirmed.listing).toMatchObject({ status: 'published', revision: 3, pending: null });
    await deliverStream();
    expect(await index.get(created.listing.id)).toMatchObject({ verifiedAt: clock.iso() });
    expect((await listingHistory(providerA, created.listing.id, deps)).history.at(-1)).toMatchObject({ action: 'confirmed', role: 'provider' });
  });

  it('is final once archived', async () => {
    const { deps } = fakeDirectory();
    const { listing } = await createListing(providerA, submission('Closing Soon'), undefined, deps);
    await archiveListing(providerA, listing.id, undefined, deps);
    await expect(updateListing(providerA, listing.id, submission('Reopened'), undefined, deps)).rejects.toBeInstanceOf(ConflictError);
    await expect(archiveListing(providerA, listing.id, undefined, deps)).rejects.toBeInstanceOf(ConflictError);
    await expect(approveListing(reviewer, listing.id, undefined, deps)).rejects.toBeInstanceOf(ConflictError);
    await expect(confirmListing(providerA, listing.id, undefined, deps)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('If-Match', () => {
  it('refuses a stale revision with 412 and changes nothing; accepts the current one, W/ and *', async () => {
    const { deps, listings } = fakeDirectory();
    const { listing } = await createListing(providerA, submission('Versioned Care'), undefined, deps);
    await updateListing(providerA, listing.id, submission('Versioned Care 2'), '"1"', deps);
    const stale = updateListing(providerA, listing.id, submission('Lost Update'), '"1"', deps);
    await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(stale).rejects.toMatchObject({ details: [{ path: 'If-Match', message: 'is "1", the listing is at "2"' }] });
    expect(await listings.get(listing.id)).toMatchObject({ revision: 2, pending: { name: 'Versioned Care 2' } });

    await expect(updateListing(providerA, listing.id, submission('Weak Tag'), 'W/"2"', deps)).resolves.toMatchObject({ etag: '"3"' });
    await expect(updateListing(providerA, listing.id, submission('Any Revision'), '*', deps)).resolves.toMatchObject({ etag: '"4"' });
    await expect(approveListing(reviewer, listing.id, '"3"', deps)).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(archiveListing(providerA, listing.id, '"3"', deps)).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await listings.get(listing.id))?.status).toBe('pending_review');
  });

  it('lets exactly one of two concurrent updates with the same If-Match through; nothing of the other is stored', async () => {
    const { deps, listings } = fakeDirectory();
    const { listing, etag } = await createListing(providerA, submission('Concurrent Counseling'), undefined, deps);
    const outcomes = await Promise.allSettled(
      ['Concurrent Counseling One', 'Concurrent Counseling Two'].map((name) => updateListing(providerA, listing.id, submission(name), etag, deps)),
    );
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(PreconditionFailedError);
    const stored = await listings.get(listing.id);
    expect(stored?.revision).toBe(2);
    expect(stored?.pending?.name).toBe(won[0]?.value.listing.pending?.name);
    expect(stored?.history).toHaveLength(2);
  });
});

describe('ownership', () => {
  it("hides another provider's listing as missing, lets reviewers read but not edit, and keeps decisions to reviewers", async () => {
    const { deps } = fakeDirectory();
    const { listing } = await createListing(providerA, submission('Private Practice'), undefined, deps);
    await expect(getListing(providerB, listing.id, deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(listingHistory(providerB, listing.id, deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateListing(providerB, listing.id, submission('Hijacked'), undefined, deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(archiveListing(providerB, listing.id, undefined, deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getListing(reviewer, listing.id, deps)).resolves.toMatchObject({ listing: { id: listing.id } });
    await expect(updateListing(reviewer, listing.id, submission('Reviewer Edit'), undefined, deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(approveListing(providerA, listing.id, undefined, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(rejectListing(providerA, listing.id, 'no', undefined, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(reviewQueue(providerA, { limit: 10 }, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getListing(providerA, 'lst_00000000000000000000', deps)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lists only the caller's own listings, newest first, page by page", async () => {
    const { deps, clock } = fakeDirectory();
    const mine: string[] = [];
    for (const name of ['First', 'Second', 'Third']) {
      mine.push((await createListing(providerA, submission(`${name} Program`), undefined, deps)).listing.id);
      clock.advance(1_000);
    }
    await createListing(providerB, submission('Not Mine'), undefined, deps);
    const first = await listOwnListings(providerA, { limit: 2 }, deps);
    expect(first.items.map((item) => item.id)).toEqual([mine[2], mine[1]]);
    expect(first.nextCursor).not.toBeNull();
    const second = await listOwnListings(providerA, { limit: 2, cursor: first.nextCursor! }, deps);
    expect(second).toEqual({ items: [expect.objectContaining({ id: mine[0] })], nextCursor: null });
  });
});

describe('creating', () => {
  it('refuses directory-assigned and invalid fields before storing anything or taking a place in review', async () => {
    const { deps, listings } = fakeDirectory({ maxPendingPerProvider: 1 });
    await expect(createListing(providerA, submission('Bad', { source: 'ops-seed' }), undefined, deps)).rejects.toMatchObject({
      code: 'invalid_request',
      details: [{ path: 'source', message: 'is assigned by the directory, not by providers' }],
    });
    const wrongState = createListing(providerA, submission('Bad', { address: { street1: '1 Main', city: 'Burlington', state: 'NH', zip: '05401' } }), undefined, deps);
    await expect(wrongState).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(wrongState).rejects.toMatchObject({ details: [{ path: 'address.state' }] });
    expect((await listOwnListings(providerA, { limit: 10 }, deps)).items).toEqual([]);
    // The one place in review is still free.
    await expect(createListing(providerA, submission('Good'), undefined, deps)).resolves.toMatchObject({ listing: { status: 'pending_review' } });
    expect(await listings.pendingReservations(providerA.sub)).toHaveLength(1);
  });

  it('replays a create with the same Idempotency-Key, concurrent ones included, taking one place; the key with another body is 409', async () => {
    const { deps } = fakeDirectory({ maxPendingPerProvider: 2 });
    const body = submission('Idempotent Wellness');
    const [first, retry] = await Promise.all([createListing(providerB, body, 'key-1', deps), createListing(providerB, body, 'key-1', deps)]);
    expect(first!.listing).toEqual(retry!.listing);
    expect([first!.replayed, retry!.replayed].sort()).toEqual([false, true]);
    const later = await createListing(providerB, body, 'key-1', deps);
    expect(later).toEqual({ listing: first!.listing, replayed: true, etag: '"1"' });
    expect((await listOwnListings(providerB, { limit: 10 }, deps)).items).toHaveLength(1);

    const conflicting = createListing(providerB, submission('Something Else'), 'key-1', deps);
    await expect(conflicting).rejects.toBeInstanceOf(ConflictError);
    await expect(conflicting).rejects.toMatchObject({ details: [{ path: 'Idempotency-Key' }] });
    // The same key of another provider is another listing.
    expect((await createListing(providerA, body, 'key-1', deps)).listing.id).not.toBe(first!.listing.id);
    // Two places: the replays took none of the second.
    await expect(createListing(providerB, submission('Second Program'), undefined, deps)).resolves.toMatchObject({ replayed: false });
    await expect(createListing(providerB, submission('Third Program'), undefined, deps)).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('flags a listing at the street and name of a published program, and clears the flag on an edit that no longer matches', async () => {
    const { deps, deliverStream } = fakeDirectory();
    const published = await createListing(providerA, submission('Lakeside Recovery & Wellness'), undefined, deps);
    await approveListing(reviewer, published.listing.id, undefined, deps);
    await deliverStream();

    const duplicate = await createListing(providerB, submission('Lakeside Recovery and Wellness', { address: { street1: '1 church st.', city: 'Burlington', state: 'VT', zip: '05401' } }), undefined, deps);
    expect(duplicate.listing.likelyDuplicateOf).toBe(published.listing.id);
    const queued = (await reviewQueue(reviewer, { limit: 10 }, deps)).items.find((item) => item.id === duplicate.listing.id);
    expect(queued).toMatchObject({ kind: 'listing', likelyDuplicateOf: published.listing.id });
    const renamed = await updateListing(providerB, duplicate.listing.id, submission('Another Program Entirely'), undefined, deps);
    expect(renamed.listing).not.toHaveProperty('likelyDuplicateOf');
    // A listing never duplicates its own published version.
    const ownEdit = await updateListing(providerA, published.listing.id, submission('Lakeside Recovery & Wellness', { insurance: ['medicare'] }), undefined, deps);
    expect(ownEdit.listing).not.toHaveProperty('likelyDuplicateOf');
  });
});
