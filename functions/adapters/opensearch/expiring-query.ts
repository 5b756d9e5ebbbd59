import { createHash } from 'node:crypto';
import { invalidCursor, isPlainObject, openCursor, sealCursor } from '../cursor/signed-cursor';
import type { ExpiryWindow } from '../../ports/search-index';

/**
 * The expiry watch's query: published programs with a licence or accreditation whose
 * `expiresOn` lies in the window, soonest first.
 *
 * Soonest-first across two nested paths cannot be one nested `min` sort (a sort names one nested
 * path, so a program with only an accreditation would sort after every program with a licence).
 * Instead each nested clause scores a matching licence or accreditation by how early it expires
 * (`EPOCH_DAY_CEILING - epoch day`, an exact integer in a float), takes the best (`score_mode:
 * max`) of the ones in the window, and `dis_max` keeps the better of the two paths: the score is
 * then the program's soonest in-window expiry, and sorting by it (ties by id) is soonest first.
 * Dates outside the window, expired ones included, never match, so they neither select a program
 * nor decide its place.
 */
const EPOCH_DAY_CEILING = 100_000; // epoch day 100,000 is in the year 2243
const MILLIS_PER_DAY = 86_400_000;

export type ExpiryPath = 'licenses' | 'accreditations';
export const EXPIRY_PATHS: readonly ExpiryPath[] = ['licenses', 'accreditations'];

function soonestInWindow(path: ExpiryPath, window: ExpiryWindow): object {
  const field = `${path}.expiresOn`;
  return {
    nested: {
      path,
      score_mode: 'max',
      query: {
        function_score: {
          query: { range: { [field]: { gte: window.from, lte: window.to, format: 'strict_date' } } },
          functions: [
            {
              script_score: {
                script: {
                  // Whole days since 1970 (every licence date is later, so integer division floors).
                  source: 'params.ceiling - doc[params.field].value.toInstant().toEpochMilli() / params.day',
                  params: { field, ceiling: EPOCH_DAY_CEILING, day: MILLIS_PER_DAY },
                },
              },
            },
          ],
          boost_mode: 'replace',
        },
      },
    },
  };
}

export function buildExpiringBody(window: ExpiryWindow, limit: number, searchAfter?: unknown[]): Record<string, unknown> {
  return {
    size: limit,
    track_total_hits: true,
    _source: ['program'],
    query: {
      bool: {
        filter: [{ term: { published: true } }],
        must: [{ dis_max: { tie_breaker: 0, queries: EXPIRY_PATHS.map((path) => soonestInWindow(path, window)) } }],
      },
    },
    sort: [{ _score: { order: 'desc' } }, { id: { order: 'asc' } }],
    ...(searchAfter ? { search_after: searchAfter } : {}),
  };
}

/**
 * A cursor is the sort position of a page's last hit (its score, then its id), bound to the window
 * it was read in and sealed (cursor/signed-cursor.ts) so no client can write a position of its own.
 */
interface ExpiringCursorPayload {
  after: [number, string];
  window: string;
}

function windowFingerprint(window: ExpiryWindow): string {
  return createHash('sha256').update(`${window.from}/${window.to}`).digest('base64url').slice(0, 16);
}

export function encodeExpiringCursor(after: unknown[], window: ExpiryWindow, key: string): string {
  return sealCursor({ after, window: windowFingerprint(window) }, key);
}

export function decodeExpiringCursor(cursor: string, window: ExpiryWindow, key: string): [number, string] {
  const payload = openCursor(cursor, key);
  if (!isExpiringCursorPayload(payload)) throw invalidCursor();
  if (payload.window !== windowFingerprint(window)) {
    throw invalidCursor('belongs to another window (another `within`, or a page read on another day); start again without a cursor');
  }
  return payload.after;
}

function isExpiringCursorPayload(payload: unknown): payload is ExpiringCursorPayload {
  if (!isPlainObject(payload) || typeof payload.window !== 'string' || !Array.isArray(payload.after) || payload.after.length !== 2) return false;
  const [score, id] = payload.after as unknown[];
  return typeof score === 'number' && Number.isFinite(score) && typeof id === 'string';
}
