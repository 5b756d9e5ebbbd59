import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildOpenApiDocument } from '../http/openapi-document';
import { jsonResponse } from '../http/json-response';

// Built once per process: the document only changes with a deployment.
const document = buildOpenApiDocument();

export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> =>
  jsonResponse(200, document, { 'cache-control': 'public, max-age=300' });
