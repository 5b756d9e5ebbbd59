import type { z } from 'zod';
import { InvalidRequestError } from '../domain/errors';
import { toErrorDetails } from '../domain/validation-details';

/** Validates one part of a request (query string, path, body); a failure is a 400 naming each field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidRequestError(`Invalid ${what}`, toErrorDetails(result.error.issues));
}
