import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoDbRateLimiter } from '../adapters/dynamodb/dynamodb-rate-limiter';
import { DynamoDbReportStore } from '../adapters/dynamodb/dynamodb-report-store';
import { OpenSearchSearchIndex } from '../adapters/opensearch/opensearch-search-index';
import { loadClientAddressConfig } from '../config/client-address-config';
import { clientAddressOf } from '../http/client-address';
import { errorResponse } from '../http/error-response';
import { httpErrors } from '../http/http-errors';
import { jsonResponse } from '../http/json-response';
import { programPathSchema } from '../http/listing-requests';
import { parseInput } from '../http/parse-input';
import { jsonBody } from '../http/request-body';
import { observability } from '../observability/observability';
import type { ReportSubmissionDependencies } from '../use-cases/reports/report-dependencies';
import { RetryLaterError, submitReport } from '../use-cases/reports/submit-report';
import { openSearchClient, openSearchConfig } from './composition/opensearch-runtime';
import { documentClient, dynamoDbConfig } from './composition/dynamodb-runtime';

const clientAddress = loadClientAddressConfig(process.env);

/** Composition root: built once per process, at module load. */
const dependencies: ReportSubmissionDependencies = {
  reports: new DynamoDbReportStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
  programs: new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS),
  rateLimiter: new DynamoDbRateLimiter(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
};

/**
 * POST /v1/programs/{id}/reports: anyone, without a token, reports a problem with a published
 * program. The client address is API Gateway's `sourceIp` (the TCP peer it saw), or behind
 * CloudFront the viewer address the edge hands on (functions/http/client-address.ts); never a
 * header the client could set.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'submit-report' }))
  .use(httpErrors())
  .handler(async (event) => {
    const { id } = parseInput(programPathSchema, event.pathParameters ?? {}, 'path');
    const body = jsonBody(event);
    const address = clientAddressOf(event, clientAddress.CLIENT_ADDRESS);
    try {
      return jsonResponse(202, await submitReport(id, body, address, dependencies));
    } catch (error) {
      if (!(error instanceof RetryLaterError)) throw error;
      const response = errorResponse(error);
      return { ...response, headers: { ...response.headers, 'retry-after': String(error.retryAfterSeconds) } };
    }
  });
