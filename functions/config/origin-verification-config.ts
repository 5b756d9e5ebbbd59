import * as z from 'zod/mini';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

/** The secret holding the values CloudFront sends in `x-origin-verify`; set by the API stack (infra/constructs/origin-verification.ts). */
const originVerificationEnvSchema = z.object(environmentShape({
  ORIGIN_SECRET_ARN: z.string().check(z.startsWith('arn:')),
}));

export function loadOriginVerificationConfig(env: NodeJS.ProcessEnv): z.output<typeof originVerificationEnvSchema> {
  return parseEnv(originVerificationEnvSchema, env);
}
