import { afterAll, describe, expect, it } from 'vitest';
import { documentClient, dynamoDbConfig } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { programIdFor } from '../../functions/domain/program-id';
import { importFile } from '../../seed/import-file';
import { api, type ApiResponse } from '../support/http';
import { importScratch } from '../support/import-files';
import { awaitIndexed } from '../support/stream';
import { providerToken, reviewerToken } from '../support/tokens';

/**
 * Duplicates (issue 9): a provider's new listing at the street and under the name of a published
 * program is flagged for reviewers, who can turn it into a claim. Near Santa Fe, NM: a corner of
 * the map no other test file uses.
 */
const SOURCE = 'test-duplicates';
const ZIP = '87501';
const run = `${process.pid}`;
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const { writeNdjson } = importScratch('iop-duplicates-');

const providerA = () => providerToken(`duplicate-a-${run}`);
const providerB = () => providerToken(`duplicate-b-${run}`);
const reviewer = () => reviewerToken(`duplicates-reviewer-${run}`);

const programName = `Santa Fe Recovery & Wellness, ${run}`;
const programStreet = `${run} Cerrillos Rd.`;

function submission(name: string, street1: string) {
  return {
    name,
    address: { street1, city: 'Santa Fe', state: 'NM', zip: ZIP },
    levelsOfCare: ['iop'],
    delivery: ['in_person'],
    insurance: ['medicaid'],
    sessions: [{ days: ['tue', 'thu'], start: '17:30', end: '20:30' }],
  };
}

type Listing = { id: string; status: string; likelyDuplicateOf?: string; pending: Record<string, unknown> | null };
type QueueItem = { kind: string; id: string; likelyDuplicateOf?: string; fromListingId?: string; status?: string };

const created: { id: string; token: () => Promise<string> }[] = [];

async function createListing(token: () => Promise<string>, body: unknown): Promise<ApiResponse<Listing>> {
  const response = await api<Listing>('POST', '/v1/listings', { token: await token(), body });
  expect(response.status).toBe(201);
  created.push({ id: response.body.id, token });
  return response;
}

