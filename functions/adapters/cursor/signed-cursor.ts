import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidRequestError } from '../../domain/errors';

/**
 * Cursors are tokens the API hands out and takes back, never input a client composes: a payload
 * (base64url JSON) and an HMAC-SHA256 of that text under the stage's key, joined by a dot. A
 * client cannot forge or alter one, so a search position or table key reaches an engine only as
 * this API wrote it; each kind of cursor still checks its payload's shape and binding on top.
 */
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Far above any cursor written here (a few hundred characters), so nothing larger is hashed. */
const MAX_CURSOR_LENGTH = 2000;

export function invalidCursor(message = 'is not a cursor returned by this API'): InvalidRequestError {
  return new InvalidRequestError('Invalid cursor', [{ path: 'cursor', message }]);
}

/**
 * The key of an adapter that may page. Optional at construction because the same adapters serve
 * tools that never page (reindex, reconciliation, benchmarks) and need not hold the key; the
 * Lambda composition of a function that pages always passes it (handlers/composition/cursor-runtime.ts).
 */
export function requireCursorKey(key: string | undefined): string {
  if (!key) throw new Error('This adapter was built without a cursor signing key (CURSOR_SIGNING_KEY), so it cannot make or read cursors');
  return key;
}

export function sealCursor(payload: object, key: string): string {
  const text = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${text}.${macOf(text, key).toString('base64url')}`;
}

/** The payload of a cursor this API sealed under `key`; anything else is a 400 naming `cursor`. */
export function openCursor(cursor: string, key: string): unknown {
  const [text, mac, ...rest] = cursor.length <= MAX_CURSOR_LENGTH ? cursor.split('.') : [];
  if (!text || !mac || rest.length > 0 || !BASE64URL.test(text) || !BASE64URL.test(mac)) throw invalidCursor();
  // Compared as text: base64url's last character has spare bits, so two texts can decode to one MAC.
  const presented = Buffer.from(mac, 'utf8');
  const expected = Buffer.from(macOf(text, key).toString('base64url'), 'utf8');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw invalidCursor();
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
  } catch {
    // Only a key shared with something that seals other text could get here.
    throw invalidCursor();
  }
}

function macOf(text: string, key: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
