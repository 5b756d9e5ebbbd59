import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildOpenApiDocument } from '../http/openapi-document';
import { jsonResponse } from '../http/json-response';
import { observability } from '../observability/observability';

// Built once per process: the document only changes with a deployment.
const document = buildOpenApiDocument();

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'openapi-document' }))
  .handler(async () => jsonResponse(200, document, { 'cache-control': 'public, max-age=300' }));
