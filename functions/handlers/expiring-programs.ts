import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { OpenSearchExpiryIndex } from '../adapters/opensearch/opensearch-expiry-index';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { DEFAULT_LISTING_PAGE, expiringQuerySchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { observability } from '../observability/observability';
import { requireReviewer } from '../use-cases/listings/listing-access';
import { DEFAULT_EXPIRY_WINDOW_DAYS, expiringPrograms } from '../use-cases/expiring-programs';
import { authentication } from './composition/authentication';
import { cursorSigningKey } from './composition/cursor-runtime';
import { openSearchClient, openSearchConfig } from './composition/opensearch-runtime';

const index = new OpenSearchExpiryIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS, cursorSigningKey);

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'expiring-programs' }))
  .use(httpErrors())
  .use(authentication())
  .handler(async (event) => {
    const identity = identityFrom(event);
    // Before the query is read: to anyone but a reviewer the route is simply forbidden.
    requireReviewer(identity);
    const query = parseInput(expiringQuerySchema, event.queryStringParameters ?? {}, 'query parameters');
    const page = await expiringPrograms(
      identity,
      { within: query.within ?? DEFAULT_EXPIRY_WINDOW_DAYS, limit: query.limit ?? DEFAULT_LISTING_PAGE, cursor: query.cursor },
      { index },
    );
    return jsonResponse(200, page);
  });
