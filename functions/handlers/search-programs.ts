import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { openSearchClient } from '../adapters/opensearch/client';
import { OpenSearchSearchIndex } from '../adapters/opensearch/opensearch-search-index';
import { openSearchConfig } from '../config/opensearch-config';
import { searchQuerySchema } from '../domain/search-query';
import { placeDirectory } from '../geo/place-directory';
import { zipDirectory } from '../geo/zip-table';
import { httpErrors } from '../http/http-errors';
import { jsonResponse } from '../http/json-response';
import { parseInput } from '../http/parse-input';
import { recordSearch } from '../observability/metrics';
import { observability } from '../observability/observability';
import { telemetryFor } from '../observability/telemetry';
import { searchPrograms } from '../use-cases/search-programs';

const searchIndex = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS);
const { metrics } = telemetryFor('search-programs');

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'search-programs' }))
  .use(httpErrors())
  .handler(async (event) => {
    const startedAt = performance.now();
    const query = parseInput(searchQuerySchema, event.queryStringParameters ?? {}, 'query parameters');
    const response = await searchPrograms(query, { index: searchIndex, zips: zipDirectory, places: placeDirectory });
    recordSearch(metrics, startedAt, response.total);
    return jsonResponse(200, response);
  });
