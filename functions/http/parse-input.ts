import type * as z from 'zod/v4/core';
import { InvalidRequestError } from '../domain/errors';
import { toErrorDetails } from '../domain/validation-details';

/**
 * Validates one part of a request (query string, path, body); a failure is a 400 naming each field.
 * Takes full zod's schemas and zod/mini's (the search request path's) alike.
 */
export function parseInput<T extends z.$ZodType & { safeParse(input: unknown): z.util.SafeParseResult<z.output<T>> }>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidRequestError(`Invalid ${what}`, toErrorDetails(result.error.issues));
}
