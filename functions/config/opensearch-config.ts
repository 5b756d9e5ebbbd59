import * as z from 'zod/mini';
import { parseEnv } from './env';

const openSearchEnvSchema = z.object({
  OPENSEARCH_URL: z._default(z.url(), 'http://127.0.0.1:9200'),
  /** `sigv4` in AWS (the domain only trusts the functions' roles); `none` for a local node. */
  OPENSEARCH_AUTH: z._default(z.enum(['none', 'sigv4']), 'none'),
  /** Searches go through the alias so a reindex can swap the index under it atomically. */
  SEARCH_INDEX_ALIAS: z._default(z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]*$/)), 'programs'),
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
  /**
   * How long one attempt of a request may take, and how many attempts follow a failed one (on
   * connection errors, timeouts and 502-504). In AWS both are derived from the function's timeout
   * (infra/config/opensearch-client.ts), so every wait ends well before Lambda's; the defaults are
   * the client's own, for the local stack and the command-line tools, which have no such limit.
   */
  OPENSEARCH_REQUEST_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gte(100), z.lte(300_000)), 30_000),
  OPENSEARCH_MAX_RETRIES: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(5)), 3),
});

export type OpenSearchConfig = z.output<typeof openSearchEnvSchema>;

/** Parses the OpenSearch settings of an environment (exported for tests; the app uses `openSearchConfig`). */
export function parseOpenSearchConfig(env: NodeJS.ProcessEnv): OpenSearchConfig {
  return parseEnv(openSearchEnvSchema, env);
}

export const openSearchConfig: OpenSearchConfig = parseOpenSearchConfig(process.env);
