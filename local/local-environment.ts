import { STAGE_SEARCH_INDEX_ALIAS } from '../functions/config/search-index-alias';

/**
 * The settings the local stack gives the handlers it runs in process and the commands it starts,
 * in place of what CDK sets in AWS: the one place local defaults live. The functions' own
 * configuration has none (functions/config/), so anything missing here fails loudly, naming the
 * variable. A value already in the environment wins, except the table and alias, which the
 * stack's options decide (tests give each run its own).
 */
export const LOCAL_DEFAULTS = {
  AWS_REGION: 'us-east-1',
  // Any credentials do for the engines on this machine; without them the SDK looks for real ones.
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  OPENSEARCH_AUTH: 'none',
  // The local API Gateway stand-in plays the JWT authorizer (local/http/).
  TOKEN_VERIFICATION: 'authorizer',
  MAX_PENDING_LISTINGS: '5',
  // The zip centroid only: nothing billed, nothing leaves the machine.
  GEOCODER: 'none',
  // No CloudFront in front: API Gateway's peer is the client.
  CLIENT_ADDRESS: 'source-ip',
} as const;

export const LOCAL_TABLE = 'iop-programs';
export const LOCAL_SEARCH_INDEX_ALIAS = STAGE_SEARCH_INDEX_ALIAS;
