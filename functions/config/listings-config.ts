import { z } from 'zod';
import { parseEnv } from './env';

export const listingsConfig = parseEnv(
  z.object({
    /** Listings one provider may have waiting for review at once; past it, 429. */
    MAX_PENDING_LISTINGS: z.coerce.number().int().min(1).max(1000).default(5),
  }),
);
