import { beforeAll, describe, expect, it } from 'vitest';
import { issueIdToken } from '../../local/auth/issue-token';
import { loadOrCreateSigningKey } from '../../local/auth/signing-key';
import { api } from '../support/http';
import { providerToken, reviewerToken } from '../support/tokens';

/**
 * Input an attacker would send, through the local API Gateway adapter and the real handlers and
 * engines: each is a 4xx with the contract's error body, never a 500, and never a privilege.
 */
const listing = (name: string) => ({
  name,
  address: { street1: '9 Hostile Test Rd', city: 'Montpelier', state: 'VT', zip: '05602' },
  levelsOfCare: ['outpatient'],
  delivery: ['in_person'],
});

/** A token of the stack's identity provider whose `cognito:groups` is exactly `groups`. */
async function tokenWithGroups(sub: string, groups: string[]): Promise<string> {
  return issueIdToken(await loadOrCreateSigningKey(process.env.LOCAL_AUTH_DIR!), { sub, groups });
}

/** `cursor` with one character replaced by another that keeps it well-formed base64url. */
function tampered(cursor: string, position: number): string {
  const replacement = cursor[position] === 'A' ? 'B' : 'A';
  return `${cursor.slice(0, position)}${replacement}${cursor.slice(position + 1)}`;
}

/** What a refused cursor answers with: 400 invalid_request naming `cursor`. */
const refusedCursor = { status: 400, body: { error: { code: 'invalid_request', details: [expect.objectContaining({ path: 'cursor' })] } } };

describe('cursors', () => {
  it('a forged search cursor (the base64 of `null`) is a 400 naming cursor, not a 500', async () => {
    expect(await api('GET', '/v1/programs?cursor=bnVsbA')).toMatchObject(refusedCursor);
    expect(await api('GET', '/v1/programs?zip=05602&cursor=eyJhZnRlciI6W10sInF1ZXJ5IjoiIn0')).toMatchObject(refusedCursor);
  });

  it('a /v1/listings cursor works as handed out and is a 400 once tampered with, or carried to another caller', async () => {
    const owner = await providerToken(`hostile-owner-${process.pid}`);
    for (const name of ['Hostile Cursor One', 'Hostile Cursor Two']) {
      expect((await api('POST', '/v1/listings', { token: owner, body: listing(name) })).status).toBe(201);
    }
    const first = await api<{ nextCursor: string | null }>('GET', '/v1/listings?limit=1', { token: owner });
    const cursor = first.body.nextCursor;
    expect(cursor).toBeTruthy();
    expect((await api('GET', `/v1/listings?limit=1&cursor=${cursor}`, { token: owner })).status).toBe(200);

    for (const position of [0, Math.floor(cursor!.length / 2), cursor!.length - 1]) {
      expect(await api('GET', `/v1/listings?limit=1&cursor=${tampered(cursor!, position)}`, { token: owner })).toMatchObject(refusedCursor);
    }
    // The raw table key the cursor used to be.
    const rawKey = Buffer.from(JSON.stringify({ pk: 'LISTING#x', sk: 'LISTING' })).toString('base64url');
    expect(await api('GET', `/v1/listings?cursor=${rawKey}`, { token: owner })).toMatchObject(refusedCursor);
    const someoneElse = await providerToken(`hostile-other-${process.pid}`);
    expect(await api('GET', `/v1/listings?limit=1&cursor=${cursor}`, { token: someoneElse })).toMatchObject(refusedCursor);
  });
});

describe('bodies', () => {
  it('3,000 nested arrays with an Idempotency-Key are a 400 naming the body, not a stack overflow', async () => {
    const owner = await providerToken(`hostile-nesting-${process.pid}`);
    const response = await api('POST', '/v1/listings', {
      token: owner,
      body: `${'['.repeat(3_000)}${']'.repeat(3_000)}`,
      headers: { 'idempotency-key': `hostile-nesting-${process.pid}` },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_request', details: [{ path: 'body' }] });
  });
});

describe('reviewers', () => {
  let reviewer = '';
  beforeAll(async () => {
    reviewer = await reviewerToken(`hostile-reviewer-${process.pid}`);
  });

  it('may not approve or reject a listing they submitted (403); another reviewer may', async () => {
    const created = await api<{ id: string }>('POST', '/v1/listings', { token: reviewer, body: listing('Hostile Own Submission') });
    expect(created.status).toBe(201);
    for (const [action, body] of [['approve', undefined], ['reject', { reason: 'Looks fine to me' }]] as const) {
      const refused = await api('POST', `/v1/review/${created.body.id}/${action}`, { token: reviewer, body });
      expect(refused.status, action).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'forbidden', details: [{ path: 'id', message: 'is your own listing' }] });
    }
    const otherReviewer = await reviewerToken(`hostile-reviewer-2-${process.pid}`);
    expect((await api('POST', `/v1/review/${created.body.id}/approve`, { token: otherReviewer })).status).toBe(200);
  });

  it.each([
    [['reviewers'], 200],
    [['support', 'reviewers'], 200],
    [['support,reviewers'], 403],
    [['"reviewers"'], 403],
    [['reviewersx'], 403],
  ])('a token in the groups %j reads the review queue: %i', async (groups, status) => {
    const token = await tokenWithGroups(`hostile-groups-${process.pid}`, groups);
    expect((await api('GET', '/v1/review/queue?limit=1', { token })).status).toBe(status);
  });
});
