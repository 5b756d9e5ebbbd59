import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { placeDirectory } from '../gazetteer/place-directory';
import { DEFAULT_PLACE_SUGGESTIONS, placesQuerySchema } from '../http/api-schemas';
import { httpCaching, BUNDLED_DATA } from '../http/http-caching';
import { httpErrors } from '../http/http-errors';
import { jsonResponse } from '../http/json-response';
import { parseInput } from '../http/parse-input';
import { observability } from '../observability/observability';
import type { PlaceDirectory } from '../ports/place-directory';

export { DEFAULT_PLACE_SUGGESTIONS };

/** `GET /v1/places?q=&limit=`: places as a person types, from the bundled gazetteer. */
export function createSuggestPlacesHandler(places: PlaceDirectory = placeDirectory) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(observability({ service: 'suggest-places' }))
    .use(httpCaching(BUNDLED_DATA))
    .use(httpErrors())
    .handler(async (event) => {
      const { q, limit } = parseInput(placesQuerySchema, event.queryStringParameters ?? {}, 'query parameters');
      return jsonResponse(200, { places: places.suggest(q, limit ?? DEFAULT_PLACE_SUGGESTIONS) });
    });
}

export const handler = createSuggestPlacesHandler();
