import { describe, expect, it } from 'vitest';
import { api, type ApiResponse } from '../support/http';
import { providerToken, reviewerToken } from '../support/tokens';
import { awaitIndexed } from '../support/stream';

/** A provider's program near Burlington, VT: a corner of the map no other test file uses. */
function submission(name: string, overrides: Record<string, unknown> = {}) {
  return {
    name,
    address: { street1: '1 Church St', city: 'Burlington', state: 'VT', zip: '05401' },
    levelsOfCare: ['iop'],
    delivery: ['in_person', 'virtual'],
    insurance: ['medicaid', 'bcbs'],
    sessions: [{ days: ['mon', 'wed'], start: '18:00', end: '21:00' }],
    ...overrides,
  };
}

type ListingBody = { id: string; status: string; revision: number; current: { name: string } | null; pending: { name: string } | null; reviewNotes: string | null };
type SearchBody = { total: number; results: { id: string; name: string }[] };

async function searchNames(q: string): Promise<string[]> {
  await awaitIndexed();
  const { status, body } = await api<SearchBody>('GET', `/v1/programs?zip=05401&radius=5&q=${encodeURIComponent(q)}`);
  expect(status).toBe(200);
  return body.results.map((result) => result.name);
}

const providerA = () => providerToken(`provider-a-${process.pid}`);
const providerB = () => providerToken(`provider-b-${process.pid}`);
const reviewer = () => reviewerToken(`reviewer-${process.pid}`);

async function create(token: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<ListingBody>> {
  return api<ListingBody>('POST', '/v1/listings', { token, body, headers });
}

describe('listing lifecycle', () => {
  it('submit, approve, edit, approve, archive: only reviewed versions are ever public, and history records every step', async () => {
    const created = await create(await providerA(), submission('Lakeside Evening IOP'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending_review', current: null, pending: { name: 'Lakeside Evening IOP' } });
    expect(created.headers.get('etag')).toBe(`"${created.body.revision}"`);
    const id = created.body.id;
    expect(await searchNames('Lakeside')).toEqual([]);

    const queue = await api<{ items: { id: string }[] }>('GET', '/v1/review/queue?limit=100', { token: await reviewer() });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((item) => item.id)).toContain(id);

    const approved = await api<ListingBody>('POST', `/v1/review/${id}/approve`, { token: await reviewer() });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'published', current: { name: 'Lakeside Evening IOP' }, pending: null });
    expect(await searchNames('Lakeside')).toEqual(['Lakeside Evening IOP']);
    const publicRecord = await api<{ id: string; source: string; dataAsOf: string; verifiedAt: string }>('GET', `/v1/programs/${id}`);
    expect(publicRecord.body).toMatchObject({ id, source: 'provider' });
    // A provider's version is as of its approval, which verified it.
    expect(publicRecord.body.dataAsOf).toBe(new Date().toISOString().slice(0, 10));
    expect(Date.now() - Date.parse(publicRecord.body.verifiedAt)).toBeLessThan(120_000);
    expect(approved.body.current).not.toHaveProperty('verifiedAt');

    const read = await api<ListingBody>('GET', `/v1/listings/${id}`, { token: await providerA() });
    const edited = await api<ListingBody>('PUT', `/v1/listings/${id}`, {
      token: await providerA(),
      body: submission('Lakeside Evening IOP Renamed'),
      headers: { 'if-match': read.headers.get('etag')! },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'pending_review', current: { name: 'Lakeside Evening IOP' }, pending: { name: 'Lakeside Evening IOP Renamed' } });
    // The old version stays served while the edit waits.
    expect(await searchNames('Lakeside')).toEqual(['Lakeside Evening IOP']);

    await api('POST', `/v1/review/${id}/approve`, { token: await reviewer() });
    expect(await searchNames('Lakeside')).toEqual(['Lakeside Evening IOP Renamed']);

    const archived = await api<ListingBody>('DELETE', `/v1/listings/${id}`, { token: await providerA() });
    expect(archived.status).toBe(200);
    expect(archived.body.status).toBe('archived');
    expect(await searchNames('Lakeside')).toEqual([]);
    expect((await api('GET', `/v1/programs/${id}`)).status).toBe(404);

    const history = await api<{ history: { action: string; actor: string; role: string; changes?: string[] }[] }>('GET', `/v1/listings/${id}/history`, {
      token: await providerA(),
    });
    expect(history.status).toBe(200);
    expect(history.body.history.map((entry) => `${entry.role}:${entry.action}`)).toEqual([
      'provider:created',
      'reviewer:approved',
      'provider:updated',
      'reviewer:approved',
      'provider:archived',
    ]);
    expect(history.body.history[2]?.changes).toEqual(['name']);
    expect(history.body.history[1]?.actor).toBe(`reviewer-${process.pid}`);
  });

  it('rejects with a reason the provider sees, and a rejected edit leaves the live version alone', async () => {
    const created = await create(await providerA(), submission('Riverside Partial Hospital', { levelsOfCare: ['php'] }));
    const id = created.body.id;
    const noReason = await api('POST', `/v1/review/${id}/reject`, { token: await reviewer(), body: {} });
    expect(noReason.status).toBe(400);
    const rejected = await api<ListingBody>('POST', `/v1/review/${id}/reject`, { token: await reviewer(), body: { reason: 'Licence number missing' } });
    expect(rejected.status).toBe(200);
    const seen = await api<ListingBody>('GET', `/v1/listings/${id}`, { token: await providerA() });
    expect(seen.body).toMatchObject({ status: 'rejected', reviewNotes: 'Licence number missing', current: null, pending: null });
    expect((await api('POST', `/v1/review/${id}/approve`, { token: await reviewer() })).status).toBe(409);
  });
});

