import { z } from 'zod';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

const listingsEnvSchema = z.object(environmentShape({
  /** Listings one provider may have waiting for review at once; past it, 429. Set by the stage (infra/config/stages.ts). */
  MAX_PENDING_LISTINGS: z.coerce.number().int().min(1).max(1000),
}));

export type ListingsConfig = z.output<typeof listingsEnvSchema>;

export function loadListingsConfig(env: NodeJS.ProcessEnv): ListingsConfig {
  return parseEnv(listingsEnvSchema, env);
}
