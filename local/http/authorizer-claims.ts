import type { APIGatewayEventRequestContextJWTAuthorizer } from 'aws-lambda';
import type { JWTPayload } from 'jose';

/**
 * `requestContext.authorizer` as an HTTP API JWT authorizer hands it to a payload 2.0 integration:
 * every claim of the token, each turned into a string by API Gateway's (Go) formatting, and the
 * token's space-separated `scope` claim split into `scopes` (null without one, as for ID tokens).
 */
export function jwtAuthorizerContext(claims: JWTPayload): APIGatewayEventRequestContextJWTAuthorizer {
  const stringified: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) stringified[name] = formatClaimValue(value);
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
  return { jwt: { claims: stringified, scopes: scopes.length > 0 ? scopes : null } };
}

/**
 * Go's `%v`, which is what API Gateway shows: arrays as `[a b]` (so `cognito:groups` of one
 * group arrives as "[reviewers]"), objects as `map[k:v]` with sorted keys, null as `<nil>`, numbers and booleans
 * as their JSON text. Whole-number timestamps stay digits ("1700000000"), as observed in events.
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
