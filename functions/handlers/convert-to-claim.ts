import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { listingPathSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { headerOf } from '../http/request-body';
import { observability } from '../observability/observability';
import { convertToClaim } from '../use-cases/review/convert-to-claim';
import { authentication } from './composition/authentication';
import { reviewDependencies } from './composition/review-composition';

/** `POST /v1/review/{id}/convert`: turns a listing flagged as a likely duplicate into its owner's claim on the program (reviewers). */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'convert-to-claim' }))
  .use(httpErrors())
  .use(authentication())
  .handler(async (event) => {
    const identity = identityFrom(event);
    const { id } = parseInput(listingPathSchema, event.pathParameters ?? {}, 'path');
    const claim = await convertToClaim(identity, id, headerOf(event, 'if-match'), reviewDependencies);
    return jsonResponse(201, claim, { location: `/v1/review/${claim.id}` });
  });
