import * as z from 'zod/mini';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

const s3EnvSchema = z.object(environmentShape({
  AWS_REGION: z.string().check(z.minLength(1)),
  /** Set only where S3 is emulated (tests); unset in AWS. */
  S3_ENDPOINT: z.optional(z.url()),
}));

export type S3Config = z.output<typeof s3EnvSchema>;

/** The S3 settings of an environment; throws naming each variable missing or invalid. */
export function loadS3Config(env: NodeJS.ProcessEnv): S3Config {
  return parseEnv(s3EnvSchema, env);
}
