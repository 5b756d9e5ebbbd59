import * as z from 'zod/mini';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

// zod/mini: the search function reads it, and its bundle has no room for full zod.
const cursorEnvSchema = z.object(environmentShape({
  /**
   * The HMAC key of the cursors the API hands out (functions/adapters/cursor/signed-cursor.ts).
   * No default: in AWS it is the stage's generated secret (infra/constructs/cursor-signing-key.ts),
   * locally the stack makes one per run (local/stack.ts), and tests inherit the stack's.
   */
  CURSOR_SIGNING_KEY: z.string().check(z.minLength(32, { message: 'must be at least 32 characters' })),
}));

export type CursorConfig = z.output<typeof cursorEnvSchema>;

/** The cursor signing key of an environment; throws naming the variable when it is missing or short. */
export function loadCursorConfig(env: NodeJS.ProcessEnv): CursorConfig {
  return parseEnv(cursorEnvSchema, env);
}
