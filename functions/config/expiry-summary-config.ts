import { z } from 'zod';
import { MAX_EXPIRY_WINDOW_DAYS } from '../use-cases/expiring-programs';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

/** Where the daily summary goes and how far ahead it looks; both set by the API stack (infra/constructs/expiry-watch.ts). */
const expirySummaryEnvSchema = z.object(environmentShape({
  EXPIRY_TOPIC_ARN: z.string().regex(/^arn:aws[a-z-]*:sns:/, { message: 'must be an SNS topic ARN' }),
  EXPIRY_WINDOW_DAYS: z.coerce.number().int().min(1).max(MAX_EXPIRY_WINDOW_DAYS),
}));

export type ExpirySummaryConfig = z.output<typeof expirySummaryEnvSchema>;

export function loadExpirySummaryConfig(env: NodeJS.ProcessEnv): ExpirySummaryConfig {
  return parseEnv(expirySummaryEnvSchema, env);
}
