import { createHash } from 'node:crypto';
import type { SearchCriteria } from '../../domain/search-criteria';
import { invalidCursor, isPlainObject, openCursor, sealCursor } from '../cursor/signed-cursor';

/**
 * A cursor is the sort position of the last hit of a page (OpenSearch `search_after`), bound to
 * the query it came from so it cannot be replayed against a different one, and sealed
 * (cursor/signed-cursor.ts) so no client can write a position of its own.
 */
interface CursorPayload {
  after: SortPosition;
  query: string;
}

/** The sort value of the page's last hit, then its id (every sort ends with the id, search-body.ts). */
type SortPosition = [number | string | null, string];

export function queryFingerprint(criteria: SearchCriteria): string {
  const { cursor: _cursor, limit: _limit, today: _today, ...query } = criteria;
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}

export function encodeCursor(after: unknown[], criteria: SearchCriteria, key: string): string {
  return sealCursor({ after, query: queryFingerprint(criteria) }, key);
}

export function decodeCursor(cursor: string, criteria: SearchCriteria, key: string): SortPosition {
  const payload = openCursor(cursor, key);
  if (!isCursorPayload(payload, criteria)) throw invalidCursor();
  if (payload.query !== queryFingerprint(criteria)) throw invalidCursor('belongs to a different query; repeat the query with the same parameters');
  return payload.after;
}

function isCursorPayload(payload: unknown, criteria: SearchCriteria): payload is CursorPayload {
  if (!isPlainObject(payload) || typeof payload.query !== 'string' || !Array.isArray(payload.after) || payload.after.length !== 2) return false;
  const [value, id] = payload.after as unknown[];
  if (typeof id !== 'string') return false;
  // Distance and score sort by number; name by its keyword, missing (null) after every name.
  return criteria.sort === 'name' ? typeof value === 'string' || value === null : typeof value === 'number' && Number.isFinite(value);
}
