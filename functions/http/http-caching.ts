import { createHash } from 'node:crypto';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * HTTP caching of the public read routes (contract section 9): a `Cache-Control` lifetime per
 * route, a strong `ETag` of the body, and 304 for a matching `If-None-Match`. Everything else is
 * `no-store` (the default of `jsonResponse`), so a route is cacheable only when it says so here.
 */
export interface CachePolicy {
  /** Seconds a 200 stays fresh in browsers and shared caches (CloudFront). */
  readonly maxAge: number;
  /** Seconds after that a cache may still answer with it while it revalidates in the background (RFC 5861). */
  readonly staleWhileRevalidate: number;
}

/**
 * Search results and single programs come from the index, which the stream updates within seconds
 * of a write: a minute of freshness, then up to five more minutes served stale while one request
 * revalidates, bounds how long a closed or edited program keeps showing (about six minutes at worst)
 * while letting a burst of identical searches (a shared link, a busy zip) cost one search a minute.
 */
export const INDEX_READS: CachePolicy = { maxAge: 60, staleWhileRevalidate: 300 };

/**
 * Place suggestions and vocabulary labels are pure functions of files bundled into the function
 * (the gazetteer, the label files): they change only with a deployment, and then the ETag changes
 * with them. A day of freshness and a week of stale-while-revalidate keep them out of Lambda
 * almost entirely; after a deployment that changes them, browsers may show yesterday's labels or
 * places for up to a day, which is harmless (the search itself takes the new values at once).
 */
export const BUNDLED_DATA: CachePolicy = { maxAge: 86_400, staleWhileRevalidate: 604_800 };

/**
 * Answers that are the same for everyone asking the same URL, but must not be kept: token routes,
 * writes, server errors. `no-store` alone already forbids every cache, browser included.
 */
export const NO_STORE = 'no-store';

/**
 * A 400 or 404 of a public route is as deterministic as its 200 (a bad parameter stays bad, an
 * unknown id stays unknown until a listing is published), so a short lifetime spares the function
 * repeated bad requests without keeping a newly published program hidden for long. No
 * stale-while-revalidate: a fixed error should disappear as soon as possible.
 */
export const CLIENT_ERROR_CACHE_CONTROL = 'public, max-age=60';
const CACHEABLE_CLIENT_ERRORS = new Set([400, 404, 410]);

export function cacheControlOf(policy: CachePolicy): string {
  return `public, max-age=${policy.maxAge}, stale-while-revalidate=${policy.staleWhileRevalidate}`;
}

/**
 * A strong ETag: the SHA-256 of the exact body, base64url, quoted. The same body always has the
 * same tag, on every function instance, and any change of the body changes it.
 */
export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/**
 * The entity tags of an `If-None-Match` field (RFC 9110 section 13.1.2): `'*'`, or the opaque tags
 * listed, quotes kept and `W/` dropped (If-None-Match compares weakly, so a weak tag matches the
 * strong tag with the same opaque value). Repeated header lines arrive joined by commas, which the
 * list syntax already allows. A member that is not a quoted tag (a client that stripped the quotes)
 * is read as the tag it names; empty members are skipped. `*` counts only alone: inside a list it is
 * invalid and matches nothing, so a malformed field costs a full answer, never a wrong 304.
 */
export function parseIfNoneMatch(fieldValue: string): '*' | string[] {
  if (fieldValue.trim() === '*') return '*';
  const tags: string[] = [];
  let position = 0;
  const length = fieldValue.length;
  while (position < length) {
    const char = fieldValue[position]!;
    if (char === ',' || char === ' ' || char === '\t') {
      position++;
      continue;
    }
    if (fieldValue.startsWith('W/', position)) position += 2;
    if (fieldValue[position] === '"') {
      // etagc excludes the double quote but allows commas, so the tag ends at the next quote only.
      const end = fieldValue.indexOf('"', position + 1);
      if (end < 0) break; // an unterminated tag matches nothing
      tags.push(fieldValue.slice(position, end + 1));
      position = end + 1;
      continue;
    }
    const end = fieldValue.indexOf(',', position);
    const bare = fieldValue.slice(position, end < 0 ? length : end).trim();
    if (bare) tags.push(`"${bare}"`);
    position = end < 0 ? length : end + 1;
  }
  return tags;
}

/** Whether `If-None-Match` is false for a current representation with this ETag, i.e. the answer is 304. */
export function ifNoneMatchMatches(fieldValue: string | undefined, etag: string): boolean {
  if (fieldValue === undefined || fieldValue.trim() === '') return false;
  const tags = parseIfNoneMatch(fieldValue);
  if (tags === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return tags.includes(opaque);
}

/**
 * Header fields a 304 must not repeat: they describe a body it does not have (RFC 9110 section
 * 15.4.5 keeps Cache-Control, ETag, Vary, ... and drops the representation's metadata). A
 * Content-Length in a 304 would also have to equal the 200's, which only the 200 knows.
 */
const REPRESENTATION_HEADERS = new Set(['content-type', 'content-length', 'content-language', 'content-encoding']);

type Result = APIGatewayProxyStructuredResultV2;

function headerOf(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** The same headers with `name` set to `value`, whatever case an earlier copy of it had. */
function withHeader(headers: Result['headers'], name: string, value: string): NonNullable<Result['headers']> {
  const kept = Object.entries(headers ?? {}).filter(([key]) => key.toLowerCase() !== name);
  return { ...Object.fromEntries(kept), [name]: value };
}

/**
 * The response of a public GET route as caches should see it: a 200 gets the policy's
 * Cache-Control and its ETag (one the handler set already is kept), and becomes a 304 without a
 * body when the request's If-None-Match matches; a 400/404 gets a short lifetime; anything else
 * (5xx above all: the next request may well succeed) is `no-store`.
 */
export function withCaching(event: Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext'>, response: Result, policy: CachePolicy): Result {
  const status = response.statusCode ?? 200;
  if (status !== 200) {
    const cacheControl = CACHEABLE_CLIENT_ERRORS.has(status) ? CLIENT_ERROR_CACHE_CONTROL : NO_STORE;
    return { ...response, headers: withHeader(response.headers, 'cache-control', cacheControl) };
  }
  const existing = headerOf(response.headers as Record<string, string> | undefined, 'etag');
  const etag = existing ?? strongEtag(response.body ?? '');
  const headers = withHeader(withHeader(response.headers, 'cache-control', cacheControlOf(policy)), 'etag', etag);
  const method = event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
  // Only safe methods get 304; preconditions on anything else would mean 412 (RFC 9110 13.1.2).
  if ((method === 'GET' || method === 'HEAD') && ifNoneMatchMatches(headerOf(event.headers, 'if-none-match'), etag)) {
    const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !REPRESENTATION_HEADERS.has(name.toLowerCase())));
    return { statusCode: 304, headers: kept };
  }
  return { ...response, headers };
}

type CachingRequest = Request<APIGatewayProxyEventV2, Result>;

/**
 * middy middleware for the public GET routes: applies `withCaching` to whatever the handler or
 * the error middleware answered. `.use()` it after `observability` and before `httpErrors`: middy
 * runs `onError` in reverse order, so the contract error body already exists when it runs (used
 * after `httpErrors`, errors would simply stay `no-store`).
 */
export function httpCaching(policy: CachePolicy): MiddlewareObj<APIGatewayProxyEventV2, Result> {
  const apply = async (request: CachingRequest) => {
    if (request.response && typeof request.response === 'object') request.response = withCaching(request.event, request.response, policy);
  };
  return { after: apply, onError: apply };
}
