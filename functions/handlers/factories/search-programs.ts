import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { searchQuerySchema } from '../../domain/search-request';
import { placeDirectory } from '../../gazetteer/place-directory';
import { zipDirectory } from '../../gazetteer/zip-table';
import { httpCaching, INDEX_READS } from '../../http/http-caching';
import { httpErrors } from '../../http/http-errors';
import { jsonResponse } from '../../http/json-response';
import { SerializedPageMemo } from '../../http/serialized-page-memo';
import { parseInput } from '../../http/parse-input';
import { recordSearch } from '../../observability/metrics';
import { observability } from '../../observability/observability';
import { telemetryFor } from '../../observability/telemetry';
import { searchPrograms, type SearchDependencies } from '../../use-cases/search-programs';

const { metrics } = telemetryFor('search-programs');

/** `GET /v1/programs` over any index; the deployed handler puts the page cache in front of OpenSearch. */
export function createSearchProgramsHandler(index: SearchDependencies['index']) {
  const memo = new SerializedPageMemo();
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(observability({ service: 'search-programs' }))
    .use(httpCaching(INDEX_READS))
    .use(httpErrors())
    .handler(async (event) => {
      const startedAt = performance.now();
      const query = parseInput(searchQuerySchema, event.queryStringParameters ?? {}, 'query parameters');
      const response = await searchPrograms(query, { index, zips: zipDirectory, places: placeDirectory });
      recordSearch(metrics, startedAt, response.total);
      // `results` is the cached page's own array when the page cache answered: its identity keys the
      // memo; what else the answer holds beyond the page's results is in the variant.
      const variant = JSON.stringify([response.origin, response.total, response.nextCursor]);
      const { body, etag } = memo.serialize(response.results, variant, response);
      return { ...jsonResponse(200, null, { etag }), body };
    });
}
