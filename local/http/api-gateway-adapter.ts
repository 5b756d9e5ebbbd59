import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { BearerTokenVerifier } from '../auth/verify-bearer-token';
import { createLambdaContext } from '../lambda/lambda-context';
import { toApiGatewayEvent } from './api-gateway-event';
import { answerClientError } from './client-error-response';
import { jwtAuthorizerContext } from '../../functions/http/authorizer-claims';
import { RouteMatcher, type ApiHandler, type RouteMatch, type RouteTable } from './route-table';

export interface ApiGatewayAdapterOptions {
  port: number;
  host?: string;
  routes: RouteTable;
  /** The JWT authorizer's check, needed when a route is marked `authorizer: 'jwt'`. */
  verifyBearerToken?: BearerTokenVerifier;
  log?: (line: string) => void;
  /** How long a client may take to send its whole request, body included (default 30 s); then 408. */
  requestTimeoutMs?: number;
  /** How long a client may take to send the request's headers (default 10 s); then 408. */
  headersTimeoutMs?: number;
}

export interface ApiGatewayAdapter {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  stop(): Promise<void>;
}

/** The contract's request body limit (contract section 3, payload_too_large). */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * API Gateway stops waiting for an integration after 30 s, so no request needs longer to arrive;
 * Node's own default (5 minutes) would let a few slow clients hold connections for that long.
 */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;

/**
 * Serves a route table of Lambda handlers over HTTP the way an API Gateway HTTP API with Lambda
 * proxy integrations (payload format 2.0) does, so the handlers run locally exactly as deployed.
 */
export async function startApiGatewayAdapter(options: ApiGatewayAdapterOptions): Promise<ApiGatewayAdapter> {
  const log = options.log ?? ((line) => console.error(line));
  const matcher = new RouteMatcher(options.routes);
  const { verifyBearerToken } = options;
  if (matcher.hasJwtRoutes && !verifyBearerToken) throw new Error('Routes behind the JWT authorizer need verifyBearerToken');

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = (request.method ?? 'GET').toUpperCase();
    const rawPath = (request.url ?? '/').split('?')[0] ?? '/';
    const body = await readLimitedBody(request);
    // The client went away (or was cut off by the request timeout, which answered it already).
    if (body === null) return;
    if (body === undefined) {
      response.setHeader('connection', 'close');
      return sendError(response, 413, 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
    }
    const match = routeOf(matcher, method, rawPath);
    if (match.kind === 'no-route') return sendError(response, 404, 'not_found', `No route for ${method} ${rawPath}`);
    if (match.kind === 'method-not-allowed') {
      response.setHeader('allow', match.allowedMethods.join(', '));
      return sendError(response, 405, 'invalid_request', `${method} is not allowed on ${rawPath}; use ${match.allowedMethods.join(' or ')}`);
    }

    let event: APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer = toApiGatewayEvent(request, body, match);
    if (match.authorizer === 'jwt') {
      // As API Gateway: the authorizer runs before the integration, and a refused request costs no invocation.
      const verification = await verifyBearerToken!(event.headers.authorization);
      if (!verification.ok) {
        response.setHeader('www-authenticate', verification.failure === 'missing' ? 'Bearer' : `Bearer error="invalid_token", error_description="${verification.message}"`);
        return sendError(response, 401, 'unauthorized', verification.message);
      }
      event = { ...event, requestContext: { ...event.requestContext, authorizer: jwtAuthorizerContext(verification.claims) } };
    }
    const functionName = `local-${match.routeKey.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
    let result: APIGatewayProxyResultV2<object> | undefined | void;
    try {
      // Protected handlers only ever receive events that carry the authorizer context set above.
      const handler = (await match.resolveHandler()) as ApiHandler;
      result = await handler(event, createLambdaContext(functionName));
    } catch (error) {
      log(`[api] ${match.routeKey} (request ${event.requestContext.requestId}) threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return sendError(response, 500, 'internal', 'Internal server error');
    }
    if (result === undefined || result === null) {
      log(`[api] ${match.routeKey} (request ${event.requestContext.requestId}) returned no response`);
      return sendError(response, 500, 'internal', 'Internal server error');
    }
    sendResult(response, result, method === 'HEAD');
  };

  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout);
  // Node checks the timeouts every connectionsCheckingInterval, so a tighter check keeps them close to exact.
  const serverOptions = { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.max(10, Math.min(1_000, headersTimeout / 4)) };
  const server = createServer(serverOptions, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`[api] ${request.method} ${request.url} failed in the adapter: ${String(error)}`);
      if (!response.headersSent) sendError(response, 500, 'internal', 'Internal server error');
      else response.destroy();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => answerClientError(error, socket, { requestTimeoutMs: requestTimeout }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${options.port} is already in use; set PORT to another one`) : error),
    );
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('The API server did not report its port');

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/**
 * HEAD is GET without the body (RFC 9110 section 9.3.2): with no HEAD route of its own, it runs
 * the GET route (the handler sees method HEAD) and the adapter drops the body, as CloudFront
 * answers HEAD from the GET it caches. So `curl -I` shows a search's Cache-Control and ETag.
 */
function routeOf(matcher: RouteMatcher, method: string, rawPath: string): RouteMatch {
  const match = matcher.match(method, rawPath);
  if (method !== 'HEAD' || match.kind === 'route') return match;
  const asGet = matcher.match('GET', rawPath);
  return asGet.kind === 'route' ? asGet : match;
}

/** Statuses that never carry a body, nor a Content-Length (a 304's would have to be the 200's). */
const BODILESS_STATUS = new Set([204, 304]);

/**
 * Maps a payload-2.0 result to HTTP as API Gateway does: a structured result ({statusCode, ...})
 * is taken as is; anything else is a 200 with the value as a JSON body. A 204 or 304 goes out
 * without body or Content-Length; the answer to HEAD keeps the GET's Content-Length but no body.
 */
function sendResult(response: ServerResponse, result: APIGatewayProxyResultV2<object>, head = false): void {
  if (typeof result !== 'object' || !('statusCode' in result) || result.statusCode === undefined) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
    return;
  }
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  if (BODILESS_STATUS.has(result.statusCode)) {
    response.writeHead(result.statusCode, headers).end();
    return;
  }
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  response.writeHead(result.statusCode, headers).end(head ? undefined : body);
}

function sendError(response: ServerResponse, statusCode: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message, details: [] } });
  response
    .writeHead(statusCode, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'content-length': String(Buffer.byteLength(body)) })
    .end(body);
}

/**
 * The body, or undefined once it passes the limit, or null when the connection closed before the
 * body ended. Reading stops at the limit without destroying the request, so the 413 still reaches
 * the client before the connection closes.
 */
function readLimitedBody(request: IncomingMessage): Promise<Buffer | undefined | null> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      request.off('data', onData);
      request.pause();
      resolve(undefined);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    // After 'end' these settle nothing; before it, the client aborted and the body will never arrive.
    request.once('close', () => resolve(null));
    request.once('error', () => resolve(null));
  });
}
