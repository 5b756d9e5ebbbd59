import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { bearerTokenOf, refused, type BearerTokenFailure, type BearerTokenVerifier } from '../../functions/http/bearer-token';
import { localIdentityProvider } from './settings';

// The kinds, wording and result of a refusal are the functions' own (functions/http/bearer-token.ts),
// so a refusal reads the same locally and in AWS.
export type { BearerTokenVerifier } from '../../functions/http/bearer-token';

/**
 * The checks an API Gateway HTTP API JWT authorizer makes, against the local identity provider's
 * key set: signature by a key the set holds (matched by `kid`), RS256 only, issuer, audience,
 * `exp` (required and in the future), `nbf` and `iat` not in the future. No clock tolerance:
 * API Gateway documents none.
 */
export function bearerTokenVerifier(jwks: JSONWebKeySet): BearerTokenVerifier {
  const keys = createLocalJWKSet(jwks);
  return async (authorizationHeader) => {
    const token = bearerTokenOf(authorizationHeader);
    if (token === undefined) return refused('missing');
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: localIdentityProvider.issuer,
        audience: localIdentityProvider.audience,
        algorithms: [localIdentityProvider.algorithm],
        requiredClaims: ['exp'],
      });
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000) return refused('not_yet_valid');
      return { ok: true, claims: payload };
    } catch (error) {
      return refused(failureOf(error));
    }
  };
}

function failureOf(error: unknown): BearerTokenFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'wrong_issuer';
    if (error.claim === 'aud') return 'wrong_audience';
    if (error.claim === 'nbf') return 'not_yet_valid';
    return 'malformed';
  }
  // An unknown kid, a forged signature or a token that does not even claim RS256 (alg "none",
  // HS256 keyed with the public key...) all mean the identity provider did not sign it.
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JOSEAlgNotAllowed) {
    return 'bad_signature';
  }
  return 'malformed';
}
