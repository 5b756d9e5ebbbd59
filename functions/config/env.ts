import type * as z from 'zod/v4/core';

/**
 * Parses environment variables once, at module load, so a bad configuration fails the cold start
 * with a message naming each variable instead of failing the first request. Full zod's schemas
 * and zod/mini's alike (those of the search function's configuration are zod/mini's).
 */
export function parseEnv<T extends z.$ZodType & { safeParse(input: unknown): z.util.SafeParseResult<z.output<T>> }>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return result.data;
}
