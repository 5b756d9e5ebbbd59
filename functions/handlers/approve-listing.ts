import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { reviewItemPathSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { headerOf } from '../http/request-body';
import { observability } from '../observability/observability';
import { approveReviewItem } from '../use-cases/review/decide-review-item';
import { authentication } from './composition/authentication';
import { reviewDependencies } from './composition/review-composition';

/** `POST /v1/review/{id}/approve`: publishes a listing version, grants a claim, or resolves a report as acted on. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'approve-listing' }))
  .use(httpErrors())
  .use(authentication())
  .handler(async (event) => {
    const identity = identityFrom(event);
    const { id } = parseInput(reviewItemPathSchema, event.pathParameters ?? {}, 'path');
    const decision = await approveReviewItem(identity, id, headerOf(event, 'if-match'), reviewDependencies);
    return jsonResponse(200, decision.item, decision.kind === 'listing' ? { etag: decision.etag } : {});
  });
