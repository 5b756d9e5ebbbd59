import { randomUUID } from 'node:crypto';
import { PreconditionFailedError, RateLimitedError } from '../../domain/errors';
import type { Listing } from '../../domain/listing';
import type { PendingReservation } from '../../ports/listing-store';
import type { ListingDependencies } from './listing-dependencies';

/**
 * MAX_PENDING_LISTINGS, exact under concurrent requests. Counting the owner's listings in review
 * and then writing races (twenty concurrent creates all count four); DynamoDB transactions would
 * close it, but the local engine has none. Instead each owner has one item of reservations, one
 * per listing in review (or about to be), and a reservation is added by one conditional update
 * that holds only while the owner has fewer than the maximum: DynamoDB serialises updates of an
 * item, so at most `max` reservations exist at any instant.
 *
 * Two writes, in the order that keeps the count from ever being low after a crash: the
 * reservation is added before the write that puts the listing in review, and removed after the
 * write that takes it out. A crash in between leaves a reservation too many, never one too few;
 * such a leftover is recognised from the listing it names and reclaimed by the next reservation
 * that needs the room:
 * - the listing is past the revision the reservation was taken for and out of review: the
 *   listing's review ended (the removal after it was lost) or the write it was taken for lost;
 *   reclaimed at once;
 * - the listing never reached that revision: the request that reserved is still running or died
 *   before its write. Requests end within their function's timeout (10 s), so after
 *   RESERVATION_TIMEOUT_MS it died, and the reservation is reclaimed.
 */
export const RESERVATION_TIMEOUT_MS = 120_000;

/**
 * A second request making the same change (a create retried with its Idempotency-Key while the
 * first is running) relies on the first one's reservation while it is this young: its own write
 * then lands well before the reservation could time out. Only one of the two writes can succeed.
 */
const SHARED_RESERVATION_MAX_AGE_MS = 60_000;

/** Rounds of reclaiming leftovers before giving up on finding room. */
const ATTEMPTS = 4;

/** A reservation a request relies on; `own` when this request took it (and so may give it back). */
export interface ReviewHold {
  ownerId: string;
  reservation: PendingReservation;
  own: boolean;
}

type Standing = 'held' | 'in_flight' | 'stale';

function standingOf(reservation: PendingReservation, listing: Listing | undefined, nowMs: number): Standing {
  if (listing && listing.revision >= reservation.revision) return listing.status === 'pending_review' ? 'held' : 'stale';
  return nowMs - Date.parse(reservation.reservedAt) < RESERVATION_TIMEOUT_MS ? 'in_flight' : 'stale';
}

const nowMsOf = (deps: Pick<ListingDependencies, 'now'>) => (deps.now?.() ?? new Date()).getTime();

const atCapacity = (max: number) => new RateLimitedError(`At most ${max} listings may wait for review at once; wait for a review first`);

/**
 * Reserves review capacity for the write that puts listing `listingId` in review at `revision`
 * (1 for a create). Throws `rate_limited` when the owner already has the maximum in review, and
 * `precondition_failed` when another request is putting the same listing in review from another
 * revision (its write or this one's would fail anyway).
 */
export async function reserveReviewCapacity(ownerId: string, listingId: string, revision: number, deps: ListingDependencies): Promise<ReviewHold> {
  const nowMs = nowMsOf(deps);
  const max = deps.maxPendingPerProvider;
  const reservation: PendingReservation = { listingId, revision, reservedAt: new Date(nowMs).toISOString(), token: randomUUID() };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await deps.listings.reservePending(ownerId, reservation, max)) return { ownerId, reservation, own: true };
    const reservations = await deps.listings.pendingReservations(ownerId);
    if (!reservations) {
      // The owner's first reservation: their listings already in review (submitted before reservations existed) count.
      await deps.listings.startPendingReservations(ownerId, await listingsInReview(ownerId, nowMs, deps));
      continue;
    }
    const listings = await Promise.all(reservations.map((held) => deps.listings.get(held.listingId)));
    const standings = reservations.map((held, position) => ({ held, standing: standingOf(held, listings[position], nowMs) }));
    const same = standings.find(({ held }) => held.listingId === listingId);
    if (same && same.standing !== 'stale') {
      const young = nowMs - Date.parse(same.held.reservedAt) < SHARED_RESERVATION_MAX_AGE_MS;
      if (same.held.revision === revision && (same.standing === 'held' || young)) return { ownerId, reservation: same.held, own: false };
      throw new PreconditionFailedError('The listing is being changed by another request; read it again and reapply the change', [
        { path: 'id', message: 'is being changed by another request' },
      ]);
    }
    // Room again (a place given back, or the owner's record started, since the attempt): try again.
    if (reservations.length < max) continue;
    const stale = standings.filter(({ standing }) => standing === 'stale');
    if (stale.length === 0) throw atCapacity(max);
    await Promise.all(stale.map(({ held }) => deps.listings.releasePending(ownerId, held.listingId, { token: held.token })));
  }
  throw atCapacity(max);
}

/**
 * The write the hold was for did not happen (it failed, or the request stopped before it). The
 * reservation goes unless its listing is now in review at that revision (another request made
 * the same change and won). `exclusive`: no other request can make this change (a create without
 * an Idempotency-Key), so a reservation whose listing is not there yet is this request's alone;
 * otherwise such a reservation is left to time out, as another request may be relying on it.
 */
export async function abandonReviewHold(hold: ReviewHold, deps: ListingDependencies, { exclusive }: { exclusive: boolean }): Promise<void> {
  if (!hold.own) return;
  try {
    const standing = standingOf(hold.reservation, await deps.listings.get(hold.reservation.listingId), nowMsOf(deps));
    if (standing === 'stale' || (standing === 'in_flight' && exclusive)) {
      await deps.listings.releasePending(hold.ownerId, hold.reservation.listingId, { token: hold.reservation.token });
    }
  } catch {
    // Left behind, the reservation is reclaimed once it is recognisably stale (see above); the request's own error matters more.
  }
}

/**
 * Gives back the capacity of a listing that a successful write (`saved`) took out of review
 * (approved, rejected, archived, converted to a claim).
 */
export async function releaseReviewCapacity(saved: Listing, deps: ListingDependencies): Promise<void> {
  try {
    await deps.listings.releasePending(saved.ownerId, saved.id, { upToRevision: saved.revision });
  } catch {
    // The listing is out of review past the reservation's revision: the next reservation that needs the room reclaims it.
  }
}

async function listingsInReview(ownerId: string, nowMs: number, deps: ListingDependencies): Promise<PendingReservation[]> {
  const found: PendingReservation[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.listings.listByOwner(ownerId, { limit: 100, cursor });
    for (const listing of page.items) {
      if (listing.status !== 'pending_review') continue;
      found.push({ listingId: listing.id, revision: listing.revision, reservedAt: listing.submittedAt ?? new Date(nowMs).toISOString(), token: randomUUID() });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
}
