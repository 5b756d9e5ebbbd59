import { cognitoTokenVerifier } from '../../adapters/auth/cognito-token-verifier';
import { loadTokenVerificationConfig } from '../../config/token-verification-config';
import { bearerAuthentication } from '../../http/bearer-authentication';

/**
 * Composition root of the token check: read at module load (a function behind a JWT route deployed
 * without TOKEN_VERIFICATION fails its cold start), one verifier (and one cached key set) per process.
 */
const tokenVerificationConfig = loadTokenVerificationConfig(process.env);
const cognito =
  tokenVerificationConfig.TOKEN_VERIFICATION === 'cognito'
    ? cognitoTokenVerifier({ userPoolId: tokenVerificationConfig.COGNITO_USER_POOL_ID, clientId: tokenVerificationConfig.COGNITO_CLIENT_ID })
    : undefined;

// The pool's key set is fetched during the cold start rather than by the first request; if that
// fails, the first verification fetches it again (and answers 503 if it still cannot).
void cognito?.prefetchKeys().catch(() => undefined);

/** The bearer-token middleware of every provider and reviewer handler; `.use()` it after `httpErrors()`. */
export function authentication() {
  return bearerAuthentication(cognito?.verify);
}
