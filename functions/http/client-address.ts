import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ClientAddressSource } from '../config/client-address-config';
import { headerOf } from './request-body';

/**
 * The header in which the edge (a CloudFront viewer-request function, infra/edge/viewer-address.js)
 * hands on the address CloudFront saw the client connect from. The function overwrites whatever a
 * client sent under this name, and the API answers only requests that came through the
 * distribution, so behind it this is the client, as `sourceIp` is without it.
 */
export const VIEWER_ADDRESS_HEADER = 'x-viewer-address';

const PLAIN_ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;

/** The client's IP address, or 'unknown', as `source` (config/client-address-config.ts) says; never a header the client itself controls. */
export function clientAddressOf(event: APIGatewayProxyEventV2, source: ClientAddressSource): string {
  if (source === 'viewer-address-header') {
    const viewer = headerOf(event, VIEWER_ADDRESS_HEADER)?.trim();
    if (viewer && PLAIN_ADDRESS.test(viewer)) return viewer;
  }
  return event.requestContext?.http?.sourceIp || 'unknown';
}
