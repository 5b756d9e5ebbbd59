import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient, openSearchClient, dynamoDbConfig, openSearchConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { OpenSearchSearchIndex } from '../../functions/adapters/opensearch/opensearch-search-index';
import { toCriteria } from '../../functions/use-cases/search-programs';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import { api } from '../support/http';
import { makeProgram, northOf } from '../support/program-fixtures';
import { awaitIndexed } from '../support/stream';
import { providerToken, reviewerToken } from '../support/tokens';

/**
 * Contract section 9 over HTTP, through the local API Gateway adapter: Cache-Control, ETag and
 * 304 on the public reads, no-store on the token routes. Bismarck, ND: a corner of the map no
 * other test file uses.
 */
const ZIP = '58501';
const origin = zipDirectory.lookup(ZIP)!.centroid;
const SOURCE = 'test-http-caching';
const store = new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const program = (externalId: string, miles: number) =>
  makeProgram(SOURCE, externalId, {
    name: `Bismarck ${externalId}`,
    address: { street1: '1 Main Ave', city: 'Bismarck', state: 'ND', zip: ZIP },
    location: northOf(origin, miles),
    timezone: 'America/Chicago',
    levelsOfCare: ['iop'],
  });
const first = program('first', 1);

const SEARCH = `/v1/programs?zip=${ZIP}&radius=10`;
const INDEX_READS = 'public, max-age=60, stale-while-revalidate=300';
const BUNDLED_DATA = 'public, max-age=86400, stale-while-revalidate=604800';

/** The raw exchange: status, headers and the body exactly as sent (a 304 must have none). */
async function exchange(method: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${process.env.LOCAL_API_URL}${path}`, { method, headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

beforeAll(async () => {
  await store.putMany([first, program('second', 3)]);
  await awaitIndexed();
});

describe('GET /v1/programs', () => {
  it('answers with Cache-Control and a strong ETag of the body, the same for the same data', async () => {
    const response = await exchange('GET', SEARCH);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text).total).toBe(2);
    expect(response.headers.get('cache-control')).toBe(INDEX_READS);
    expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const again = await exchange('GET', SEARCH);
    expect(again.headers.get('etag')).toBe(response.headers.get('etag'));
    expect(again.text).toBe(response.text);
  });

  it('answers a matching If-None-Match with 304: empty body, ETag and Cache-Control kept', async () => {
    const etag = (await exchange('GET', SEARCH)).headers.get('etag')!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await exchange('GET', SEARCH, { 'if-none-match': ifNoneMatch });
      expect(response.status, ifNoneMatch).toBe(304);
      expect(response.text).toBe('');
      expect(response.headers.get('etag')).toBe(etag);
      expect(response.headers.get('cache-control')).toBe(INDEX_READS);
      expect(response.headers.get('content-type')).toBeNull();
      expect(response.headers.get('x-correlation-id')).toBeTruthy();
    }
  });

  it('gives a changed query another ETag, and answers it in full despite the old one', async () => {
    const etag = (await exchange('GET', SEARCH)).headers.get('etag')!;
    const narrower = await exchange('GET', `/v1/programs?zip=${ZIP}&radius=2`, { 'if-none-match': etag });
    expect(narrower.status).toBe(200);
    expect(JSON.parse(narrower.text).total).toBe(1);
    expect(narrower.headers.get('etag')).not.toBe(etag);
    // The tag is of the body, not of the URL: another URL with the very same answer has the same one.
    const samePage = await exchange('GET', `${SEARCH}&limit=5`, { 'if-none-match': etag });
    expect(samePage.status).toBe(304);
  });

  it('gives the same query another ETag once the data changes', async () => {
    const before = await exchange('GET', SEARCH);
    await store.putMany([program('third', 5)]);
    await awaitIndexed();
    const after = await exchange('GET', SEARCH, { 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(JSON.parse(after.text).total).toBe(3);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });

  it('answers HEAD like GET without the body: curl -I shows Cache-Control and ETag', async () => {
    const get = await exchange('GET', SEARCH);
    const head = await exchange('HEAD', SEARCH);
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(head.headers.get('cache-control')).toBe(INDEX_READS);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(get.text)));
    expect((await exchange('HEAD', SEARCH, { 'if-none-match': get.headers.get('etag')! })).status).toBe(304);
  });

  it('caches a 400 briefly and gives it no ETag', async () => {
    const response = await exchange('GET', '/v1/programs?zip=00000', { 'if-none-match': '*' });
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('etag')).toBeNull();
  });
});

describe('GET /v1/programs/{id}', () => {
  it('answers with Cache-Control and ETag, 304 on a match, and caches a 404 briefly', async () => {
    const response = await exchange('GET', `/v1/programs/${first.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe(INDEX_READS);
    const notModified = await exchange('GET', `/v1/programs/${first.id}`, { 'if-none-match': response.headers.get('etag')! });
    expect(notModified).toMatchObject({ status: 304, text: '' });
    const missing = await exchange('GET', '/v1/programs/no-such-program');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('public, max-age=60');
  });
});

