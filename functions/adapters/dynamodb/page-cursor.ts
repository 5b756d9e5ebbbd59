import { invalidCursor, isPlainObject, openCursor, requireCursorKey, sealCursor } from '../cursor/signed-cursor';
import { TABLE_INDEXES, TABLE_KEYS } from './programs-table';

/** The index and partition a page was read from: a cursor continues that query only. */
export interface PageScope {
  indexName: string;
  partition: string;
}

/**
 * DynamoDB's LastEvaluatedKey, sealed (cursor/signed-cursor.ts) with the query it continues, so a
 * client can neither write a table key of its own nor carry one to another query.
 */
interface PageCursorPayload {
  scope: string;
  key: Record<string, string>;
}

const KEY_ATTRIBUTES: ReadonlySet<string> = new Set([
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  ...TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]),
]);

const scopeOf = (scope: PageScope) => `${scope.indexName}\u0000${scope.partition}`;

export function encodePageCursor(key: Record<string, unknown> | undefined, scope: PageScope, signingKey: string | undefined): string | null {
  // The key is required only for a cursor actually made: most pages are the last.
  return key ? sealCursor({ scope: scopeOf(scope), key }, requireCursorKey(signingKey)) : null;
}

export function decodePageCursor(cursor: string | undefined, scope: PageScope, signingKey: string | undefined): Record<string, string> | undefined {
  if (!cursor) return undefined;
  const payload = openCursor(cursor, requireCursorKey(signingKey));
  if (!isPageCursorPayload(payload)) throw invalidCursor();
  if (payload.scope !== scopeOf(scope)) throw invalidCursor('belongs to another listing query; start again without a cursor');
  return payload.key;
}

function isPageCursorPayload(payload: unknown): payload is PageCursorPayload {
  if (!isPlainObject(payload) || typeof payload.scope !== 'string' || !isPlainObject(payload.key)) return false;
  const attributes = Object.entries(payload.key);
  return (
    attributes.length > 0 &&
    attributes.every(([name, value]) => KEY_ATTRIBUTES.has(name) && typeof value === 'string' && value.length > 0) &&
    Object.hasOwn(payload.key, TABLE_KEYS.partitionKey) &&
    Object.hasOwn(payload.key, TABLE_KEYS.sortKey)
  );
}
