import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NO_STORE } from './http-caching';

/**
 * Every response is `Cache-Control: no-store` unless its route says otherwise (`httpCaching` on
 * the public reads, or a header passed here): token routes, writes and errors must never be kept
 * by a browser or a shared cache, and a new route cannot become cacheable by forgetting a header.
 * `nosniff` cannot be dropped by a route: bodies echo client text (a rejected field name, a search
 * term), which a browser must never sniff into HTML or script.
 */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': NO_STORE, ...headers, ...NOSNIFF },
    body: JSON.stringify(body),
  };
}

export const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const;
