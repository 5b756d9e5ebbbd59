import * as z from 'zod/mini';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

// zod/mini: the search function reads it, and its bundle has no room for full zod.
const openSearchEnvSchema = z.object(environmentShape({
  /** No default: a function deployed without it must fail its cold start, not search 127.0.0.1. */
  OPENSEARCH_URL: z.url(),
  /** `sigv4` in AWS (the domain only trusts the functions' roles); `none` for a local node. */
  OPENSEARCH_AUTH: z.enum(['none', 'sigv4']),
  /** Searches go through the alias so a reindex can swap the index under it atomically. */
  SEARCH_INDEX_ALIAS: z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]*$/)),
  AWS_REGION: z.string().check(z.minLength(1)),
  /**
   * How long one attempt of a request may take, and how many attempts follow a failed one (on
   * connection errors, timeouts and 502-504). In AWS both are derived from the function's timeout
   * (infra/config/opensearch-client.ts, which sets them for every function that searches), so every
   * wait ends well before Lambda's; unset, they are the client's own, for the local stack and the
   * command-line tools, which have no such limit.
   */
  OPENSEARCH_REQUEST_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gte(100), z.lte(300_000)), 30_000),
  OPENSEARCH_MAX_RETRIES: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(5)), 3),
}));

export type OpenSearchConfig = z.output<typeof openSearchEnvSchema>;

/** The OpenSearch settings of an environment; throws naming each variable missing or invalid. */
export function loadOpenSearchConfig(env: NodeJS.ProcessEnv): OpenSearchConfig {
  return parseEnv(openSearchEnvSchema, env);
}
