import type { JSONWebKeySet } from 'jose';
import { issueIdToken, type TokenRequest } from './issue-token';
import { loadOrCreateSigningKey } from './signing-key';
import { bearerTokenVerifier, type BearerTokenVerifier } from './verify-bearer-token';

/** The Cognito user pool of the local stack: it issues tokens and verifies them as the authorizer would. */
export interface LocalIdentityProvider {
  readonly authDir: string;
  /** The public keys, as a user pool publishes them at its jwks.json. */
  readonly jwks: JSONWebKeySet;
  issueToken(request: TokenRequest): Promise<string>;
  verifyBearerToken: BearerTokenVerifier;
}

/** The identity provider whose key lives in `authDir` (DATA_DIR/auth), creating the key on first use. */
export async function openLocalIdentityProvider(authDir: string): Promise<LocalIdentityProvider> {
  const key = await loadOrCreateSigningKey(authDir);
  return {
    authDir,
    jwks: key.jwks,
    issueToken: (request) => issueIdToken(key, request),
    verifyBearerToken: bearerTokenVerifier(key.jwks),
  };
}
