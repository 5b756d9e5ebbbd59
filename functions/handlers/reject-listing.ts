import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { listingPathSchema, rejectionSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { headerOf, jsonBody } from '../http/request-body';
import { observability } from '../observability/observability';
import { rejectListing } from '../use-cases/listings/review-listing';
import { listingDependencies } from './composition/listing-dependencies';

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'reject-listing' }))
  .use(httpErrors())
  .handler(async (event) => {
    const identity = identityFrom(event);
    const { id } = parseInput(listingPathSchema, event.pathParameters ?? {}, 'path');
    const { reason } = parseInput(rejectionSchema, jsonBody(event), 'body');
    const { listing, etag } = await rejectListing(identity, id, reason, headerOf(event, 'if-match'), listingDependencies);
    return jsonResponse(200, listing, { etag });
  });