/** The whole review queue, every page. */
async function queue(): Promise<QueueItem[]> {
  const items: QueueItem[] = [];
  let cursor: string | null = null;
  do {
    const page: ApiResponse<{ items: QueueItem[]; nextCursor: string | null }> = await api('GET', `/v1/review/queue?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      token: await reviewer(),
    });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

afterAll(async () => {
  // Out of the queue and out of search, so other test files' queues stay short.
  for (const { id, token } of created) {
    const read = await api<Listing>('GET', `/v1/listings/${id}`, { token: await token() });
    if (read.status === 200 && read.body.status !== 'archived') await api('DELETE', `/v1/listings/${id}`, { token: await token() });
  }
  for await (const page of store.scanAll()) {
    const ours = page.filter((program) => program.source === SOURCE && program.status === 'published');
    if (ours.length > 0) await store.putMany(ours.map((program) => ({ ...program, status: 'archived' as const, version: program.version + 1 })));
  }
  await awaitIndexed();
});

describe('duplicates', () => {
  it('flags a listing that matches a published program by street and name, and a reviewer turns it into a claim', async () => {
    const row = {
      externalId: `sf-${run}`,
      name: programName,
      phone: '505-555-0100',
      address: { street1: programStreet, city: 'Santa Fe', state: 'NM', zip: ZIP },
      levelsOfCare: ['iop', 'outpatient'],
      delivery: ['in_person'],
      insurance: ['medicaid'],
    };
    const file = writeNdjson('programs.ndjson', [JSON.stringify(row)]);
    expect(await importFile(file, { format: 'native', source: SOURCE })).toMatchObject({ accepted: 1 });
    await awaitIndexed();
    const programId = programIdFor(SOURCE, `sf-${run}`);

    // Same street and name, written differently (case, punctuation, "&" as "and"): flagged.
    const duplicate = await createListing(providerA, submission(`SANTA FE RECOVERY AND WELLNESS ${run}`, `${run} cerrillos rd`));
    expect(duplicate.body).toMatchObject({ status: 'pending_review', likelyDuplicateOf: programId });
    expect((await api('GET', `/v1/listings/${duplicate.body.id}`, { token: await providerA() })).body).toMatchObject({ likelyDuplicateOf: programId });
    expect((await queue()).find((item) => item.id === duplicate.body.id)).toMatchObject({ kind: 'listing', likelyDuplicateOf: programId });

    // Same street, another name: a different program at the same address, not flagged.
    const neighbour = await createListing(providerA, submission(`Cerrillos Family Counseling ${run}`, programStreet));
    expect(neighbour.body).not.toHaveProperty('likelyDuplicateOf');
    expect((await queue()).find((item) => item.id === neighbour.body.id)).not.toHaveProperty('likelyDuplicateOf');

    // An edit is checked afresh: renamed to the program's name it is flagged, renamed back it is not.
    const read = await api<Listing>('GET', `/v1/listings/${neighbour.body.id}`, { token: await providerA() });
    const renamed = await api<Listing>('PUT', `/v1/listings/${neighbour.body.id}`, {
      token: await providerA(),
      headers: { 'if-match': read.headers.get('etag')! },
      body: submission(programName, programStreet),
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.likelyDuplicateOf).toBe(programId);
    const back = await api<Listing>('PUT', `/v1/listings/${neighbour.body.id}`, {
      token: await providerA(),
      headers: { 'if-match': renamed.headers.get('etag')! },
      body: submission(`Cerrillos Family Counseling ${run}`, programStreet),
    });
    expect(back.status).toBe(200);
    expect(back.body).not.toHaveProperty('likelyDuplicateOf');

    // Only reviewers convert, and only a flagged listing.
    expect((await api('POST', `/v1/review/${duplicate.body.id}/convert`, { token: await providerA() })).status).toBe(403);
    expect((await api('POST', `/v1/review/${duplicate.body.id}/convert`)).status).toBe(401);
    const unflagged = await api('POST', `/v1/review/${neighbour.body.id}/convert`, { token: await reviewer() });
    expect(unflagged.status).toBe(409);
    expect(unflagged.body.error.code).toBe('conflict');
    expect((await api('POST', '/v1/review/lst_00000000000000000000/convert', { token: await reviewer() })).status).toBe(404);

    // Converted: the owner's claim on the program waits in the queue; the listing is archived.
    const converted = await api('POST', `/v1/review/${duplicate.body.id}/convert`, { token: await reviewer() });
    expect(converted.status).toBe(201);
    expect(converted.body).toMatchObject({
      kind: 'claim',
      id: expect.stringMatching(/^clm_/),
      programId,
      claimantId: `duplicate-a-${run}`,
      role: `provider (from listing ${duplicate.body.id})`,
      fromListingId: duplicate.body.id,
      status: 'open',
    });
    const claimId = converted.body.id as string;
    const afterConversion = await queue();
    expect(afterConversion.find((item) => item.id === claimId)).toMatchObject({ kind: 'claim', fromListingId: duplicate.body.id, status: 'open' });
    expect(afterConversion.find((item) => item.id === duplicate.body.id)).toBeUndefined();
    const archived = await api<Listing>('GET', `/v1/listings/${duplicate.body.id}`, { token: await providerA() });
    expect(archived.body).toMatchObject({ status: 'archived', pending: null });
    const history = await api('GET', `/v1/listings/${duplicate.body.id}/history`, { token: await providerA() });
    expect(history.body.history.at(-1)).toMatchObject({ action: 'archived', role: 'reviewer', note: `converted to claim ${claimId}` });
    // Not waiting for review any more.
    expect((await api('POST', `/v1/review/${duplicate.body.id}/convert`, { token: await reviewer() })).status).toBe(409);

    // The same provider's second duplicate: they already have an open claim on the program.
    const again = await createListing(providerA, submission(programName, programStreet));
    expect(again.body.likelyDuplicateOf).toBe(programId);
    expect((await api('POST', `/v1/review/${again.body.id}/convert`, { token: await reviewer() })).status).toBe(409);

    // Approving the claim gives the provider a listing that maintains the program.
    const approved = await api('POST', `/v1/review/${claimId}/approve`, { token: await reviewer() });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', fromListingId: duplicate.body.id, listingId: expect.stringMatching(/^lst_/) });
    const ownerListing = approved.body.listingId as string;
    expect((await store.get(programId))?.ownedBy).toBe(ownerListing);
    expect((await api('GET', `/v1/listings/${ownerListing}`, { token: await providerA() })).body).toMatchObject({ programId, status: 'published' });

    // Another provider's duplicate of a program that now has an owner: flagged, but not convertible.
    const late = await createListing(providerB, submission(programName, programStreet));
    expect(late.body.likelyDuplicateOf).toBe(programId);
    expect((await api('POST', `/v1/review/${late.body.id}/convert`, { token: await reviewer() })).status).toBe(409);
  }, 120_000);
});
