import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Context } from 'aws-lambda';

/** A minimal API Gateway HTTP API (v2) event, as the local adapter and AWS deliver them. */
export function apiEvent(options: {
  routeKey: string;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  const [method = 'GET', path = '/'] = options.routeKey.split(' ');
  const rawPath = Object.entries(options.pathParameters ?? {}).reduce((result, [key, value]) => result.replace(`{${key}}`, value), path);
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath,
    rawQueryString,
    headers: {},
    queryStringParameters: options.query && Object.keys(options.query).length > 0 ? options.query : undefined,
    pathParameters: options.pathParameters,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      requestId: 'test',
      routeKey: options.routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
    },
  };
}

export const lambdaContext = { awsRequestId: 'test', functionName: 'test', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

export interface JsonResult<T = Record<string, unknown>> {
  statusCode: number;
  body: T;
}

export async function invoke<T = Record<string, unknown>>(
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | string | void>,
  event: APIGatewayProxyEventV2,
): Promise<JsonResult<T>> {
  const result = (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
  return { statusCode: result.statusCode ?? 200, body: JSON.parse(String(result.body)) as T };
}
