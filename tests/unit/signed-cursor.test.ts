import { describe, expect, it } from 'vitest';
import { openCursor, sealCursor } from '../../functions/adapters/cursor/signed-cursor';
import { decodePageCursor, encodePageCursor } from '../../functions/adapters/dynamodb/page-cursor';
import { loadCursorConfig } from '../../functions/config/cursor-config';
import { decodeExpiringCursor, encodeExpiringCursor } from '../../functions/adapters/opensearch/expiring-query';
import { decodeCursor, encodeCursor } from '../../functions/adapters/opensearch/search-cursor';
import { InvalidRequestError } from '../../functions/domain/errors';
import type { SearchCriteria } from '../../functions/domain/search-criteria';

/**
 * Cursors are sealed with an HMAC under the stage's key: a client can neither forge one nor
 * alter one it was given, and every refusal is a 400 invalid_request naming `cursor`, never an
 * error from an engine that was handed a position the API never wrote.
 */
const key = 'k'.repeat(32);
const otherKey = 'o'.repeat(32);

/** The error `open` throws, or undefined when it accepts the cursor. */
function refusal(open: () => unknown): InvalidRequestError | undefined {
  try {
    open();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  return undefined;
}

/** What a refused cursor answers with: invalid_request naming `cursor`. */
const refusedCursor = expect.objectContaining({ code: 'invalid_request', details: [expect.objectContaining({ path: 'cursor' })] });

const nameSearch: SearchCriteria = { radiusMiles: 25, filters: {} as SearchCriteria['filters'], sort: 'name', limit: 20, today: '2025-01-01' };
const distanceSearch: SearchCriteria = { ...nameSearch, origin: { lat: 44.48, lon: -73.21 }, sort: 'distance' };
/** What the unsealed cursors of before looked like: base64url JSON anyone could write. */
const unsealed = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');

describe('sealed cursors', () => {
  it('open to the payload they were sealed with', () => {
    const payload = { after: [1.5, 'abc'], query: 'q' };
    expect(openCursor(sealCursor(payload, key), key)).toEqual(payload);
  });

  it('are refused when any one character is changed', () => {
    const cursor = sealCursor({ after: [1.5, 'abc'], query: 'q' }, key);
    for (let position = 0; position < cursor.length; position++) {
      const original = cursor[position]!;
      for (const replacement of new Set(['A', 'B', 'w', '-', '_', '.'].filter((char) => char !== original))) {
        const tampered = `${cursor.slice(0, position)}${replacement}${cursor.slice(position + 1)}`;
        expect(refusal(() => openCursor(tampered, key))).toEqual(refusedCursor);
      }
    }
  });

  it('are refused under another key, and so is every cursor a client could compose', () => {
    expect(refusal(() => openCursor(sealCursor({ after: [1, 'a'], query: 'q' }, otherKey), key))).toEqual(refusedCursor);
    for (const forged of ['bnVsbA', unsealed({ after: [1, 'a'], query: 'q' }), '', '.', 'a.b', 'a.b.c', `${unsealed(null)}.`, '%%%.%%%', 'x'.repeat(5000)]) {
      expect(refusal(() => openCursor(forged, key))).toEqual(refusedCursor);
    }
  });
});

describe('search cursors', () => {
  it('round-trip the sort position for the same query', () => {
    expect(decodeCursor(encodeCursor([3.2, 'p1'], distanceSearch, key), distanceSearch, key)).toEqual([3.2, 'p1']);
    expect(decodeCursor(encodeCursor([null, 'p1'], nameSearch, key), nameSearch, key)).toEqual([null, 'p1']);
  });

  it('refuse the base64 of `null` that used to reach the engine, and any payload of the wrong shape even when sealed', () => {
    expect(refusal(() => decodeCursor('bnVsbA', nameSearch, key))).toEqual(refusedCursor);
    const fingerprint = (openCursor(encodeCursor(['a', 'b'], nameSearch, key), key) as { query: string }).query;
    for (const payload of [null, [], { after: null, query: fingerprint }, { after: ['a'], query: fingerprint }, { after: ['a', 'b', 'c'], query: fingerprint }, { after: ['a', 7], query: fingerprint }, { after: [{ script: 'x' }, 'b'], query: fingerprint }, { after: ['a', 'b'] }]) {
      expect(refusal(() => decodeCursor(sealCursor(payload as object, key), nameSearch, key))).toEqual(refusedCursor);
    }
    // A distance or score position is a number.
    expect(refusal(() => decodeCursor(encodeCursor(['far', 'p1'], distanceSearch, key), distanceSearch, key))).toEqual(refusedCursor);
  });

  it('refuse a cursor of another query', () => {
    const error = refusal(() => decodeCursor(encodeCursor([1, 'p1'], distanceSearch, key), { ...distanceSearch, radiusMiles: 50 }, key));
    expect(error).toEqual(refusedCursor);
    expect(error?.details[0]?.message).toMatch(/different query/);
  });
});

describe('listing page cursors', () => {
  const owner = { indexName: 'gsi1', partition: 'OWNER#provider-a' };
  const tableKey = { pk: 'LISTING#lst_1', sk: 'LISTING', gsi1pk: 'OWNER#provider-a', gsi1sk: '2025-01-01T00:00:00.000Z' };

  it('round-trip the table key within the query they came from', () => {
    expect(encodePageCursor(undefined, owner, key)).toBeNull();
    expect(decodePageCursor(undefined, owner, key)).toBeUndefined();
    expect(decodePageCursor(encodePageCursor(tableKey, owner, key)!, owner, key)).toEqual(tableKey);
  });

  it('need the signing key only for a cursor actually made or read, and fail closed without one', () => {
    // The last page, and a first request, need no key (tools that never page hold none).
    expect(encodePageCursor(undefined, owner, undefined)).toBeNull();
    expect(decodePageCursor(undefined, owner, undefined)).toBeUndefined();
    expect(() => encodePageCursor(tableKey, owner, undefined)).toThrow(/CURSOR_SIGNING_KEY/);
    expect(() => decodePageCursor('abc.def', owner, undefined)).toThrow(/CURSOR_SIGNING_KEY/);
  });

  it('take their key from the configuration, which refuses a missing or short one naming the variable', () => {
    expect(() => loadCursorConfig({})).toThrow(/CURSOR_SIGNING_KEY/);
    expect(() => loadCursorConfig({ CURSOR_SIGNING_KEY: 'too short' })).toThrow(/CURSOR_SIGNING_KEY: must be at least 32 characters/);
    expect(loadCursorConfig({ CURSOR_SIGNING_KEY: key }).CURSOR_SIGNING_KEY).toBe(key);
  });

  it('refuse the raw table key they used to be, another key, another query and any other shape', () => {
    expect(refusal(() => decodePageCursor(unsealed(tableKey), owner, key))).toEqual(refusedCursor);
    expect(refusal(() => decodePageCursor(encodePageCursor(tableKey, owner, otherKey)!, owner, key))).toEqual(refusedCursor);
    expect(refusal(() => decodePageCursor(encodePageCursor(tableKey, { ...owner, partition: 'OWNER#provider-b' }, key)!, owner, key))).toEqual(refusedCursor);
    expect(refusal(() => decodePageCursor(encodePageCursor(tableKey, { indexName: 'gsi2', partition: owner.partition }, key)!, owner, key))).toEqual(refusedCursor);
    const scope = `gsi1\u0000${owner.partition}`;
    for (const payload of [{ scope, key: null }, { scope, key: [] }, { scope, key: {} }, { scope, key: { ...tableKey, pk: 1 } }, { scope, key: { ...tableKey, extra: 'x' } }, { scope, key: { gsi1pk: 'x', gsi1sk: 'y' } }, { key: tableKey }]) {
      expect(refusal(() => decodePageCursor(sealCursor(payload, key), owner, key))).toEqual(refusedCursor);
    }
  });
});

describe('expiry watch cursors', () => {
  const window = { from: '2025-01-01', to: '2025-01-31' };

  it('round-trip within their window and refuse anything else', () => {
    expect(decodeExpiringCursor(encodeExpiringCursor([99_000, 'p1'], window, key), window, key)).toEqual([99_000, 'p1']);
    expect(refusal(() => decodeExpiringCursor('bnVsbA', window, key))).toEqual(refusedCursor);
    expect(refusal(() => decodeExpiringCursor(encodeExpiringCursor([99_000, 'p1'], window, otherKey), window, key))).toEqual(refusedCursor);
    expect(refusal(() => decodeExpiringCursor(encodeExpiringCursor(['x', 'p1'], window, key), window, key))).toEqual(refusedCursor);
    expect(refusal(() => decodeExpiringCursor(encodeExpiringCursor([99_000, 'p1'], window, key), { ...window, to: '2025-02-28' }, key))).toEqual(refusedCursor);
  });
});