describe('bundled data: GET /v1/places and GET /v1/vocabularies', () => {
  it('are long-lived, with one ETag per body and 304 on a match', async () => {
    for (const [path, otherPath] of [
      ['/v1/places?q=bism', '/v1/places?q=fargo'],
      ['/v1/vocabularies', '/v1/vocabularies?lang=es'],
    ] as const) {
      const response = await exchange('GET', path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control'), path).toBe(BUNDLED_DATA);
      const etag = response.headers.get('etag')!;
      expect((await exchange('GET', path, { 'if-none-match': etag })).status, path).toBe(304);
      const other = await exchange('GET', otherPath, { 'if-none-match': etag });
      expect(other.status, otherPath).toBe(200);
      expect(other.headers.get('etag'), otherPath).not.toBe(etag);
    }
    const spanish = await exchange('GET', '/v1/vocabularies?lang=es');
    const notModified = await exchange('GET', '/v1/vocabularies?lang=es', { 'if-none-match': spanish.headers.get('etag')! });
    // Content-Language describes the body, which a 304 does not carry.
    expect(spanish.headers.get('content-language')).toBe('es');
    expect(notModified.headers.get('content-language')).toBeNull();
    const invalid = await exchange('GET', '/v1/vocabularies?lang=fr');
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('cache-control')).toBe('public, max-age=60');
  });
});

describe('routes that need a token', () => {
  it('are no-store and never answer 304, whatever If-None-Match says', async () => {
    const listings = await api('GET', '/v1/listings', { token: await providerToken(`caching-${process.pid}`), headers: { 'if-none-match': '*' } });
    expect(listings.status).toBe(200);
    expect(listings.headers.get('cache-control')).toBe('no-store');
    const queue = await api('GET', '/v1/review/queue?limit=1', { token: await reviewerToken(`caching-${process.pid}`), headers: { 'if-none-match': '*' } });
    expect(queue.status).toBe(200);
    expect(queue.headers.get('cache-control')).toBe('no-store');
    const invalid = await api('GET', '/v1/listings?limit=0', { token: await providerToken(`caching-${process.pid}`) });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('cache-control')).toBe('no-store');
  });
});

describe('the data version the search cache checks', () => {
  const index = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS, cursorSigningKey);
  const criteria = toCriteria({ radius: 10 }, origin, new Date().toISOString().slice(0, 10));

  it('is the version the page was read at, and changes once a write becomes visible to searches', async () => {
    // Other test files write to the same index meanwhile: equal versions need a quiet moment, so a few tries.
    let agreed = false;
    for (let attempt = 0; attempt < 5 && !agreed; attempt++) {
      const { dataVersion } = await index.searchWithVersion(criteria);
      agreed = dataVersion === (await index.dataVersion());
    }
    expect(agreed).toBe(true);
    const before = await index.dataVersion();
    expect(before).toMatch(/^[^/]+\/\d+\/\d+$/);
    // Archiving replaces the document with a tombstone: the count stays, the version must still change.
    await store.putMany([{ ...program('third', 5), status: 'archived', version: 2 }]);
    await awaitIndexed();
    expect(await index.dataVersion()).not.toBe(before);
  });
});
