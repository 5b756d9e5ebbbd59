import type * as z from 'zod/v4/core';

/**
 * Parses an environment with a schema, throwing a message that names each variable missing or
 * invalid. The load functions of functions/config/ are built on it; the Lambda composition modules
 * (functions/handlers/composition/) call them once, at module load, so a bad configuration fails
 * the cold start instead of the first request. Full zod's schemas and zod/mini's alike (those on
 * the search function's path are zod/mini's).
 */
export function parseEnv<T extends z.$ZodType & { safeParse(input: unknown): z.util.SafeParseResult<z.output<T>> }>(
  schema: T,
  env: NodeJS.ProcessEnv,
): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    // An unset variable reads as "required" rather than as what coercing nothing gave (NaN,
    // undefined); a schema's own rule (required only with another setting) keeps its message.
    const unset = (issue: z.$ZodIssue) => issue.code !== 'custom' && typeof issue.path[0] === 'string' && env[issue.path[0]] === undefined;
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${unset(issue) ? 'required, not set' : issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return result.data;
}
