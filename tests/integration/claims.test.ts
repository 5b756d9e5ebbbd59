import { afterAll, describe, expect, it } from 'vitest';
import { documentClient, dynamoDbConfig } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { programIdFor } from '../../functions/domain/program-id';
import { importFile } from '../../seed/import-file';
import { api } from '../support/http';
import { importScratch } from '../support/import-files';
import { awaitIndexed } from '../support/stream';
import { providerToken, reviewerToken } from '../support/tokens';

/**
 * Claims end to end (contract 1.1, section 7) on an imported program near Kailua-Kona, HI: a
 * corner of the map no other test file uses.
 */
const SOURCE = 'test-claims';
const ZIP = '96740';
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const { writeNdjson } = importScratch('iop-claims-');
const run = `${process.pid}`;

const providerA = () => providerToken(`claimant-a-${run}`);
const providerB = () => providerToken(`claimant-b-${run}`);
const providerC = () => providerToken(`claimant-c-${run}`);
const reviewer = () => reviewerToken(`claims-reviewer-${run}`);

function imported(externalId: string, overrides: Record<string, unknown> = {}) {
  return {
    externalId,
    name: `Kona Recovery ${externalId}`,
    phone: '808-555-0100',
    address: { street1: '74-5620 Palani Rd', city: 'Kailua Kona', state: 'HI', zip: ZIP },
    levelsOfCare: ['iop', 'outpatient'],
    delivery: ['in_person'],
    insurance: ['medicaid'],
    dataAsOf: '2023-06-29',
    ...overrides,
  };
}

async function importRows(name: string, rows: object[], options: { prune?: boolean } = {}) {
  return importFile(writeNdjson(name, rows.map((row) => JSON.stringify(row))), { format: 'native', source: SOURCE, ...options });
}

type SearchBody = { total: number; results: { id: string; name: string; source: string; verifiedAt?: string; sessions?: unknown[]; phone?: string }[] };

async function search(query: string): Promise<SearchBody> {
  await awaitIndexed();
  const response = await api<SearchBody>('GET', `/v1/programs?zip=${ZIP}&radius=5&${query}`);
  expect(response.status).toBe(200);
  return response.body;
}

afterAll(async () => {
  for await (const page of store.scanAll()) {
    const ours = page.filter((program) => program.source === SOURCE && program.status === 'published');
    if (ours.length > 0) await store.putMany(ours.map((program) => ({ ...program, status: 'archived' as const, version: program.version + 1 })));
  }
  await awaitIndexed();
});

