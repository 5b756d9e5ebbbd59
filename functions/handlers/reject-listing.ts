import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpErrors } from '../http/http-errors';
import { identityFrom } from '../http/identity';
import { jsonResponse } from '../http/json-response';
import { rejectionSchema, reviewItemPathSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { headerOf, jsonBody } from '../http/request-body';
import { observability } from '../observability/observability';
import { requireReviewer } from '../use-cases/listings/listing-access';
import { rejectReviewItem } from '../use-cases/review/decide-review-item';
import { authentication } from './composition/authentication';
import { reviewDependencies } from './composition/review-composition';

/** `POST /v1/review/{id}/reject`: drops a listing version or a claim with a reason, or dismisses a report. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'reject-listing' }))
  .use(httpErrors())
  .use(authentication())
  .handler(async (event) => {
    const identity = identityFrom(event);
    // Before the body is read: a 400 naming the body's fields would show a non-reviewer the route's schema.
    requireReviewer(identity);
    const { id } = parseInput(reviewItemPathSchema, event.pathParameters ?? {}, 'path');
    const { reason } = parseInput(rejectionSchema, jsonBody(event), 'body');
    const decision = await rejectReviewItem(identity, id, reason, headerOf(event, 'if-match'), reviewDependencies);
    return jsonResponse(200, decision.item, decision.kind === 'listing' ? { etag: decision.etag } : {});
  });
