import * as z from 'zod/mini';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

const regionEnvSchema = z.object(environmentShape({
  /** Lambda always sets it; a tool outside Lambda names it (the stack state file or the operator's environment). */
  AWS_REGION: z.string().check(z.minLength(1)),
}));

export type RegionConfig = z.output<typeof regionEnvSchema>;

/** The region of an environment, for clients that need nothing else (SNS, Cognito). */
export function loadRegionConfig(env: NodeJS.ProcessEnv): RegionConfig {
  return parseEnv(regionEnvSchema, env);
}
