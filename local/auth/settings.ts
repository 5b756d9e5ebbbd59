import { join, resolve } from 'node:path';
import { REVIEWERS_GROUP } from '../../functions/domain/identity';

/**
 * The local counterpart of the Cognito user pool and its app client: what the local identity
 * provider writes into tokens and what the local JWT authorizer demands of them. The issuer is a
 * URN on purpose: nothing serves keys there, so no one mistakes it for a discovery endpoint.
 */
export const localIdentityProvider = {
  issuer: 'urn:iop-directory:local-idp',
  audience: 'iop-directory',
  // Cognito signs with RS256 and API Gateway's JWT authorizers accept only RSA signatures.
  algorithm: 'RS256',
  reviewersGroup: REVIEWERS_GROUP,
  defaultExpiresIn: '1h',
} as const;

/** Where a DATA_DIR keeps its signing key, so `npm start` and `npm run token` on it agree. */
export function authDirectory(dataDir: string): string {
  return join(resolve(dataDir), 'auth');
}
