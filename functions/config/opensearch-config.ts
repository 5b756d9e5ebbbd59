import { z } from 'zod';
import { parseEnv } from './env';

export const openSearchConfig = parseEnv(
  z.object({
    OPENSEARCH_URL: z.url().default('http://127.0.0.1:9200'),
    /** `sigv4` in AWS (the domain only trusts the functions' roles); `none` for a local node. */
    OPENSEARCH_AUTH: z.enum(['none', 'sigv4']).default('none'),
    /** Searches go through the alias so a reindex can swap the index under it atomically. */
    SEARCH_INDEX_ALIAS: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).default('programs'),
    AWS_REGION: z.string().min(1).default('us-east-1'),
  }),
);
