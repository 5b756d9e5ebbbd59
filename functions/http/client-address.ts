import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { parseEnv } from '../config/env';
import { headerOf } from './request-body';

/**
 * The header in which the edge (a CloudFront viewer-request function, infra/edge/viewer-address.js)
 * hands on the address CloudFront saw the client connect from. The function overwrites whatever a
 * client sent under this name, and the API answers only requests that came through the
 * distribution, so behind it this is the client, as `sourceIp` is without it.
 */
export const VIEWER_ADDRESS_HEADER = 'x-viewer-address';

/**
 * Where the client's address comes from (`CLIENT_ADDRESS`): `source-ip`, API Gateway's TCP peer
 * (locally, and any deployment without CloudFront); `viewer-address-header` behind CloudFront,
 * whose edge servers are the TCP peers there, so `sourceIp` would put every client of one edge
 * location under one rate limit.
 */
export const clientAddressConfig = parseEnv(
  z.object({ CLIENT_ADDRESS: z.enum(['source-ip', 'viewer-address-header']).default('source-ip') }),
);

const PLAIN_ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;

/** The client's IP address, or 'unknown'; never a header the client itself controls. */
export function clientAddressOf(event: APIGatewayProxyEventV2, source = clientAddressConfig.CLIENT_ADDRESS): string {
  if (source === 'viewer-address-header') {
    const viewer = headerOf(event, VIEWER_ADDRESS_HEADER)?.trim();
    if (viewer && PLAIN_ADDRESS.test(viewer)) return viewer;
  }
  return event.requestContext?.http?.sourceIp || 'unknown';
}
