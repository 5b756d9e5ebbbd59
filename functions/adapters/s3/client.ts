import { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../config/s3-config';

/** Make one per process, reused across invocations. */
export function createS3Client(config: S3Config): S3Client {
  return new S3Client({
    region: config.AWS_REGION,
    // Emulators answer on one host, so buckets go in the path instead of the host name.
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT, forcePathStyle: true } : {}),
  });
}
