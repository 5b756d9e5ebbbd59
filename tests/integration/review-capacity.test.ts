import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { documentClient, dynamoDbConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbClaimStore } from '../../functions/adapters/dynamodb/dynamodb-claim-store';
import { DynamoDbListingStore } from '../../functions/adapters/dynamodb/dynamodb-listing-store';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { RateLimitedError } from '../../functions/domain/errors';
import type { Identity } from '../../functions/domain/identity';
import type { Listing } from '../../functions/domain/listing';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import { archiveListing } from '../../functions/use-cases/listings/archive-listing';
import { createListing } from '../../functions/use-cases/listings/create-listing';
import type { ListingDependencies } from '../../functions/use-cases/listings/listing-dependencies';
import { reserveReviewCapacity, RESERVATION_TIMEOUT_MS } from '../../functions/use-cases/listings/review-capacity';
import { approveListing } from '../../functions/use-cases/listings/review-listing';
import { validateSubmission } from '../../functions/use-cases/listings/validate-submission';
import { api, type ApiResponse } from '../support/http';
import { providerToken, reviewerToken } from '../support/tokens';

/**
 * MAX_PENDING_LISTINGS (5 on the test stack) holds exactly when a provider's requests race each
 * other (issue 11), and capacity left behind by a request that died between its two writes comes
 * back. Listings are in Missoula, MT (59801), a zip no other test file uses.
 */
const run = `${process.pid}-${Date.now().toString(36)}`;
const reviewer = () => reviewerToken(`capacity-reviewer-${run}`);
const owners: string[] = [];

function provider(name: string): { sub: string; token: () => Promise<string> } {
  const sub = `capacity-${name}-${run}`;
  owners.push(sub);
  return { sub, token: () => providerToken(sub) };
}

function submission(name: string) {
  return {
    name,
    address: { street1: '200 W Broadway', city: 'Missoula', state: 'MT', zip: '59801' },
    levelsOfCare: ['iop'],
    delivery: ['in_person'],
    insurance: ['medicaid'],
  };
}

type ListingBody = { id: string; status: string; revision: number };

const create = async (token: string, name: string) => api<ListingBody>('POST', '/v1/listings', { token, body: submission(name) });

function statusCounts(responses: ApiResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

async function inReview(token: string): Promise<ListingBody[]> {
  const mine = await api<{ items: ListingBody[] }>('GET', '/v1/listings?limit=100', { token });
  expect(mine.status).toBe(200);
  return mine.body.items.filter((listing) => listing.status === 'pending_review');
}

afterAll(async () => {
  // Out of the shared review queue, so other files' queue reads see theirs.
  for (const sub of owners) {
    const token = await providerToken(sub);
    const mine = await api<{ items: ListingBody[] }>('GET', '/v1/listings?limit=100', { token });
    for (const listing of mine.body.items.filter((item) => item.status !== 'archived')) await api('DELETE', `/v1/listings/${listing.id}`, { token });
  }
});

describe('MAX_PENDING_LISTINGS under concurrent requests', () => {
  it('lets exactly 5 of 20 concurrent creates through; the other 15 are rate_limited', async () => {
    const busy = provider('burst');
    const token = await busy.token();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => create(token, `Missoula Burst ${index}`)));
    expect(statusCounts(responses)).toEqual({ 201: 5, 429: 15 });
    for (const refused of responses.filter((response) => response.status === 429)) expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect(await inReview(token)).toHaveLength(5);
  });

  it('gives a place back when a listing leaves review (approved, rejected, archived): exactly that many of the next concurrent creates pass', async () => {
    const owner = provider('turnover');
    const token = await owner.token();
    const first = await Promise.all(Array.from({ length: 5 }, (_, index) => create(token, `Missoula Turnover ${index}`)));
    expect(statusCounts(first)).toEqual({ 201: 5 });
    const [approved, rejected, archived] = first.map((response) => response.body.id);
    expect((await api('POST', `/v1/review/${approved}/approve`, { token: await reviewer() })).status).toBe(200);
    expect((await api('POST', `/v1/review/${rejected}/reject`, { token: await reviewer(), body: { reason: 'Incomplete' } })).status).toBe(200);
    expect((await api('DELETE', `/v1/listings/${archived}`, { token })).status).toBe(200);

    const next = await Promise.all(Array.from({ length: 10 }, (_, index) => create(token, `Missoula Turnover Again ${index}`)));
    expect(statusCounts(next)).toEqual({ 201: 3, 429: 7 });
    expect(await inReview(token)).toHaveLength(5);
  });

  it('counts edits that put published listings back in review: of 4 concurrent edits with 2 places left, exactly 2 pass', async () => {
    const owner = provider('edits');
    const token = await owner.token();
    const published: ListingBody[] = [];
    for (let index = 0; index < 4; index++) {
      const created = await create(token, `Missoula Published ${index}`);
      const approved = await api<ListingBody>('POST', `/v1/review/${created.body.id}/approve`, { token: await reviewer() });
      expect(approved.status).toBe(200);
      published.push(approved.body);
    }
    for (let index = 0; index < 3; index++) expect((await create(token, `Missoula Waiting ${index}`)).status).toBe(201);

    const edits = await Promise.all(
      published.map((listing, index) =>
        api('PUT', `/v1/listings/${listing.id}`, { token, body: submission(`Missoula Published ${index} Edited`), headers: { 'if-match': `"${listing.revision}"` } }),
      ),
    );
    expect(statusCounts(edits)).toEqual({ 200: 2, 429: 2 });
    expect(await inReview(token)).toHaveLength(5);
  });
});

