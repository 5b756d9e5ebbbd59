import type { APIGatewayEventRequestContextJWTAuthorizer } from 'aws-lambda';
import type { TokenClaims } from './bearer-token';

/**
 * `requestContext.authorizer` as an HTTP API JWT authorizer hands it to a payload 2.0 integration:
 * every claim turned into a string by API Gateway's (Go) formatting, and the token's
 * space-separated `scope` split into `scopes` (null without one, as for ID tokens). Handlers were
 * written against that shape (functions/http/identity.ts), so a token verified in the function
 * is handed on in it too; the local adapter builds the same with this module.
 */
export function jwtAuthorizerContext(claims: TokenClaims): APIGatewayEventRequestContextJWTAuthorizer {
  const stringified: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) stringified[name] = formatClaimValue(value);
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
  return { jwt: { claims: stringified, scopes: scopes.length > 0 ? scopes : null } };
}

/**
 * Go's `%v`, which is what API Gateway shows: arrays as `[a b]` (so `cognito:groups` of one group
 * arrives as "[reviewers]"), objects as `map[k:v]` with sorted keys, null as `<nil>`, numbers and
 * booleans as their JSON text.
 */
export function formatClaimValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatClaimValue).join(' ')}]`;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, item]) => `${key}:${formatClaimValue(item)}`).join(' ')}]`;
  }
  return String(value);
}
