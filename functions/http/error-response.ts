import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type ErrorCode, type ErrorDetail } from '../domain/errors';
import { currentLogger } from '../observability/telemetry';
import { BearerTokenRefusedError } from './bearer-token';
import { jsonResponse } from './json-response';

/** The one place where domain errors become HTTP statuses. */
const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  unknown_zip: 400,
  unknown_place: 400,
  ambiguous_place: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/**
 * Bounds on what an error echoes back. Details repeat client input (one per unknown key, with the
 * key as its path), so without them the error body grows with the request: 5,000 unknown keys
 * made a 274 KB answer. Twenty details are more than any client shows; the rest are counted.
 */
export const MAX_ERROR_DETAILS = 20;
const MAX_MESSAGE_LENGTH = 500;
const MAX_PATH_LENGTH = 200;

export function boundedDetails(details: readonly ErrorDetail[]): ErrorDetail[] {
  const shown = details.slice(0, MAX_ERROR_DETAILS).map(({ path, message }) => ({ path: bounded(path, MAX_PATH_LENGTH), message: bounded(message, MAX_MESSAGE_LENGTH) }));
  const more = details.length - shown.length;
  // An empty path is the request as a whole, as zod reports problems with the input itself.
  return more > 0 ? [...shown, { path: '', message: `and ${more} more problems not listed` }] : shown;
}

function bounded(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

export function errorResponse(error: unknown, log: (message: string, error: unknown) => void = logUnexpected): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    const statusCode = STATUS_BY_CODE[error.code];
    // A refused bearer token also says how to authenticate (RFC 6750), as the local adapter does.
    const headers = error instanceof BearerTokenRefusedError ? { 'www-authenticate': error.challenge } : undefined;
    return jsonResponse(statusCode, { error: { code: error.code, message: bounded(error.message, MAX_MESSAGE_LENGTH), details: boundedDetails(error.details) } }, headers);
  }
  // Anything else is a bug: log it in full, tell the client nothing internal.
  log('Unhandled error', error);
  return jsonResponse(500, { error: { code: 'internal', message: 'Internal error', details: [] } });
}

// The stack goes to the log only, with the invocation's correlation id, so a client's
// x-correlation-id leads straight to it.
function logUnexpected(message: string, error: unknown): void {
  if (error instanceof Error) currentLogger().error(message, error);
  else currentLogger().error(message, { error: String(error) });
}
