import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { listingPathSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { observability } from '../observability/observability';
import { getListing } from '../use-cases/listings/read-listings';
import { authentication } from './composition/authentication';
import { listingDependencies } from './composition/listing-composition';

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'get-listing' }))
  .use(httpErrors())
  .use(authentication())
  .handler(async (event) => {
    const identity = identityFrom(event);
    const { id } = parseInput(listingPathSchema, event.pathParameters ?? {}, 'path');
    const { listing, etag } = await getListing(identity, id, listingDependencies);
    return jsonResponse(200, listing, { etag });
  });
