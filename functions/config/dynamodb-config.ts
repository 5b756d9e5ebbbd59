import { z } from 'zod';
import { parseEnv } from './env';

export const dynamoDbConfig = parseEnv(
  z.object({
    PROGRAMS_TABLE: z.string().min(3).max(255).default('iop-programs'),
    /** Set locally to a DynamoDB-compatible server (dynalite); unset in AWS. */
    DYNAMODB_ENDPOINT: z.url().optional(),
    AWS_REGION: z.string().min(1).default('us-east-1'),
  }),
);
