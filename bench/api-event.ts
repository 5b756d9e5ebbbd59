import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/**
 * A `GET /v1/programs` event as API Gateway HTTP APIs (payload 2.0) deliver it. The bench keeps
 * its own copy rather than importing the test support, so changing a test helper cannot
 * silently change what the benchmark measures.
 */
export function searchEvent(query: Record<string, string>): APIGatewayProxyEventV2 {
  const rawQueryString = new URLSearchParams(query).toString();
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'GET /v1/programs',
    rawPath: '/v1/programs',
    rawQueryString,
    headers: { accept: 'application/json', host: 'localhost' },
    queryStringParameters: Object.keys(query).length > 0 ? { ...query } : undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'bench',
      apiId: 'bench',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      requestId: 'bench',
      routeKey: 'GET /v1/programs',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      http: { method: 'GET', path: '/v1/programs', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    },
  };
}

export const benchContext = {
  awsRequestId: 'bench',
  functionName: 'search-programs',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;