describe('claims', () => {
  it('claim, race of two approvals, owner edits, re-imports and prune: the program is served once, as its owner wrote it', async () => {
    const row = imported('kona-1');
    expect(await importRows('first.ndjson', [row, imported('kona-2', { address: { ...row.address, street1: '75-170 Hualalai Rd' } })])).toMatchObject({ accepted: 2 });
    const programId = programIdFor(SOURCE, 'kona-1');

    // Anyone signed in may claim; anonymous callers may not.
    expect((await api('POST', `/v1/programs/${programId}/claims`, { body: { role: 'clinical director' } })).status).toBe(401);
    expect((await api('POST', `/v1/programs/${programId}/claims`, { token: await providerA(), body: { role: '' } })).body.error.details).toEqual([
      { path: 'role', message: expect.stringContaining('must not be empty') },
    ]);
    expect((await api('POST', '/v1/programs/no-such-program/claims', { token: await providerA(), body: { role: 'director' } })).status).toBe(404);
    const claimA = await api('POST', `/v1/programs/${programId}/claims`, { token: await providerA(), body: { role: 'clinical director', phone: '808-555-0101' } });
    expect(claimA.status).toBe(201);
    expect(claimA.body).toMatchObject({ kind: 'claim', programId, programName: 'Kona Recovery kona-1', status: 'open', role: 'clinical director' });
    // One open claim per program and provider.
    expect((await api('POST', `/v1/programs/${programId}/claims`, { token: await providerA(), body: { role: 'again' } })).status).toBe(409);
    const claimB = await api('POST', `/v1/programs/${programId}/claims`, { token: await providerB(), body: { role: 'owner' } });
    expect(claimB.status).toBe(201);

    const queue = await api('GET', '/v1/review/queue?limit=100', { token: await reviewer() });
    const claimsInQueue = (queue.body.items as { kind: string; id: string }[]).filter((item) => item.kind === 'claim').map((item) => item.id);
    expect(claimsInQueue).toEqual(expect.arrayContaining([claimA.body.id, claimB.body.id]));
    expect((await api('POST', `/v1/review/${claimA.body.id}/approve`, { token: await providerB() })).status).toBe(403);

    // Two reviewers approve the two claims at once: one wins, the other is a 409 that wrote nothing.
    const [first, second] = await Promise.all([
      api('POST', `/v1/review/${claimA.body.id}/approve`, { token: await reviewer() }),
      api('POST', `/v1/review/${claimB.body.id}/approve`, { token: await reviewer() }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const [winner, loser, winnerToken, loserToken] =
      first.status === 200 ? [first, claimB, await providerA(), await providerB()] : [second, claimA, await providerB(), await providerA()];
    expect(winner.body).toMatchObject({ status: 'approved', listingId: expect.stringMatching(/^lst_/) });
    const listingId = winner.body.listingId as string;
    const loserAfter = (await api('GET', '/v1/review/queue?limit=100', { token: await reviewer() })).body.items.find((item: { id: string }) => item.id === loser.body.id);
    expect(loserAfter).toMatchObject({ status: 'open' });
    expect((await api('GET', '/v1/listings', { token: loserToken })).body.items).toEqual([]);
    expect((await store.get(programId))?.ownedBy).toBe(listingId);
    // Owned now: nobody else may claim it.
    expect((await api('POST', `/v1/programs/${programId}/claims`, { token: await providerC(), body: { role: 'owner' } })).status).toBe(409);

    // Served once, under the program's id, verified by the approval.
    let found = await search('q=Kona%20Recovery%20kona-1');
    expect(found.results.filter((result) => result.name === 'Kona Recovery kona-1')).toEqual([
      expect.objectContaining({ id: programId, source: SOURCE, verifiedAt: expect.any(String) }),
    ]);

    // The owner adds evening sessions; the reviewer approves the edit.
    const read = await api('GET', `/v1/listings/${listingId}`, { token: winnerToken });
    expect(read.body).toMatchObject({ programId, status: 'published', current: { name: 'Kona Recovery kona-1', insurance: ['medicaid'] } });
    expect((await api('GET', `/v1/listings/${listingId}`, { token: loserToken })).status).toBe(404);
    const { current } = read.body as { current: Record<string, unknown> };
    const edited = await api('PUT', `/v1/listings/${listingId}`, {
      token: winnerToken,
      headers: { 'if-match': read.headers.get('etag')! },
      body: { ...current, insurance: ['medicaid', 'aetna'], sessions: [{ days: ['tue', 'thu'], start: '18:00', end: '20:30' }] },
    });
    expect(edited.status).toBe(200);
    expect((await search('sessionTime=evening')).results.filter((result) => result.id === programId)).toEqual([]);
    expect((await api('POST', `/v1/review/${listingId}/approve`, { token: await reviewer() })).status).toBe(200);
    found = await search('sessionTime=evening');
    expect(found.results.filter((result) => result.name === 'Kona Recovery kona-1')).toEqual([
      expect.objectContaining({ id: programId, sessions: [{ days: ['tue', 'thu'], start: '18:00', end: '20:30' }], verifiedAt: expect.any(String) }),
    ]);

    // A re-import of the source records its statement and changes nothing served.
    const reimport = await importRows('second.ndjson', [imported('kona-1', { phone: '808-555-0199' }), imported('kona-2', { address: { ...row.address, street1: '75-170 Hualalai Rd' } })]);
    expect(reimport).toMatchObject({ claimedKept: 1, rejected: 0 });
    found = await search('sessionTime=evening');
    expect(found.results.filter((result) => result.id === programId)).toEqual([expect.objectContaining({ phone: '808-555-0100', insurance: ['medicaid', 'aetna'] })]);
    const withSource = await api('GET', `/v1/listings/${listingId}`, { token: winnerToken });
    expect(withSource.body.source).toMatchObject({ dataAsOf: '2023-06-29', noLongerListedSince: null });
    expect((withSource.body.source.differences as { field: string }[]).map((difference) => difference.field)).toEqual(['insurance', 'phone', 'sessions']);
    expect(withSource.body.source.differences).toContainEqual({ field: 'phone', source: '808-555-0199', current: '808-555-0100' });
    // The same statement again is nothing new.
    expect(await importRows('third.ndjson', [imported('kona-1', { phone: '808-555-0199' }), imported('kona-2', { address: { ...row.address, street1: '75-170 Hualalai Rd' } })])).toMatchObject({ written: 0, claimedKept: 1 });

    // A full refresh that no longer lists it keeps the claimed program and says so.
    const pruned = await importRows('pruned.ndjson', [imported('kona-2', { address: { ...row.address, street1: '75-170 Hualalai Rd' } })], { prune: true });
    expect(pruned).toMatchObject({ archived: 0, claimedKept: 1 });
    expect((await search('sessionTime=evening')).results.filter((result) => result.id === programId)).toHaveLength(1);
    expect((await api('GET', `/v1/listings/${listingId}`, { token: winnerToken })).body.source.noLongerListedSince).toEqual(expect.any(String));

    // The owner confirms: verifiedAt moves, and verifiedSince finds it.
    const before = (await store.get(programId))!.verifiedAt!;
    const latest = await api('GET', `/v1/listings/${listingId}`, { token: winnerToken });
    const confirmed = await api('POST', `/v1/listings/${listingId}/confirm`, { token: winnerToken, headers: { 'if-match': latest.headers.get('etag')! } });
    expect(confirmed.status).toBe(200);
    expect((await store.get(programId))!.verifiedAt! > before).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    expect((await search(`verifiedSince=${today}`)).results.map((result) => result.id)).toContain(programId);
    expect((await search('verifiedSince=2999-01-01')).results.map((result) => result.id)).not.toContain(programId);
    expect((await api('POST', `/v1/listings/${listingId}/confirm`, { token: loserToken })).status).toBe(404);
  }, 120_000);

  it('rejects a claim with a reason the claimant sees, and lets the claimant claim again', async () => {
    await importRows('rejectable.ndjson', [imported('kona-3', { address: { street1: '73-4460 Queen Kaahumanu Hwy', city: 'Kailua Kona', state: 'HI', zip: ZIP } })]);
    const programId = programIdFor(SOURCE, 'kona-3');
    const claim = await api('POST', `/v1/programs/${programId}/claims`, { token: await providerC(), body: { role: 'front desk' } });
    expect(claim.status).toBe(201);
    expect((await api('POST', `/v1/review/${claim.body.id}/reject`, { token: await reviewer(), body: {} })).status).toBe(400);
    const rejected = await api('POST', `/v1/review/${claim.body.id}/reject`, { token: await reviewer(), body: { reason: 'please have the director claim it' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', reviewNotes: 'please have the director claim it' });
    expect((await api('POST', `/v1/review/${claim.body.id}/approve`, { token: await reviewer() })).status).toBe(409);
    expect((await store.get(programId))?.ownedBy).toBeUndefined();
    const again = await api('POST', `/v1/programs/${programId}/claims`, { token: await providerC(), body: { role: 'clinical director' } });
    expect(again).toMatchObject({ status: 201, body: { id: claim.body.id, status: 'open' } });
  });

  it('queues an anonymous problem report beside listings and claims, and resolves it from the queue', async () => {
    await importRows('reported.ndjson', [imported('kona-4', { address: { street1: '74-5599 Luhia St', city: 'Kailua Kona', state: 'HI', zip: ZIP } })]);
    const programId = programIdFor(SOURCE, 'kona-4');
    const send = () => api('POST', `/v1/programs/${programId}/reports`, { body: { category: 'wrong_phone', message: 'The number rings a bakery <b>really</b>' } });
    let report = await send();
    if (report.status === 429) {
      // Other test files report from 127.0.0.1 too (5 a minute per address): wait for the next window.
      await new Promise((resolve) => setTimeout(resolve, Number(report.headers.get('retry-after') ?? 60) * 1000 + 500));
      report = await send();
    }
    expect(report.status).toBe(202);
    const queue = await api('GET', '/v1/review/queue?limit=100', { token: await reviewer() });
    expect(queue.body.items).toContainEqual(
      expect.objectContaining({ kind: 'report', id: report.body.id, programId, category: 'wrong_phone', message: 'The number rings a bakery <b>really</b>', status: 'open' }),
    );
    expect((await api('POST', `/v1/review/${report.body.id}/approve`, { token: await providerA() })).status).toBe(403);
    const resolved = await api('POST', `/v1/review/${report.body.id}/approve`, { token: await reviewer() });
    expect(resolved.body).toMatchObject({ kind: 'report', status: 'acted_on' });
    const after = await api('GET', '/v1/review/queue?limit=100', { token: await reviewer() });
    expect((after.body.items as { id: string }[]).map((item) => item.id)).not.toContain(report.body.id);
    expect((await api('POST', `/v1/review/${report.body.id}/reject`, { token: await reviewer(), body: { reason: 'again' } })).status).toBe(409);
  }, 120_000);
});
