import { createHash, randomUUID } from 'node:crypto';
import { contentHash } from '../../domain/content-hash';
import { ConflictError } from '../../domain/errors';
import type { Identity } from '../../domain/identity';
import { changedFields, toListingView, type Listing, type ListingView } from '../../domain/listing';
import { likelyDuplicateOf } from './likely-duplicate';
import { etagOf } from './listing-access';
import { nowIso, type ListingDependencies } from './listing-dependencies';
import { abandonReviewHold, reserveReviewCapacity } from './review-capacity';
import { validateSubmission } from './validate-submission';

export interface CreatedListing {
  listing: ListingView;
  /** True when this answers a retry: nothing new was created. */
  replayed: boolean;
  etag: string;
}

/**
 * With an Idempotency-Key the id is derived from the caller and the key, so two attempts of the
 * same request (even concurrent ones) address one listing and only one can create it.
 */
function listingIdFor(ownerId: string, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return `lst_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  return `lst_${createHash('sha256').update(`${ownerId}\u0000${idempotencyKey}`).digest('hex').slice(0, 20)}`;
}

export async function createListing(
  identity: Identity,
  body: unknown,
  idempotencyKey: string | undefined,
  deps: ListingDependencies,
): Promise<CreatedListing> {
  const id = listingIdFor(identity.sub, idempotencyKey);
  const requestHash = contentHash(body);
  if (idempotencyKey) {
    const replay = await replayOf(id, idempotencyKey, requestHash, deps);
    if (replay) return replay;
  }
  const pending = validateSubmission(body, deps.zips);
  const hold = await reserveReviewCapacity(identity.sub, id, 1, deps);
  let created: Listing | undefined;
  try {
    const duplicateOf = await likelyDuplicateOf(id, pending, deps);
    const now = nowIso(deps);
    const listing: Listing = {
      id,
      ownerId: identity.sub,
      status: 'pending_review',
      pending,
      ...(duplicateOf && { likelyDuplicateOf: duplicateOf }),
      revision: 1,
      submittedAt: now,
      createdAt: now,
      updatedAt: now,
      history: [{ at: now, actor: identity.sub, role: 'provider', action: 'created', changes: changedFields(undefined, pending) }],
    };
    if (idempotencyKey) listing.idempotency = { key: idempotencyKey, requestHash, response: JSON.stringify(toListingView(listing)) };
    if (await deps.listings.save(listing, 'absent')) created = listing;
  } finally {
    if (!created) await abandonReviewHold(hold, deps, { exclusive: !idempotencyKey });
  }
  if (!created) {
    // A concurrent attempt with the same key won the race: answer as its retry.
    const replay = idempotencyKey ? await replayOf(id, idempotencyKey, requestHash, deps) : undefined;
    if (replay) return replay;
    throw new ConflictError('The listing could not be created; retry the request');
  }
  return { listing: toListingView(created), replayed: false, etag: etagOf(created) };
}

async function replayOf(id: string, key: string, requestHash: string, deps: ListingDependencies): Promise<CreatedListing | undefined> {
  const existing = await deps.listings.get(id);
  if (!existing?.idempotency) return undefined;
  if (existing.idempotency.requestHash !== requestHash) {
    throw new ConflictError('This Idempotency-Key was already used with a different request body', [
      { path: 'Idempotency-Key', message: `was used for listing ${existing.id} with another body` },
    ]);
  }
  const first = JSON.parse(existing.idempotency.response) as ListingView;
  return { listing: first, replayed: true, etag: etagOf(first) };
}
