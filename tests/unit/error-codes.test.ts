import { describe, expect, it } from 'vitest';
import { DomainError, ERROR_CODES, type ErrorCode } from '../../functions/domain/errors';
import { errorResponseSchema } from '../../functions/http/api-schemas';
import { errorResponse } from '../../functions/http/error-response';

/** A domain error of any code, as a new subclass would be. */
function errorOf(code: ErrorCode): DomainError {
  return new (class extends DomainError {
    readonly code = code;
  })(`a ${code} error`);
}

describe('error codes', () => {
  it.each(ERROR_CODES)('%s leaves the edge as a 4xx or 503 with a body the OpenAPI schema accepts', (code) => {
    const response = errorResponse(errorOf(code), () => {
      throw new Error('a domain error is not logged as a bug');
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode === 503 || response.statusCode! < 500).toBe(true);
    const body = errorResponseSchema.parse(JSON.parse(String(response.body)));
    expect(body.error.code).toBe(code);
  });
});