describe('capacity left behind by a request that died between its two writes', () => {
  const table = dynamoDbConfig.PROGRAMS_TABLE;
  let clock = Date.now();

  /** The use cases on the suite's dynalite with a clock of the test's own and a limit of 2. */
  function dependencies(listings = new DynamoDbListingStore(documentClient, table, cursorSigningKey)): ListingDependencies {
    return {
      listings,
      programs: new DynamoDbProgramStore(documentClient, table),
      claims: new DynamoDbClaimStore(documentClient, table),
      zips: zipDirectory,
      maxPendingPerProvider: 2,
      now: () => new Date(clock),
    };
  }

  const ownerIdentity = (name: string): Identity => ({ sub: provider(name).sub, isReviewer: false });
  const reviewerIdentity: Identity = { sub: `capacity-reviewer-${run}`, isReviewer: true };
  const createAs = (identity: Identity, name: string, deps: ListingDependencies) => createListing(identity, submission(name), undefined, deps);

  it('comes back once the reservation of a create that never wrote its listing is older than any request runs', async () => {
    const deps = dependencies();
    const owner = ownerIdentity('crashed-create');
    await createAs(owner, 'Missoula Crash Survivor', deps);
    // A create that reserved and then died: its listing was never written.
    await reserveReviewCapacity(owner.sub, `lst_never_written_${randomUUID().slice(0, 8)}`, 1, deps);
    await expect(createAs(owner, 'Missoula Too Soon', deps)).rejects.toBeInstanceOf(RateLimitedError);
    clock += RESERVATION_TIMEOUT_MS + 1_000;
    await expect(createAs(owner, 'Missoula After The Timeout', deps)).resolves.toMatchObject({ listing: { status: 'pending_review' } });
    await expect(createAs(owner, 'Missoula One Too Many', deps)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('comes back at once when the listing left review but giving its place back was lost', async () => {
    // The store loses every release, as if each request died right after its listing write.
    class LosingReleases extends DynamoDbListingStore {
      override async releasePending(): Promise<boolean> {
        throw new Error('the function stopped before giving the place back');
      }
    }
    const deps = dependencies(new LosingReleases(documentClient, table));
    const owner = ownerIdentity('lost-release');
    const first = await createAs(owner, 'Missoula Approved', deps);
    const second = await createAs(owner, 'Missoula Archived', deps);
    await expect(createAs(owner, 'Missoula Full', deps)).rejects.toBeInstanceOf(RateLimitedError);
    await approveListing(reviewerIdentity, first.listing.id, undefined, deps);
    await archiveListing(owner, second.listing.id, undefined, deps);
    const sound = dependencies();
    await expect(createAs(owner, 'Missoula Reclaimed 1', sound)).resolves.toMatchObject({ listing: { status: 'pending_review' } });
    await expect(createAs(owner, 'Missoula Reclaimed 2', sound)).resolves.toMatchObject({ listing: { status: 'pending_review' } });
    await expect(createAs(owner, 'Missoula Over', sound)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it("counts an owner's listings that were put in review before reservations existed", async () => {
    const deps = dependencies();
    const owner = ownerIdentity('legacy');
    const now = new Date(clock).toISOString();
    for (const name of ['Missoula Legacy 1', 'Missoula Legacy 2']) {
      const legacy: Listing = {
        id: `lst_legacy_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
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
    await expect(createAs(owner, 'Missoula Past The Legacy', deps)).rejects.toBeInstanceOf(RateLimitedError);
  });
});
