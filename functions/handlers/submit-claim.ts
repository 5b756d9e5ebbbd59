import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { programPathSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { jsonBody } from '../http/request-body';
import { observability } from '../observability/observability';
import { submitClaim } from '../use-cases/claims/submit-claim';
import { authentication } from './composition/authentication';
import { listingDependencies } from './composition/listing-composition';

/** `POST /v1/programs/{id}/claims`: a signed-in provider asks to maintain an imported program. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'submit-claim' }))
  .use(httpErrors())
  .use(authentication())
  .handler(async (event) => {
    const identity = identityFrom(event);
    const { id } = parseInput(programPathSchema, event.pathParameters ?? {}, 'path');
    const claim = await submitClaim(identity, id, jsonBody(event), listingDependencies);
    return jsonResponse(201, claim, { location: `/v1/review/${claim.id}` });
  });
