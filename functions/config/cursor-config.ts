import * as z from 'zod/mini';
import { parseEnv } from './env';

// zod/mini: the search function reads it, and its bundle has no room for full zod.
const cursorEnvSchema = z.object({
  /**
   * The HMAC key of the cursors the API hands out (functions/adapters/cursor/signed-cursor.ts).
   * No default: in AWS it is the stage's generated secret (infra/constructs/cursor-signing-key.ts),
   * locally the stack makes one per run (local/stack.ts), and tests inherit the stack's.
   */
  CURSOR_SIGNING_KEY: z.string().check(z.minLength(32, { message: 'must be at least 32 characters' })),
});

/**
 * The cursor signing key, read when a cursor is made or checked rather than at module load: the
 * adapters that page are shared with tools that never do (reindex, reconciliation, benchmarks),
 * which need not hold the key. A function deployed without it fails its first paged request.
 */
export function cursorSigningKey(env: NodeJS.ProcessEnv = process.env): string {
  return parseEnv(cursorEnvSchema, env).CURSOR_SIGNING_KEY;
}
