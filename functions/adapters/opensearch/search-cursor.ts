import { createHash } from 'node:crypto';
import { InvalidRequestError } from '../../domain/errors';
import type { SearchCriteria } from '../../domain/search-criteria';

/**
 * A cursor is the sort position of the last hit of a page (OpenSearch `search_after`), bound to
 * the query it came from so it cannot be replayed against a different one.
 */
interface CursorPayload {
  after: unknown[];
  query: string;
}

export function queryFingerprint(criteria: SearchCriteria): string {
  const { cursor: _cursor, limit: _limit, today: _today, ...query } = criteria;
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}

export function encodeCursor(after: unknown[], criteria: SearchCriteria): string {
  const payload: CursorPayload = { after, query: queryFingerprint(criteria) };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeCursor(cursor: string, criteria: SearchCriteria): unknown[] {
  const invalid = (message: string) => new InvalidRequestError('Invalid cursor', [{ path: 'cursor', message }]);
  let payload: Partial<CursorPayload>;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPayload>;
  } catch {
    throw invalid('is not a cursor returned by this API');
  }
  if (!Array.isArray(payload.after) || typeof payload.query !== 'string') {
    throw invalid('is not a cursor returned by this API');
  }
  if (payload.query !== queryFingerprint(criteria)) {
    throw invalid('belongs to a different query; repeat the query with the same parameters');
  }
  return payload.after;
}
