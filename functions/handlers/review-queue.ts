import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { DEFAULT_LISTING_PAGE, pageQuerySchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { observability } from '../observability/observability';
import { reviewQueue } from '../use-cases/listings/read-listings';
import { authentication } from './composition/authentication';
import { listingDependencies } from './composition/listing-composition';

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'review-queue' }))
  .use(httpErrors())
  .use(authentication())
  .handler(async (event) => {
    const identity = identityFrom(event);
    const page = parseInput(pageQuerySchema, event.queryStringParameters ?? {}, 'query parameters');
    return jsonResponse(200, await reviewQueue(identity, { limit: page.limit ?? DEFAULT_LISTING_PAGE, cursor: page.cursor }, listingDependencies));
  });
