import { InvalidRequestError } from '../../domain/errors';

/** DynamoDB's LastEvaluatedKey as an opaque cursor. */
export function encodePageCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

export function decodePageCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // Reported below, like any other cursor that did not come from us.
  }
  throw new InvalidRequestError('Invalid cursor', [{ path: 'cursor', message: 'is not a cursor returned by this API' }]);
}
