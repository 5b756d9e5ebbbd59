import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { localIdentityProvider } from './settings';

export type BearerTokenFailure = 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'wrong_issuer' | 'wrong_audience';

export type BearerTokenVerification =
  | { ok: true; claims: JWTPayload }
  | { ok: false; failure: BearerTokenFailure; message: string };

/** Checks an Authorization header value; never throws for a bad token, only reports why it is bad. */
export type BearerTokenVerifier = (authorizationHeader: string | undefined) => Promise<BearerTokenVerification>;

const MESSAGES: Readonly<Record<BearerTokenFailure, string>> = {
  missing: 'A bearer token is required',
  malformed: 'The bearer token is not a well-formed JWT',
  bad_signature: 'The bearer token is not signed by the identity provider',
  expired: 'The bearer token has expired',
  not_yet_valid: 'The bearer token is not valid yet',
  wrong_issuer: 'The bearer token was issued by another identity provider',
  wrong_audience: 'The bearer token was issued for another client',
};

/**
 * The checks an API Gateway HTTP API JWT authorizer makes, against the local identity provider's
 * key set: signature by a key the set holds (matched by `kid`), RS256 only, issuer, audience,
 * `exp` (required and in the future), `nbf` and `iat` not in the future. No clock tolerance:
 * API Gateway documents none.
 */
export function bearerTokenVerifier(jwks: JSONWebKeySet): BearerTokenVerifier {
  const keys = createLocalJWKSet(jwks);
  return async (authorizationHeader) => {
    const token = tokenFromHeader(authorizationHeader);
    if (token === undefined) return failed('missing');
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: localIdentityProvider.issuer,
        audience: localIdentityProvider.audience,
        algorithms: [localIdentityProvider.algorithm],
        requiredClaims: ['exp'],
      });
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000) return failed('not_yet_valid');
      return { ok: true, claims: payload };
    } catch (error) {
      return failed(failureOf(error));
    }
  };
}

/**
 * API Gateway takes the identity source (the Authorization header) either as the bare token or
 * prefixed with `Bearer `.
 */
function tokenFromHeader(header: string | undefined): string | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  const token = value.replace(/^bearer\s+/i, '').trim();
  return token || undefined;
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

function failed(failure: BearerTokenFailure): BearerTokenVerification {
  return { ok: false, failure, message: MESSAGES[failure] };
}
