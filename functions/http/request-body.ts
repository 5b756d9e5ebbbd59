import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidRequestError, PayloadTooLargeError } from '../domain/errors';

export const MAX_BODY_BYTES = 64 * 1024;

/** The JSON body of a request, at most 64 KB. */
export function jsonBody(event: APIGatewayProxyEventV2): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body exceeds ${MAX_BODY_BYTES / 1024} KB`, [{ path: 'body', message: `must be at most ${MAX_BODY_BYTES} bytes` }]);
  }
  if (text.trim() === '') throw new InvalidRequestError('A JSON body is required', [{ path: 'body', message: 'is empty' }]);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidRequestError('The body is not valid JSON', [{ path: 'body', message: (error as Error).message }]);
  }
}

/** Header lookup regardless of case (API Gateway lower-cases them; local callers may not). */
export function headerOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
