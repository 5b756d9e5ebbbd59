import { z } from 'zod';
import { parseEnv } from './env';
import { environmentShape } from './environment-variables';

/**
 * Who checks the bearer token of a provider or reviewer route:
 *
 * - `authorizer`: an HTTP API JWT authorizer did, before the function ran, and the verified
 *   claims are in `requestContext.authorizer.jwt` (locally the adapter plays that authorizer).
 *   The function trusts only that context, which no client can set; without it every such route
 *   is a 401.
 * - `cognito`: the function checks the token itself against the user pool (AWS, where a refusal
 *   must leave as the contract's 401 body, which no HTTP API authorizer can give).
 */
const tokenVerificationSchema = z.discriminatedUnion('TOKEN_VERIFICATION', [
  z.object(environmentShape({ TOKEN_VERIFICATION: z.literal('authorizer') })),
  z.object(environmentShape({
    TOKEN_VERIFICATION: z.literal('cognito'),
    COGNITO_USER_POOL_ID: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/, { message: 'must be a user pool id (<region>_<id>)' }),
    COGNITO_CLIENT_ID: z.string().regex(/^[A-Za-z0-9]{1,128}$/, { message: 'must be an app client id' }),
  })),
]);

export type TokenVerificationConfig = z.infer<typeof tokenVerificationSchema>;

/**
 * The token check of an environment. No default: infra sets `cognito` on every function behind a
 * JWT route, the local stack `authorizer` (its API Gateway stand-in is that authorizer).
 */
export function loadTokenVerificationConfig(env: NodeJS.ProcessEnv): TokenVerificationConfig {
  return parseEnv(tokenVerificationSchema, env);
}
