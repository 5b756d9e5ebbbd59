import { beforeAll, describe, expect, it } from 'vitest';
import { programIdFor } from '../../functions/domain/program-id';
import { importFile } from '../../seed/import-file';
import { api } from '../support/http';
import { importScratch } from '../support/import-files';
import { providerToken, reviewerToken } from '../support/tokens';

type Caller = 'anonymous' | 'owner' | 'otherProvider' | 'reviewer';

const body = {
  name: 'Authorization Matrix Program',
  address: { street1: '1 Elm St', city: 'Montpelier', state: 'VT', zip: '05602' },
  levelsOfCare: ['outpatient'],
  delivery: ['in_person'],
};

const tokens: Partial<Record<Caller, string>> = {};
const { writeNdjson } = importScratch('iop-matrix-');
let listingId = '';
let toReject = '';
let programId = '';
const claimIds: Partial<Record<Caller, string>> = {};

beforeAll(async () => {
  tokens.owner = await providerToken(`matrix-owner-${process.pid}`);
  tokens.otherProvider = await providerToken(`matrix-other-${process.pid}`);
  tokens.reviewer = await reviewerToken(`matrix-reviewer-${process.pid}`);
  listingId = (await api<{ id: string }>('POST', '/v1/listings', { token: tokens.owner, body })).body.id;
  toReject = (await api<{ id: string }>('POST', '/v1/listings', { token: tokens.owner, body: { ...body, name: 'To Reject' } })).body.id;
  const file = writeNdjson('matrix.ndjson', [JSON.stringify({ ...body, externalId: 'matrix-1', name: 'Authorization Matrix Import' })]);
  await importFile(file, { format: 'native', source: 'test-matrix' });
  programId = programIdFor('test-matrix', 'matrix-1');
});

/**
 * Every route against every caller, in an order where state-changing calls come after the reads
 * they would affect. Someone else's listing is 404 (existence does not leak); review routes are
 * 403 for providers; everything is 401 without a token.
 */
const matrix: [string, string, () => string, Record<Caller, number>, unknown?][] = [
  ['GET', 'list own listings', () => '/v1/listings', { anonymous: 401, owner: 200, otherProvider: 200, reviewer: 200 }],
  ['GET', 'read a listing', () => `/v1/listings/${listingId}`, { anonymous: 401, owner: 200, otherProvider: 404, reviewer: 200 }],
  ['GET', 'read its history', () => `/v1/listings/${listingId}/history`, { anonymous: 401, owner: 200, otherProvider: 404, reviewer: 200 }],
  ['GET', 'read the review queue', () => '/v1/review/queue', { anonymous: 401, owner: 403, otherProvider: 403, reviewer: 200 }],
  ['PUT', 'edit a listing', () => `/v1/listings/${listingId}`, { anonymous: 401, otherProvider: 404, reviewer: 404, owner: 200 }, body],
  ['POST', 'approve', () => `/v1/review/${listingId}/approve`, { anonymous: 401, owner: 403, otherProvider: 403, reviewer: 200 }],
  ['POST', 'reject', () => `/v1/review/${toReject}/reject`, { anonymous: 401, owner: 403, otherProvider: 403, reviewer: 200 }, { reason: 'Incomplete' }],
  ['GET', 'read the expiry watch', () => '/v1/review/expiring?within=30', { anonymous: 401, owner: 403, otherProvider: 403, reviewer: 200 }],
  // Published, not waiting for review and not flagged: reviewers may ask, and are told it cannot be converted.
  ['POST', 'convert a listing to a claim', () => `/v1/review/${listingId}/convert`, { anonymous: 401, owner: 403, otherProvider: 403, reviewer: 409 }],
  ['POST', 'confirm a listing', () => `/v1/listings/${listingId}/confirm`, { anonymous: 401, otherProvider: 404, reviewer: 404, owner: 200 }],
  ['POST', 'claim a program', () => `/v1/programs/${programId}/claims`, { anonymous: 401, owner: 201, otherProvider: 201, reviewer: 201 }, { role: 'director' }],
  ['POST', 'approve a claim', () => `/v1/review/${claimIds.owner}/approve`, { anonymous: 401, owner: 403, otherProvider: 403, reviewer: 200 }],
  ['POST', 'reject a claim', () => `/v1/review/${claimIds.otherProvider}/reject`, { anonymous: 401, owner: 403, otherProvider: 403, reviewer: 200 }, { reason: 'Another claim was approved' }],
  ['DELETE', 'archive', () => `/v1/listings/${listingId}`, { anonymous: 401, otherProvider: 404, reviewer: 404, owner: 200 }],
  ['POST', 'create a listing', () => '/v1/listings', { anonymous: 401, owner: 201, otherProvider: 201, reviewer: 201 }, body],
];

describe('authorization matrix', () => {
  it.each(matrix)('%s %s', async (method, _label, path, expected, requestBody) => {
    for (const [caller, status] of Object.entries(expected) as [Caller, number][]) {
      const headers = method === 'PUT' ? { 'if-match': '*' } : undefined;
      const response = await api(method, path(), { token: tokens[caller], body: requestBody, headers });
      expect({ caller, status: response.status }).toEqual({ caller, status });
      if (response.status === 201 && typeof response.body?.id === 'string' && response.body.id.startsWith('clm_')) claimIds[caller] = response.body.id;
      if (status >= 400) {
        const code = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict' }[status];
        expect(response.body).toMatchObject({ error: { code } });
      }
    }
  });

  it('refuses a provider calling reject with 403 before reading the body, so an invalid body reveals nothing of its schema', async () => {
    for (const requestBody of [{}, { reason: '', unknown: 1 }, 'not json']) {
      const response = await api('POST', `/v1/review/${listingId}/reject`, { token: tokens.owner, body: requestBody });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ error: { code: 'forbidden', message: expect.any(String), details: [] } });
    }
  });

  it("lists only the caller's own listings", async () => {
    const others = await api<{ items: { id: string }[] }>('GET', '/v1/listings?limit=100', { token: tokens.otherProvider });
    expect(others.body.items.map((item) => item.id)).not.toContain(listingId);
    const own = await api<{ items: { id: string }[] }>('GET', '/v1/listings?limit=100', { token: tokens.owner });
    expect(own.body.items.map((item) => item.id)).toEqual(expect.arrayContaining([listingId, toReject]));
  });
});
