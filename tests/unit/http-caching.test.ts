import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { DependencyUnavailableError, InvalidRequestError, NotFoundError } from '../../functions/domain/errors';
import { httpCaching, ifNoneMatchMatches, parseIfNoneMatch, strongEtag, type CachePolicy } from '../../functions/http/http-caching';
import { httpErrors } from '../../functions/http/http-errors';
import { jsonResponse } from '../../functions/http/json-response';
import { observability } from '../../functions/observability/observability';
import { createLambdaContext } from '../../local/lambda/lambda-context';

describe('strongEtag', () => {
  it('is the quoted base64url SHA-256 of the body: equal bodies, equal tags; any change, another tag', () => {
    const body = JSON.stringify({ total: 1, results: [{ id: 'a' }] });
    expect(strongEtag(body)).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(strongEtag(body)).toBe(strongEtag(String(body)));
    expect(strongEtag(body)).not.toBe(strongEtag(body.replace('"a"', '"b"')));
    expect(strongEtag('')).toBe('"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"');
  });
});

describe('If-None-Match (RFC 9110 13.1.2, weak comparison)', () => {
  const etag = '"abc"';

  it('parses lists, weak tags, commas inside tags, unquoted members and a lone *', () => {
    expect(parseIfNoneMatch('"abc"')).toEqual(['"abc"']);
    expect(parseIfNoneMatch(' W/"x" ,"y",, "z" ')).toEqual(['"x"', '"y"', '"z"']);
    expect(parseIfNoneMatch('"a,b", W/"c"')).toEqual(['"a,b"', '"c"']);
    expect(parseIfNoneMatch('abc, "d"')).toEqual(['"abc"', '"d"']);
    expect(parseIfNoneMatch(' * ')).toBe('*');
    // An unterminated tag ends the list: what came before still counts.
    expect(parseIfNoneMatch('"a", "b')).toEqual(['"a"']);
  });

  it('matches the same opaque tag, strong or weak, anywhere in a list', () => {
    expect(ifNoneMatchMatches('"abc"', etag)).toBe(true);
    expect(ifNoneMatchMatches('W/"abc"', etag)).toBe(true);
    expect(ifNoneMatchMatches('"x", W/"y", "abc"', etag)).toBe(true);
    // Repeated header lines arrive joined with commas.
    expect(ifNoneMatchMatches('"x","abc"', etag)).toBe(true);
    // A tag of ours that a proxy weakened still matches.
    expect(ifNoneMatchMatches('"abc"', 'W/"abc"')).toBe(true);
  });

  it('does not match other tags, prefixes, case variants, empty or malformed fields', () => {
    expect(ifNoneMatchMatches(undefined, etag)).toBe(false);
    expect(ifNoneMatchMatches('', etag)).toBe(false);
    expect(ifNoneMatchMatches('"ab"', etag)).toBe(false);
    expect(ifNoneMatchMatches('"ABC"', etag)).toBe(false);
    expect(ifNoneMatchMatches('"abcd"', etag)).toBe(false);
    expect(ifNoneMatchMatches('"abc', etag)).toBe(false);
    expect(ifNoneMatchMatches('W/ "abc"', etag)).toBe(false);
  });

  it('matches * alone, but not * inside a list (invalid there: a full answer, never a wrong 304)', () => {
    expect(ifNoneMatchMatches('*', etag)).toBe(true);
    expect(ifNoneMatchMatches('"x", *', etag)).toBe(false);
  });
});

const POLICY: CachePolicy = { maxAge: 60, staleWhileRevalidate: 300 };

function event(options: { method?: string; headers?: Record<string, string>; query?: string } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /v1/things',
    rawPath: '/v1/things',
    rawQueryString: options.query ?? '',
    headers: options.headers ?? {},
    isBase64Encoded: false,
    requestContext: { requestId: 'request-1', http: { method: options.method ?? 'GET' } } as APIGatewayProxyEventV2['requestContext'],
  };
}

