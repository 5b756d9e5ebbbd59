/** Where in the input a problem was found, as a dotted path (`address.zip`, `sessions.0.end`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * Every error code the contract names (CONTRACT.md, errors), defined once. The HTTP edge maps each
 * to its status in a record keyed by this type, so a new code without a status is a compile error
 * there rather than a 500 at run time.
 */
export const ERROR_CODES = [
  'invalid_request',
  'unknown_zip',
  'unknown_place',
  'ambiguous_place',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'precondition_failed',
  'payload_too_large',
  'rate_limited',
  'unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The small hierarchy of errors the domain may raise. Each carries the contract's error code;
 * the HTTP edge (functions/http/error-response.ts) is the only place that maps them to statuses.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  constructor(
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidRequestError extends DomainError {
  readonly code = 'invalid_request';
}

export class UnknownZipError extends DomainError {
  readonly code = 'unknown_zip';
  constructor(zip: string, path = 'zip') {
    super(`Unknown zip code ${zip}`, [{ path, message: `${zip} is not a known US zip code` }]);
  }
}

export class UnknownPlaceError extends DomainError {
  readonly code = 'unknown_place';
  constructor(text: string, path = 'near') {
    super(`Unknown place ${text}`, [{ path, message: `${text} is not a zip, city, county or state this directory knows` }]);
  }
}

/** A place several places answer to; one detail per candidate, largest first. */
export class AmbiguousPlaceError extends DomainError {
  readonly code = 'ambiguous_place';
  constructor(text: string, candidates: { kind: string; name: string; state: string }[], path = 'near') {
    super(
      `${text} names ${candidates.length} places; say which, e.g. "${candidates[0]?.name}, ${candidates[0]?.state}"`,
      candidates.map((candidate) => ({ path, message: `${candidate.kind} ${candidate.name}, ${candidate.state}` })),
    );
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

export class PreconditionFailedError extends DomainError {
  readonly code = 'precondition_failed';
}

/** A dependency (OpenSearch, DynamoDB) is down or refusing work: the request may succeed later. */
export class DependencyUnavailableError extends DomainError {
  readonly code = 'unavailable';
}

export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}

export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited';
}
