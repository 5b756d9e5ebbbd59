import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidRequestError, PayloadTooLargeError } from '../domain/errors';

export const MAX_BODY_BYTES = 64 * 1024;
/** Far deeper than any body the API takes (a listing's sessions nest 4 levels), far shallower than a stack. */
export const MAX_BODY_DEPTH = 32;

/**
 * The JSON body of a request, at most 64 KB and nested at most 32 levels: both checked on the
 * text, before anything (the parser, the Idempotency-Key hash, validation) walks the value.
 */
export function jsonBody(event: APIGatewayProxyEventV2): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body exceeds ${MAX_BODY_BYTES / 1024} KB`, [{ path: 'body', message: `must be at most ${MAX_BODY_BYTES} bytes` }]);
  }
  if (text.trim() === '') throw new InvalidRequestError('A JSON body is required', [{ path: 'body', message: 'is empty' }]);
  if (nestingDepth(text) > MAX_BODY_DEPTH) {
    throw new InvalidRequestError(`The body nests deeper than ${MAX_BODY_DEPTH} levels`, [{ path: 'body', message: `must nest objects and arrays at most ${MAX_BODY_DEPTH} deep` }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidRequestError('The body is not valid JSON', [{ path: 'body', message: (error as Error).message }]);
  }
}

/**
 * How deep objects and arrays nest in JSON text, in one pass without recursion that skips
 * strings. Malformed text may be counted wrong, but the parser then refuses it without walking it.
 */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{' || char === '[') {
      deepest = Math.max(deepest, ++depth);
    } else if (char === '}' || char === ']') {
      depth--;
    }
  }
  return deepest;
}

/** Header lookup regardless of case (API Gateway lower-cases them; local callers may not). */
export function headerOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
