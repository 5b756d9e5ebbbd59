import { UnauthorizedError } from '../domain/errors';

/**
 * Why a bearer token was refused. The local adapter's JWT check (local/auth/verify-bearer-token.ts)
 * refuses through these same kinds and words, so a refusal reads the same locally and in AWS;
 * tests/unit/bearer-authentication.test.ts compares the two checks' answers.
 */
export type BearerTokenFailure = 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'wrong_issuer' | 'wrong_audience';

export const BEARER_TOKEN_MESSAGES: Readonly<Record<BearerTokenFailure, string>> = {
  missing: 'A bearer token is required',
  malformed: 'The bearer token is not a well-formed JWT',
  bad_signature: 'The bearer token is not signed by the identity provider',
  expired: 'The bearer token has expired',
  not_yet_valid: 'The bearer token is not valid yet',
  wrong_issuer: 'The bearer token was issued by another identity provider',
  wrong_audience: 'The bearer token was issued for another client',
};

/** The verified token's claims, as the identity provider signed them. */
export type TokenClaims = Readonly<Record<string, unknown>>;

export type BearerTokenVerification =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly failure: BearerTokenFailure; readonly message: string };

/** Checks an Authorization header value; reports a bad token, throws only when the check itself cannot run. */
export type BearerTokenVerifier = (authorizationHeader: string | undefined) => Promise<BearerTokenVerification>;

export function refused(failure: BearerTokenFailure): BearerTokenVerification {
  return { ok: false, failure, message: BEARER_TOKEN_MESSAGES[failure] };
}

/** The token of an Authorization header, bare or after `Bearer ` (as API Gateway takes it). */
export function bearerTokenOf(header: string | undefined): string | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  const token = value.replace(/^bearer\s+/i, '').trim();
  return token || undefined;
}

/** A 401 for a refused token, with the RFC 6750 challenge the error mapping sends as `www-authenticate`. */
export class BearerTokenRefusedError extends UnauthorizedError {
  readonly challenge: string;
  constructor(
    readonly failure: BearerTokenFailure,
    message: string = BEARER_TOKEN_MESSAGES[failure],
  ) {
    super(message);
    this.challenge = failure === 'missing' ? 'Bearer' : `Bearer error="invalid_token", error_description="${message}"`;
  }
}
