import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthorizedError } from '../domain/errors';
import { REVIEWERS_GROUP, type Identity } from '../domain/identity';

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * API Gateway's JWT authorizer hands claims over as strings: an array claim such as
 * `cognito:groups` arrives as "[reviewers other]". Accept that, JSON, and real arrays.
 */
function groupsOf(claim: Claims[string]): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      return text.slice(1, -1).split(/[\s,]+/).filter(Boolean);
    }
  }
  return text.split(/[\s,]+/).filter(Boolean);
}

/** The caller, from the authorizer's claims only: the body never says who someone is. */
export function identityFrom(event: APIGatewayProxyEventV2): Identity {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new UnauthorizedError('A valid bearer token is required');
  return { sub, isReviewer: groupsOf(claims?.['cognito:groups']).includes(REVIEWERS_GROUP) };
}
