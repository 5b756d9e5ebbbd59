import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { idempotencyHeadersSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { jsonBody } from '../http/request-body';
import { observability } from '../observability/observability';
import { createListing } from '../use-cases/listings/create-listing';
import { authentication } from './composition/authentication';
import { listingDependencies } from './composition/listing-composition';

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'create-listing' }))
  .use(httpErrors())
  .use(authentication())
  .handler(async (event) => {
    const identity = identityFrom(event);
    const headers = parseInput(idempotencyHeadersSchema, lowerCased(event.headers), 'headers');
    const created = await createListing(identity, jsonBody(event), headers['idempotency-key'], listingDependencies);
    return jsonResponse(201, created.listing, {
      etag: created.etag,
      location: `/v1/listings/${created.listing.id}`,
      ...(created.replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
  });

function lowerCased(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
}
