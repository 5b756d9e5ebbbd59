import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { InvalidRequestError } from '../domain/errors';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { listingPathSchema, requiredIfMatchSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { headerOf, jsonBody } from '../http/request-body';
import { observability } from '../observability/observability';
import { updateListing } from '../use-cases/listings/update-listing';
import { authentication } from './composition/authentication';
import { listingDependencies } from './composition/listing-composition';

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'update-listing' }))
  .use(httpErrors())
  .use(authentication())
  .handler(async (event) => {
    const identity = identityFrom(event);
    const { id } = parseInput(listingPathSchema, event.pathParameters ?? {}, 'path');
    // An edit without If-Match could silently overwrite someone else's: the header is required.
    const ifMatch = requiredIfMatchSchema.safeParse(headerOf(event, 'if-match'));
    if (!ifMatch.success) throw new InvalidRequestError('If-Match is required: send the ETag of your last read', [{ path: 'If-Match', message: 'is required' }]);
    const { listing, etag } = await updateListing(identity, id, jsonBody(event), ifMatch.data, listingDependencies);
    return jsonResponse(200, listing, { etag });
  });
