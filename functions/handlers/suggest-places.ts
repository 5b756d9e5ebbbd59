import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { placeDirectory } from '../geo/place-directory';
import { placesQuerySchema } from '../http/api-schemas';
import { httpErrors } from '../http/http-errors';
import { jsonResponse } from '../http/json-response';
import { parseInput } from '../http/parse-input';
import { observability } from '../observability/observability';
import type { PlaceDirectory } from '../ports/place-directory';

export const DEFAULT_PLACE_SUGGESTIONS = 8;

/** `GET /v1/places?q=&limit=`: places as a person types, from the bundled gazetteer. */
export function createSuggestPlacesHandler(places: PlaceDirectory = placeDirectory) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(observability({ service: 'suggest-places' }))
    .use(httpErrors())
    .handler(async (event) => {
      const { q, limit } = parseInput(placesQuerySchema, event.queryStringParameters ?? {}, 'query parameters');
      return jsonResponse(200, { places: places.suggest(q, limit ?? DEFAULT_PLACE_SUGGESTIONS) });
    });
}

export const handler = createSuggestPlacesHandler();
