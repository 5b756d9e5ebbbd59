import { CognitoJwtVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError,
  FetchError,
  JwkInvalidKtyError,
  JwkInvalidUseError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwkValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import { DependencyUnavailableError } from '../../domain/errors';
import { bearerTokenOf, refused, type BearerTokenFailure, type BearerTokenVerifier } from '../../http/bearer-token';

export interface CognitoTokenVerifierOptions {
  /** `<region>_<id>`: the issuer (`https://cognito-idp.<region>.amazonaws.com/<pool>`) and its key set follow from it. */
  readonly userPoolId: string;
  /** The app client the tokens must be issued to (`aud` of an ID token, `client_id` of an access token). */
  readonly clientId: string;
  /** Where key sets come from and are kept; by default fetched over HTTPS from the pool (tests and benchmarks give their own fetcher). */
  readonly jwksCache?: JwksCache;
}

export interface CognitoTokenVerifier {
  readonly verify: BearerTokenVerifier;
  /** Fetches the pool's key set ahead of the first request (once per process; failures are retried by `verify`). */
  readonly prefetchKeys: () => Promise<void>;
}

/**
 * The check the HTTP API's JWT authorizer made, done in the function with aws-jwt-verify, so a
 * refusal can leave as the contract's 401 instead of API Gateway's own body: RS256 signature by a
 * key of the pool's published set (cached per process, refetched only for an unknown `kid`, at most
 * once per 10 s), issuer, client, `exp` and `nbf` with no clock tolerance, and `iat` not in the
 * future (local/auth/verify-bearer-token.ts makes the same checks). ID and access tokens of the
 * client are both accepted, as the authorizer accepted them. A key set that cannot be fetched is
 * the identity provider being unreachable: 503 `unavailable`, not the caller's fault.
 */
export function cognitoTokenVerifier(options: CognitoTokenVerifierOptions): CognitoTokenVerifier {
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: options.userPoolId, clientId: options.clientId, tokenUse: null },
    ...(options.jwksCache ? [{ jwksCache: options.jwksCache }] : []),
  );

  const verify: BearerTokenVerifier = async (authorizationHeader) => {
    const token = bearerTokenOf(authorizationHeader);
    if (token === undefined) return refused('missing');
    try {
      const claims = await verifier.verify(token);
      if (typeof claims.iat === 'number' && claims.iat > Date.now() / 1000) return refused('not_yet_valid');
      return { ok: true, claims };
    } catch (error) {
      if (error instanceof FetchError || error instanceof JwksValidationError || error instanceof JwkValidationError || error instanceof JwksNotAvailableInCacheError) {
        throw new DependencyUnavailableError('The identity provider cannot be reached to check the bearer token; retry shortly');
      }
      return refused(failureOf(error, token));
    }
  };

  return { verify, prefetchKeys: () => verifier.hydrate() };
}

function failureOf(error: unknown, token: string): BearerTokenFailure {
  if (error instanceof JwtExpiredError) return 'expired';
  if (error instanceof JwtNotBeforeError) return 'not_yet_valid';
  // The verifier looks the token's issuer up among the pool's before anything else; once created,
  // that lookup is the only thing in `verify` that reports a ParameterValidationError.
  if (error instanceof JwtInvalidIssuerError || error instanceof ParameterValidationError) return 'wrong_issuer';
  if (error instanceof CognitoJwtInvalidClientIdError || error instanceof JwtInvalidAudienceError) return 'wrong_audience';
  // A forged signature, a key the pool never published (or a token without a kid), or a token that
  // does not use the pool key's algorithm all mean the pool did not sign it.
  if (
    error instanceof JwtInvalidSignatureError ||
    error instanceof JwtInvalidSignatureAlgorithmError ||
    error instanceof KidNotFoundInJwksError ||
    error instanceof WaitPeriodNotYetEndedJwkError ||
    error instanceof JwtWithoutValidKidError ||
    error instanceof JwkInvalidUseError ||
    error instanceof JwkInvalidKtyError
  ) {
    return 'bad_signature';
  }
  // A readable header and payload with no usable signature (`alg: none`, an empty signature) is a
  // token the pool did not sign, as the local check says, rather than a malformed one.
  if (error instanceof JwtParseError && hasReadableHeaderAndPayload(token)) return 'bad_signature';
  return 'malformed';
}

function hasReadableHeaderAndPayload(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  return parts.slice(0, 2).every((part) => {
    try {
      const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    } catch {
      return false;
    }
  });
}
