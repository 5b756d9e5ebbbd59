import * as z from 'zod/mini';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

const dynamoDbEnvSchema = z.object(environmentShape({
  PROGRAMS_TABLE: z.string().check(z.minLength(3), z.maxLength(255)),
  /** Set locally to a DynamoDB-compatible server (dynalite); unset in AWS. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  AWS_REGION: z.string().check(z.minLength(1)),
}));

export type DynamoDbConfig = z.output<typeof dynamoDbEnvSchema>;

/** The programs table's settings of an environment; throws naming each variable missing or invalid. */
export function loadDynamoDbConfig(env: NodeJS.ProcessEnv): DynamoDbConfig {
  return parseEnv(dynamoDbEnvSchema, env);
}
