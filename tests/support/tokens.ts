import { issueIdToken, type TokenRequest } from '../../local/auth/issue-token';
import { localIdentityProvider } from '../../local/auth/settings';
import { generateSigningKey, loadOrCreateSigningKey, type SigningKey } from '../../local/auth/signing-key';

/**
 * Bearer tokens for the test stack's API: minted with the key of the identity provider the global
 * setup started (LOCAL_AUTH_DIR), so they are exactly what `npm run token` on that DATA_DIR
 * prints. The refused kinds each break one rule of the JWT authorizer and keep the others.
 */

let stackKey: Promise<SigningKey> | undefined;
let foreignKey: Promise<SigningKey> | undefined;

function keyOfTheStack(): Promise<SigningKey> {
  const authDir = process.env.LOCAL_AUTH_DIR;
  if (!authDir) throw new Error('LOCAL_AUTH_DIR is not set: run the tests through vitest (tests/global-setup.ts)');
  return (stackKey ??= loadOrCreateSigningKey(authDir));
}

async function mint(request: TokenRequest, key?: SigningKey): Promise<string> {
  return issueIdToken(key ?? (await keyOfTheStack()), request);
}

/** A provider: any signed-in user of the pool, in no group. */
export function providerToken(sub: string, options: Pick<TokenRequest, 'expiresIn'> = {}): Promise<string> {
  return mint({ sub, ...options });
}

/** A member of the pool's `reviewers` group. */
export function reviewerToken(sub: string, options: Pick<TokenRequest, 'expiresIn'> = {}): Promise<string> {
  return mint({ sub, groups: [localIdentityProvider.reviewersGroup], ...options });
}

/** Issued two hours ago for one hour. */
export function expiredToken(sub: string): Promise<string> {
  return mint({ sub, issuedAt: Math.floor(Date.now() / 1000) - 7_200, expiresIn: 3_600 });
}

/** Same claims and `kid`, but signed by a key the identity provider never had. */
export async function wronglySignedToken(sub: string): Promise<string> {
  const { kid } = await keyOfTheStack();
  return mint({ sub }, await (foreignKey ??= generateSigningKey(kid)));
}

/** Signed by the right key for another app client. */
export function wrongAudienceToken(sub: string): Promise<string> {
  return mint({ sub, audience: 'some-other-client' });
}

/** Signed by the right key but claiming another issuer (as a token of another user pool would). */
export function wrongIssuerToken(sub: string): Promise<string> {
  return mint({ sub, issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_SomeOtherPool' });
}
