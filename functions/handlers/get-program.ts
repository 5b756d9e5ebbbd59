import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { OpenSearchSearchIndex } from '../adapters/opensearch/opensearch-search-index';
import { httpCaching, INDEX_READS } from '../http/http-caching';
import { httpErrors } from '../http/http-errors';
import { jsonResponse } from '../http/json-response';
import { programPathSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { observability } from '../observability/observability';
import { getPublishedProgram } from '../use-cases/get-program';
import { openSearchClient, openSearchConfig } from './composition/opensearch-runtime';

const searchIndex = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS);

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'get-program' }))
  .use(httpCaching(INDEX_READS))
  .use(httpErrors())
  .handler(async (event) => {
    const { id } = parseInput(programPathSchema, event.pathParameters ?? {}, 'path');
    return jsonResponse(200, await getPublishedProgram(id, searchIndex));
  });
