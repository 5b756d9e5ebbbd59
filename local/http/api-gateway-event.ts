import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface EventRoute {
  routeKey: string;
  pathParameters: Record<string, string>;
}

/** Content types API Gateway passes through as text; any other body arrives base64-encoded. */
const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/**
 * Repeated names joined with commas, as API Gateway does. Built in a Map: on a plain object
 * `__proto__` would set the prototype instead of a field (the parameter silently vanishing) and
 * `constructor` would read Object's, while API Gateway's JSON event carries them as the plain
 * fields they are, for the handler's schema to refuse like any unknown name.
 */
function joinedByName(pairs: Iterable<[string, string]>): Record<string, string> {
  const joined = new Map<string, string>();
  for (const [name, value] of pairs) {
    const earlier = joined.get(name);
    joined.set(name, earlier === undefined ? value : `${earlier},${value}`);
  }
  // fromEntries defines own properties, so even `__proto__` stays a field.
  return Object.fromEntries(joined);
}

/**
 * The event an API Gateway HTTP API (payload format 2.0) gives a Lambda integration for this
 * request: headers lower-cased and repeated ones joined with commas, query parameters decoded
 * and repeated keys joined with commas, cookies split out of the headers, path parameters decoded.
 */
export function toApiGatewayEvent(request: IncomingMessage, body: Buffer, route: EventRoute, now = new Date()): APIGatewayProxyEventV2 {
  const target = request.url ?? '/';
  const queryStart = target.indexOf('?');
  const rawPath = queryStart < 0 ? target : target.slice(0, queryStart);
  const rawQueryString = queryStart < 0 ? '' : target.slice(queryStart + 1);
  const method = (request.method ?? 'GET').toUpperCase();
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

  const headerPairs: [string, string][] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) headerPairs.push([request.rawHeaders[i]!.toLowerCase(), request.rawHeaders[i + 1]!]);
  const headers = joinedByName(headerPairs);
  const cookies = headers.cookie?.split(/;\s*/).filter(Boolean);
  delete headers.cookie;
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(request.socket.localPort ?? '');
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  const queryStringParameters = joinedByName(new URLSearchParams(rawQueryString));

  const contentType = headers['content-type'] ?? '';
  const isBase64Encoded = body.length > 0 && !TEXT_CONTENT_TYPE.test(contentType);
  const host = headers.host ?? '127.0.0.1';
  const domainName = host.replace(/:\d+$/, '');

  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
    ...(Object.keys(route.pathParameters).length > 0 ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isBase64Encoded ? body.toString('base64') : body.toString('utf8') } : {}),
    isBase64Encoded,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's CLF-style request time, e.g. 12/Mar/2020:19:03:58 +0000. */
function formatRequestTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
