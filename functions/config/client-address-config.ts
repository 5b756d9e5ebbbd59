import * as z from 'zod/mini';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

/**
 * Where the client's address comes from (`CLIENT_ADDRESS`, functions/http/client-address.ts):
 * `source-ip`, API Gateway's TCP peer (locally, and any deployment without CloudFront);
 * `viewer-address-header` behind CloudFront, whose edge servers are the TCP peers there, so
 * `sourceIp` would put every client of one edge location under one rate limit. No default: the API
 * stack sets it for the function that rate-limits by address, the local stack sets `source-ip`.
 */
const clientAddressEnvSchema = z.object(environmentShape({
  CLIENT_ADDRESS: z.enum(['source-ip', 'viewer-address-header']),
}));

export type ClientAddressSource = z.output<typeof clientAddressEnvSchema>['CLIENT_ADDRESS'];

export function loadClientAddressConfig(env: NodeJS.ProcessEnv): z.output<typeof clientAddressEnvSchema> {
  return parseEnv(clientAddressEnvSchema, env);
}
