import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { parseDuration } from './duration';
import { localIdentityProvider } from './settings';
import type { SigningKey } from './signing-key';

export interface TokenRequest {
  /** The provider's id: Cognito's `sub`. */
  sub: string;
  /** User pool groups; Cognito leaves `cognito:groups` out when there are none. */
  groups?: readonly string[];
  /** e.g. `1h` (the default) or seconds; counted from `issuedAt`. */
  expiresIn?: string | number;
  /** Epoch seconds; tests move it into the past to get a token that has already expired. */
  issuedAt?: number;
  /** Overrides for tests of tokens the authorizer must refuse. */
  issuer?: string;
  audience?: string;
}

/**
 * An ID token shaped like the ones a Cognito user pool issues for its app client, signed by the
 * local identity provider's key.
 */
export async function issueIdToken(key: SigningKey, request: TokenRequest): Promise<string> {
  const issuedAt = request.issuedAt ?? Math.floor(Date.now() / 1000);
  const lifetime =
    typeof request.expiresIn === 'number' ? request.expiresIn : parseDuration(request.expiresIn ?? localIdentityProvider.defaultExpiresIn);
  if (lifetime === undefined) throw new Error(`Not a token lifetime: ${String(request.expiresIn)}`);
  const groups = [...(request.groups ?? [])];
  return new SignJWT({
    ...(groups.length > 0 ? { 'cognito:groups': groups } : {}),
    'cognito:username': request.sub,
    token_use: 'id',
    auth_time: issuedAt,
  })
    .setProtectedHeader({ alg: localIdentityProvider.algorithm, kid: key.kid, typ: 'JWT' })
    .setSubject(request.sub)
    .setIssuer(request.issuer ?? localIdentityProvider.issuer)
    .setAudience(request.audience ?? localIdentityProvider.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetime)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
