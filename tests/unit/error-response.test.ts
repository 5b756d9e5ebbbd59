import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidRequestError, NotFoundError } from '../../functions/domain/errors';
import { programSubmissionSchema } from '../../functions/domain/program';
import { toErrorDetails } from '../../functions/domain/validation-details';
import { errorResponse, MAX_ERROR_DETAILS } from '../../functions/http/error-response';
import { INDEX_READS, withCaching } from '../../functions/http/http-caching';
import { jsonResponse } from '../../functions/http/json-response';
import { parseInput } from '../../functions/http/parse-input';

const quiet = () => undefined;

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('X-Content-Type-Options: nosniff', () => {
  it('is on every JSON response, and a route cannot drop it', () => {
    expect(jsonResponse(200, {}).headers).toMatchObject({ 'x-content-type-options': 'nosniff' });
    expect(jsonResponse(200, {}, { 'x-content-type-options': 'sniff-away', 'cache-control': 'public, max-age=300' }).headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=300',
    });
  });

  it('is on errors, expected or not', () => {
    expect(errorResponse(new NotFoundError('No listing x')).headers).toMatchObject({ 'x-content-type-options': 'nosniff' });
    expect(errorResponse(new Error('bug'), quiet).headers).toMatchObject({ 'x-content-type-options': 'nosniff' });
  });

  it('stays on a 304', () => {
    const ok = jsonResponse(200, { results: [] });
    const event = { headers: { 'if-none-match': '*' }, requestContext: { http: { method: 'GET' } } } as unknown as APIGatewayProxyEventV2;
    const notModified = withCaching(event, ok, INDEX_READS);
    expect(notModified.statusCode).toBe(304);
    expect(notModified.headers).toMatchObject({ 'x-content-type-options': 'nosniff' });
  });
});

describe('error details', () => {
  it('are capped, however many unknown keys a body has, with a count of the rest', () => {
    const body = Object.fromEntries(Array.from({ length: 5_000 }, (_, n) => [`unknown_field_${n}`, n]));
    const error = thrownBy(() => parseInput(z.strictObject({ name: z.string().optional() }), body, 'body'));
    const response = errorResponse(error);
    const { details } = (JSON.parse(String(response.body)) as { error: { details: { path: string; message: string }[] } }).error;

    expect(response.statusCode).toBe(400);
    expect(details).toHaveLength(MAX_ERROR_DETAILS + 1);
    expect(details[0]).toEqual({ path: 'unknown_field_0', message: 'is not a recognised field' });
    expect(details.at(-1)).toEqual({ path: '', message: `and ${5_000 - MAX_ERROR_DETAILS} more problems not listed` });
    expect(Buffer.byteLength(String(response.body))).toBeLessThan(4_096);
  });

  it('keep each path and message short, and a short list whole', () => {
    const longKey = 'k'.repeat(60_000);
    const response = errorResponse(new InvalidRequestError('m'.repeat(10_000), [{ path: longKey, message: 'x'.repeat(10_000) }, { path: 'zip', message: 'must be 5 digits' }]));
    const { error } = JSON.parse(String(response.body)) as { error: { message: string; details: { path: string; message: string }[] } };
    expect(error.message.length).toBeLessThanOrEqual(500);
    expect(error.details).toHaveLength(2);
    expect(error.details[0]?.path.length).toBeLessThanOrEqual(200);
    expect(error.details[0]?.path.startsWith('kkk')).toBe(true);
    expect(error.details[0]?.message.length).toBeLessThanOrEqual(500);
    expect(error.details[1]).toEqual({ path: 'zip', message: 'must be 5 digits' });
  });
});

describe('prototype keys', () => {
  const names = ['__proto__', 'constructor', 'prototype'];

  it.each(names)('%s in a JSON body is refused as an unknown field, top level or nested, and pollutes nothing', (name) => {
    const text = `{"name":"A","${name}":{"polluted":true},"address":{"street1":"1 Main St","${name}":{"polluted":true}}}`;
    const result = programSubmissionSchema.safeParse(JSON.parse(text));
    expect(result.success).toBe(false);
    expect(toErrorDetails(result.error!.issues)).toEqual(
      expect.arrayContaining([
        { path: name, message: 'is not a recognised field' },
        { path: `address.${name}`, message: 'is not a recognised field' },
      ]),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(names)('%s as a query parameter, as API Gateway delivers it, is a 400 naming it', (name) => {
    const query = JSON.parse(`{"limit":"10","${name}":"x"}`) as Record<string, string>;
    const error = thrownBy(() => parseInput(z.strictObject({ limit: z.string() }), query, 'query parameters'));
    expect(JSON.parse(String(errorResponse(error).body))).toEqual({
      error: { code: 'invalid_request', message: 'Invalid query parameters', details: [{ path: name, message: 'is not a recognised field' }] },
    });
  });
});