/** A public read composed as the real ones are: observability, caching, errors. */
const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(observability({ service: 'http-caching-unit-test' }))
  .use(httpCaching(POLICY))
  .use(httpErrors())
  .handler(async (request) => {
    switch (request.rawQueryString) {
      case 'bad':
        throw new InvalidRequestError('Invalid query parameters', [{ path: 'zip', message: 'bad' }]);
      case 'missing':
        throw new NotFoundError('No such thing', []);
      case 'down':
        throw new DependencyUnavailableError('The search engine is unavailable');
      case 'bug':
        throw new Error('boom');
      case 'tagged':
        return jsonResponse(200, { thing: 1 }, { ETag: '"handler-tag"' });
      default:
        return jsonResponse(200, { thing: request.rawQueryString }, { 'content-language': 'en' });
    }
  });

const invoke = (request: APIGatewayProxyEventV2) => handler(request, createLambdaContext('http-caching-unit-test'));

describe('httpCaching middleware', () => {
  it('gives a 200 the Cache-Control of its policy and the ETag of its exact body', async () => {
    const response = await invoke(event({ query: 'a' }));
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'cache-control': 'public, max-age=60, stale-while-revalidate=300', etag: strongEtag(String(response.body)) });
    const other = await invoke(event({ query: 'b' }));
    expect(other.headers?.etag).not.toBe(response.headers?.etag);
  });

  it('answers a matching If-None-Match with 304: no body, same ETag and Cache-Control, no representation headers', async () => {
    const first = await invoke(event({ query: 'a' }));
    const etag = String(first.headers?.etag);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"stale", ${etag}`, '*']) {
      const response = await invoke(event({ query: 'a', headers: { 'If-None-Match': ifNoneMatch } }));
      expect(response.statusCode, ifNoneMatch).toBe(304);
      expect(response.body).toBeUndefined();
      expect(response.headers).toEqual({
        'cache-control': 'public, max-age=60, stale-while-revalidate=300',
        etag,
        'x-correlation-id': 'request-1',
        'x-content-type-options': 'nosniff',
      });
    }
    const head = await invoke(event({ method: 'HEAD', query: 'a', headers: { 'if-none-match': etag } }));
    expect(head.statusCode).toBe(304);
  });

  it('answers in full when the tag does not match, and never 304s a method that is not safe', async () => {
    const first = await invoke(event({ query: 'a' }));
    const changed = await invoke(event({ query: 'b', headers: { 'if-none-match': String(first.headers?.etag) } }));
    expect(changed.statusCode).toBe(200);
    expect(JSON.parse(String(changed.body))).toEqual({ thing: 'b' });
    const post = await invoke(event({ method: 'POST', query: 'a', headers: { 'if-none-match': String(first.headers?.etag) } }));
    expect(post.statusCode).toBe(200);
  });

  it('keeps an ETag the handler set itself, and compares against it', async () => {
    const response = await invoke(event({ query: 'tagged' }));
    // One etag header, in lower case like every header this API writes.
    expect(response.headers?.etag).toBe('"handler-tag"');
    expect(response.headers?.ETag).toBeUndefined();
    expect((await invoke(event({ query: 'tagged', headers: { 'if-none-match': '"handler-tag"' } }))).statusCode).toBe(304);
  });

  it('caches 400 and 404 briefly, never 5xx, and never answers an error with 304', async () => {
    const expected: Array<[string, number, string]> = [
      ['bad', 400, 'public, max-age=60'],
      ['missing', 404, 'public, max-age=60'],
      ['down', 503, 'no-store'],
      ['bug', 500, 'no-store'],
    ];
    // The unexpected error is logged in full as JSON lines: kept out of the test output.
    for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, 'write').mockImplementation(() => true);
    const responses = [];
    for (const [query] of expected) responses.push(await invoke(event({ query, headers: { 'if-none-match': '*' } })));
    vi.restoreAllMocks();
    for (const [index, [query, status, cacheControl]] of expected.entries()) {
      const response = responses[index]!;
      expect(response.statusCode, query).toBe(status);
      expect(response.headers?.['cache-control'], query).toBe(cacheControl);
      expect(response.headers?.etag, query).toBeUndefined();
      expect(JSON.parse(String(response.body)).error, query).toBeDefined();
    }
  });
});

describe('jsonResponse', () => {
  it('is no-store unless the caller says otherwise, so nothing becomes cacheable by accident', () => {
    expect(jsonResponse(200, {}).headers?.['cache-control']).toBe('no-store');
    expect(jsonResponse(200, {}, { 'cache-control': 'public, max-age=300' }).headers?.['cache-control']).toBe('public, max-age=300');
  });
});
