import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, PayloadTooLargeError } from '../../functions/domain/errors';
import { MAX_BODY_BYTES, MAX_BODY_DEPTH, jsonBody } from '../../functions/http/request-body';
import { apiEvent } from '../support/api-event';

/** Bodies are bounded on their text, before the parser, the Idempotency-Key hash or validation walk them. */
const withBody = (body: string, isBase64Encoded = false): APIGatewayProxyEventV2 => ({ ...apiEvent({ routeKey: 'POST /v1/listings' }), body, isBase64Encoded });
const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

function refusal(body: string, isBase64Encoded = false): InvalidRequestError {
  let error: unknown;
  try {
    jsonBody(withBody(body, isBase64Encoded));
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(InvalidRequestError);
  return error as InvalidRequestError;
}

describe('jsonBody', () => {
  it(`accepts nesting up to ${MAX_BODY_DEPTH} levels`, () => {
    expect(jsonBody(withBody(nested(MAX_BODY_DEPTH)))).toBeInstanceOf(Array);
    expect(jsonBody(withBody(nestedObjects(MAX_BODY_DEPTH)))).toBeInstanceOf(Object);
    // Brackets inside strings, escaped quotes included, are text.
    expect(jsonBody(withBody(JSON.stringify({ name: `${'['.repeat(100)}\\"{{{` })))).toEqual({ name: `${'['.repeat(100)}\\"{{{` });
  });

  it('refuses deeper bodies with a 400 naming the body, before parsing them', () => {
    for (const body of [nested(MAX_BODY_DEPTH + 1), nestedObjects(MAX_BODY_DEPTH + 1), nested(3_000), Buffer.from(nested(3_000)).toString('base64')]) {
      const error = refusal(body, !body.startsWith('[') && !body.startsWith('{'));
      expect(error.details).toEqual([{ path: 'body', message: `must nest objects and arrays at most ${MAX_BODY_DEPTH} deep` }]);
    }
    // Under the size limit but deep enough to overflow a recursive walk (the Idempotency-Key hash).
    expect(nested(30_000).length).toBeLessThan(MAX_BODY_BYTES);
    expect(refusal(nested(30_000)).details[0]?.path).toBe('body');
  });

  it('still answers size before depth, and malformed JSON as such', () => {
    expect(() => jsonBody(withBody(nested(40_000)))).toThrow(PayloadTooLargeError);
    expect(refusal('{"a": [1, 2}').message).toBe('The body is not valid JSON');
  });
});
