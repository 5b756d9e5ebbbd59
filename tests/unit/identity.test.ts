import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { jwtAuthorizerContext } from '../../functions/http/authorizer-claims';
import { groupsOf, identityFrom } from '../../functions/http/identity';
import { apiEvent } from '../support/api-event';

/**
 * `cognito:groups` as the JWT authorizer context carries it: API Gateway formats the token's
 * array with Go's `%v` (`[a b]`), and the function-side verification hands it on the same way
 * (authorizer-claims.ts). Only the exact group `reviewers` in that form makes a reviewer.
 */
function withClaims(claims: Record<string, unknown>): APIGatewayProxyEventV2 {
  const event = apiEvent({ routeKey: 'GET /v1/review/queue' });
  return { ...event, requestContext: { ...event.requestContext, authorizer: { jwt: { claims, scopes: null } } } } as APIGatewayProxyEventV2;
}

const isReviewer = (groups: unknown) => identityFrom(withClaims({ sub: 'user-1', 'cognito:groups': groups })).isReviewer;

describe('cognito:groups as API Gateway passes it', () => {
  it.each([
    ['[reviewers]', true],
    ['[support reviewers]', true],
    ['[reviewers support]', true],
    ['reviewers', true],
    ['support,reviewers', false],
    ['[support,reviewers]', false],
    ['[reviewers,support]', false],
    ['["reviewers"]', false],
    ['["support","reviewers"]', false],
    ['reviewersx', false],
    ['[reviewersx]', false],
    ['[xreviewers]', false],
    ['[ reviewers', false],
    ['[ reviewers]', false],
    ['[reviewers ]', false],
    ['[support  reviewers]', false],
    ['[reviewers', false],
    ['reviewers]', false],
    [' reviewers', false],
    ['reviewers support', false],
    ['[[reviewers]]', false],
    ['[Reviewers]', false],
    ['[]', false],
    ['', false],
    ['<nil>', false],
  ])('%j makes a reviewer: %s', (claim, expected) => {
    expect(isReviewer(claim)).toBe(expected);
  });

  it('reads no group from a missing claim or a non-string value', () => {
    expect(isReviewer(undefined)).toBe(false);
    expect(isReviewer(true)).toBe(false);
    expect(groupsOf(['support', 'reviewers'])).toEqual(['support', 'reviewers']);
  });

  it('agrees with the form the function-side verification and the local authorizer produce from a real token', () => {
    const fromToken = (groups: string[]) => identityFrom(withClaims(jwtAuthorizerContext({ sub: 'user-1', 'cognito:groups': groups }).jwt.claims)).isReviewer;
    expect(jwtAuthorizerContext({ sub: 'user-1', 'cognito:groups': ['support', 'reviewers'] }).jwt.claims['cognito:groups']).toBe('[support reviewers]');
    expect(fromToken(['reviewers'])).toBe(true);
    expect(fromToken(['support', 'reviewers'])).toBe(true);
    expect(fromToken(['support,reviewers'])).toBe(false);
    expect(fromToken(['"reviewers"'])).toBe(false);
    expect(fromToken(['support'])).toBe(false);
  });
});