describe('concurrency and idempotency', () => {
  it('lets exactly one of two updates with the same If-Match through; the other is 412 and nothing is lost', async () => {
    const created = await create(await providerA(), submission('Concurrent Counseling'));
    const etag = created.headers.get('etag')!;
    const [first, second] = await Promise.all(
      ['Concurrent Counseling One', 'Concurrent Counseling Two'].map(async (name) =>
        api<ListingBody>('PUT', `/v1/listings/${created.body.id}`, { token: await providerA(), body: submission(name), headers: { 'if-match': etag } }),
      ),
    );
    expect([first!.status, second!.status].sort()).toEqual([200, 412]);
    const winner = first!.status === 200 ? first! : second!;
    const stored = await api<ListingBody>('GET', `/v1/listings/${created.body.id}`, { token: await providerA() });
    expect(stored.body.pending?.name).toBe(winner.body.pending?.name);
    expect(stored.body.revision).toBe(created.body.revision + 1);
    const stale = await api('PUT', `/v1/listings/${created.body.id}`, { token: await providerA(), body: submission('Late'), headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: { code: 'precondition_failed' } });
  });

  it('replays a create with the same Idempotency-Key and refuses the key with another body', async () => {
    const key = `create-${process.pid}-${Date.now()}`;
    const body = submission('Idempotent Wellness');
    const [first, retry] = await Promise.all([create(await providerB(), body, { 'idempotency-key': key }), create(await providerB(), body, { 'idempotency-key': key })]);
    expect([first!.status, retry!.status]).toEqual([201, 201]);
    expect(retry!.body).toEqual(first!.body);
    const mine = await api<{ items: { id: string; pending: { name: string } | null }[] }>('GET', '/v1/listings?limit=100', { token: await providerB() });
    expect(mine.body.items.filter((item) => item.pending?.name === 'Idempotent Wellness')).toHaveLength(1);
    const conflicting = await create(await providerB(), submission('Something Else'), { 'idempotency-key': key });
    expect(conflicting.status).toBe(409);
    expect(conflicting.body).toMatchObject({ error: { code: 'conflict' } });
  });
});

describe('limits and bad input', () => {
  it('caps the listings a provider may have waiting for review', async () => {
    const token = await providerToken(`busy-provider-${process.pid}`);
    const statuses: number[] = [];
    for (let index = 0; index < 6; index++) statuses.push((await create(token, submission(`Busy Program ${index}`))).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('answers a body over 64 KB with 413 and bad fields with 400 naming them', async () => {
    const huge = await create(await providerA(), submission('Huge', { description: 'x'.repeat(70 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { code: 'payload_too_large' } });
    const bad = await create(await providerA(), submission('Bad', { insurance: ['acme'], source: 'ops-seed' }));
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { error: { details: { path: string }[] } }).error.details.map((detail) => detail.path).sort()).toEqual(['source']);
    const noIfMatch = await api('PUT', '/v1/listings/lst_00000000000000000000', { token: await providerA(), body: submission('X') });
    expect(noIfMatch.status).toBe(400);
  });
});
