import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadClientAddressConfig } from '../../functions/config/client-address-config';
import { loadCursorConfig } from '../../functions/config/cursor-config';
import { loadDynamoDbConfig } from '../../functions/config/dynamodb-config';
import { loadExpirySummaryConfig } from '../../functions/config/expiry-summary-config';
import { loadGeocodingConfig } from '../../functions/config/geocoding-config';
import { loadListingsConfig } from '../../functions/config/listings-config';
import { loadOpenSearchConfig } from '../../functions/config/opensearch-config';
import { loadOriginVerificationConfig } from '../../functions/config/origin-verification-config';
import { loadReconcileConfig } from '../../functions/config/reconcile-config';
import { loadRegionConfig } from '../../functions/config/region-config';
import { loadS3Config } from '../../functions/config/s3-config';
import { loadTokenVerificationConfig } from '../../functions/config/token-verification-config';

/**
 * Each load function with a complete environment, as the CDK stacks (or the local stack) set it.
 * Every variable listed is required: none has a default that would stand in for a setting AWS
 * lacks (an OpenSearch URL on 127.0.0.1, a made-up table name).
 */
const LOADERS: { name: string; load: (env: NodeJS.ProcessEnv) => unknown; env: Record<string, string> }[] = [
  {
    name: 'loadOpenSearchConfig',
    load: loadOpenSearchConfig,
    env: { OPENSEARCH_URL: 'https://search.example', OPENSEARCH_AUTH: 'sigv4', SEARCH_INDEX_ALIAS: 'programs', AWS_REGION: 'us-east-1' },
  },
  { name: 'loadDynamoDbConfig', load: loadDynamoDbConfig, env: { PROGRAMS_TABLE: 'iop-programs-dev', AWS_REGION: 'us-east-1' } },
  { name: 'loadListingsConfig', load: loadListingsConfig, env: { MAX_PENDING_LISTINGS: '5' } },
  { name: 'loadGeocodingConfig', load: loadGeocodingConfig, env: { GEOCODER: 'none' } },
  { name: 'loadTokenVerificationConfig', load: loadTokenVerificationConfig, env: { TOKEN_VERIFICATION: 'authorizer' } },
  { name: 'loadCursorConfig', load: loadCursorConfig, env: { CURSOR_SIGNING_KEY: 'k'.repeat(43) } },
  { name: 'loadS3Config', load: loadS3Config, env: { AWS_REGION: 'us-east-1' } },
  {
    name: 'loadExpirySummaryConfig',
    load: loadExpirySummaryConfig,
    env: { EXPIRY_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:expiry', EXPIRY_WINDOW_DAYS: '60' },
  },
  { name: 'loadReconcileConfig', load: loadReconcileConfig, env: { RECONCILE_SETTLE_SECONDS: '900' } },
  { name: 'loadRegionConfig', load: loadRegionConfig, env: { AWS_REGION: 'us-east-1' } },
  { name: 'loadClientAddressConfig', load: loadClientAddressConfig, env: { CLIENT_ADDRESS: 'viewer-address-header' } },
  { name: 'loadOriginVerificationConfig', load: loadOriginVerificationConfig, env: { ORIGIN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:origin' } },
];

describe('configuration', () => {
  it.each(LOADERS)('$name accepts a complete environment', ({ load, env }) => {
    expect(() => load(env)).not.toThrow();
  });

  const missing = LOADERS.flatMap(({ name, load, env }) => Object.keys(env).map((variable) => ({ name, load, env, variable })));
  it.each(missing)('$name refuses an environment without $variable, naming it', ({ load, env, variable }) => {
    const { [variable]: _left, ...rest } = env;
    expect(() => load(rest)).toThrow(new RegExp(`Invalid configuration: (.*; )?${variable}: required, not set`));
  });

  it('keeps only what is genuinely optional optional: engine endpoints and the OpenSearch client timeouts', () => {
    const openSearch = loadOpenSearchConfig(LOADERS[0]!.env);
    expect(openSearch).toMatchObject({ OPENSEARCH_REQUEST_TIMEOUT_MS: 30_000, OPENSEARCH_MAX_RETRIES: 3 });
    expect(loadDynamoDbConfig({ PROGRAMS_TABLE: 'iop-programs-dev', AWS_REGION: 'us-east-1' }).DYNAMODB_ENDPOINT).toBeUndefined();
  });
});

describe('the search function', () => {
  const complete = {
    OPENSEARCH_URL: 'https://search.example',
    OPENSEARCH_AUTH: 'none',
    SEARCH_INDEX_ALIAS: 'programs',
    AWS_REGION: 'us-east-1',
    CURSOR_SIGNING_KEY: 'k'.repeat(43),
  };

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  function stubEnvironment(env: Record<string, string | undefined>) {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  }

  it('loads with the settings the stack gives it (nothing is reached at load)', async () => {
    stubEnvironment(complete);
    vi.resetModules();
    await expect(import('../../functions/handlers/search-programs')).resolves.toHaveProperty('handler');
  });

  // Before, a missing OPENSEARCH_URL meant http://127.0.0.1:9200, unsigned: a cold start that
  // succeeded and every search failing later.
  it.each(['OPENSEARCH_URL', 'OPENSEARCH_AUTH', 'SEARCH_INDEX_ALIAS', 'CURSOR_SIGNING_KEY'])('fails its cold start without %s, naming it', async (variable) => {
    stubEnvironment({ ...complete, [variable]: undefined });
    vi.resetModules();
    await expect(import('../../functions/handlers/search-programs')).rejects.toThrow(new RegExp(`Invalid configuration: .*\\b${variable}\\b`));
  });
});
