import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { listingPathSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { headerOf } from '../http/request-body';
import { observability } from '../observability/observability';
import { confirmListing } from '../use-cases/listings/confirm-listing';
import { authentication } from './composition/authentication';
import { listingDependencies } from './composition/listing-composition';

/** `POST /v1/listings/{id}/confirm`: the owner says the published version is still right. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'confirm-listing' }))
  .use(httpErrors())
  .use(authentication())
  .handler(async (event) => {
    const identity = identityFrom(event);
    const { id } = parseInput(listingPathSchema, event.pathParameters ?? {}, 'path');
    const { listing, etag } = await confirmListing(identity, id, headerOf(event, 'if-match'), listingDependencies);
    return jsonResponse(200, listing, { etag });
  });
