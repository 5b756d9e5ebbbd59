import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthorizedError } from '../domain/errors';
import { REVIEWERS_GROUP, type Identity } from '../domain/identity';

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * The groups of a `cognito:groups` claim exactly as the JWT authorizer context carries it (API
 * Gateway's, or functions/http/authorizer-claims.ts, which reproduces it): Go's `%v` of the
 * token's array, `[a b]`, names separated by single spaces; a claim that was a string in the token
 * arrives as that string, one group. Nothing else is read as a list, so neither `support,reviewers`,
 * `["reviewers"]` nor `[reviewers,support]` contains the group `reviewers`: group names have no
 * whitespace, and a malformed claim names no group at all.
 */
export function groupsOf(claim: Claims[string]): string[] {
  if (Array.isArray(claim)) return claim.filter((group) => typeof group === 'string');
  if (typeof claim !== 'string' || claim.length === 0) return [];
  if (!claim.startsWith('[')) return /\s|\[|\]/.test(claim) ? [] : [claim];
  if (claim === '[]') return [];
  return /^\[[^\s[\]]+( [^\s[\]]+)*\]$/.test(claim) ? claim.slice(1, -1).split(' ') : [];
}

/** The caller, from the authorizer's claims only: the body never says who someone is. */
export function identityFrom(event: APIGatewayProxyEventV2): Identity {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new UnauthorizedError('A valid bearer token is required');
  return { sub, isReviewer: groupsOf(claims?.['cognito:groups']).includes(REVIEWERS_GROUP) };
}
