import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { currentLogger } from '../observability/telemetry';
import { BearerTokenRefusedError } from './bearer-token';
import { jsonResponse } from './json-response';

/** The one place where domain errors become HTTP statuses. */
const STATUS_BY_CODE: Record<string, number> = {
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

export function errorResponse(error: unknown, log: (message: string, error: unknown) => void = logUnexpected): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    const statusCode = STATUS_BY_CODE[error.code] ?? 500;
    // A refused bearer token also says how to authenticate (RFC 6750), as the local adapter does.
    const headers = error instanceof BearerTokenRefusedError ? { 'www-authenticate': error.challenge } : undefined;
    return jsonResponse(statusCode, { error: { code: error.code, message: error.message, details: error.details } }, headers);
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
