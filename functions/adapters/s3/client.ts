import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { parseEnv } from '../../config/env';

const s3Config = parseEnv(
  z.object({
    AWS_REGION: z.string().min(1).default('us-east-1'),
    /** Set only where S3 is emulated (tests); unset in AWS. */
    S3_ENDPOINT: z.url().optional(),
  }),
);

/** One client per process, reused across invocations. */
export function createS3Client(): S3Client {
  return new S3Client({
    region: s3Config.AWS_REGION,
    // Emulators answer on one host, so buckets go in the path instead of the host name.
    ...(s3Config.S3_ENDPOINT ? { endpoint: s3Config.S3_ENDPOINT, forcePathStyle: true } : {}),
  });
}
