import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { openSearchClientOptions } from '../../functions/adapters/opensearch/client';
import { loadOpenSearchConfig } from '../../functions/config/opensearch-config';

/** What every OpenSearch configuration must name (functions/config/opensearch-config.ts has no defaults for them). */
const REQUIRED = { OPENSEARCH_URL: 'http://127.0.0.1:9200', OPENSEARCH_AUTH: 'none', SEARCH_INDEX_ALIAS: 'programs', AWS_REGION: 'us-east-1' };
import { openSearchClientEnvironment, openSearchClientSettings } from '../../infra/config/opensearch-client';
import { stageConfig } from '../../infra/config/stages';

describe('OpenSearch client timeouts', () => {
  it('come from the environment the stack sets, as numbers', () => {
    const config = loadOpenSearchConfig({ ...REQUIRED, OPENSEARCH_URL: 'https://search.example', OPENSEARCH_AUTH: 'sigv4', OPENSEARCH_REQUEST_TIMEOUT_MS: '3000', OPENSEARCH_MAX_RETRIES: '1' });
    expect(config).toMatchObject({ OPENSEARCH_REQUEST_TIMEOUT_MS: 3000, OPENSEARCH_MAX_RETRIES: 1 });
    const options = openSearchClientOptions(config);
    expect(options).toMatchObject({ node: 'https://search.example', requestTimeout: 3000, maxRetries: 1 });
    // Signed in AWS: the signer's connection class replaces the plain one.
    expect(options.Connection).toBeDefined();
  });

  it("default to the client's own 30 s and 3 retries where nothing sets them (the local stack and the command-line tools)", () => {
    const config = loadOpenSearchConfig(REQUIRED);
    expect(config).toMatchObject({ OPENSEARCH_AUTH: 'none', OPENSEARCH_REQUEST_TIMEOUT_MS: 30_000, OPENSEARCH_MAX_RETRIES: 3 });
    const options = openSearchClientOptions(config);
    expect(options).toEqual({ node: 'http://127.0.0.1:9200', requestTimeout: 30_000, maxRetries: 3 });
  });

  it('refuse values that are not whole numbers in range, naming the variable', () => {
    expect(() => loadOpenSearchConfig({ ...REQUIRED, OPENSEARCH_REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/OPENSEARCH_REQUEST_TIMEOUT_MS/);
    expect(() => loadOpenSearchConfig({ ...REQUIRED, OPENSEARCH_REQUEST_TIMEOUT_MS: '10' })).toThrow(/OPENSEARCH_REQUEST_TIMEOUT_MS/);
    expect(() => loadOpenSearchConfig({ ...REQUIRED, OPENSEARCH_MAX_RETRIES: '-1' })).toThrow(/OPENSEARCH_MAX_RETRIES/);
    expect(() => loadOpenSearchConfig({ ...REQUIRED, OPENSEARCH_MAX_RETRIES: '1.5' })).toThrow(/OPENSEARCH_MAX_RETRIES/);
  });

  it('are derived from the function timeout: all attempts within 60% of it, no attempt over 30 s', () => {
    expect(openSearchClientSettings(Duration.seconds(10))).toEqual({ requestTimeoutMs: 3000, maxRetries: 1 });
    expect(openSearchClientSettings(Duration.seconds(30))).toEqual({ requestTimeoutMs: 9000, maxRetries: 1 });
    expect(openSearchClientSettings(Duration.seconds(60))).toEqual({ requestTimeoutMs: 18_000, maxRetries: 1 });
    expect(openSearchClientSettings(Duration.minutes(15))).toEqual({ requestTimeoutMs: 30_000, maxRetries: 1 });
    expect(openSearchClientEnvironment(Duration.seconds(10))).toEqual({ OPENSEARCH_REQUEST_TIMEOUT_MS: '3000', OPENSEARCH_MAX_RETRIES: '1' });
    // Too short to wait on OpenSearch at all: refused at synthesis, not discovered in production.
    expect(() => openSearchClientSettings(Duration.seconds(3))).toThrow(/at least 4 seconds/);
  });

  it('round-trip: what the stack sets is what the function parses, shorter than each configured function timeout', () => {
    for (const stage of ['dev', 'prod'] as const) {
      for (const [name, sizing] of Object.entries(stageConfig(stage).functions)) {
        if (sizing.timeout.toSeconds() < 4) continue;
        const parsed = loadOpenSearchConfig({ ...REQUIRED, ...openSearchClientEnvironment(sizing.timeout) });
        expect(parsed.OPENSEARCH_REQUEST_TIMEOUT_MS * (parsed.OPENSEARCH_MAX_RETRIES + 1), name).toBeLessThan(sizing.timeout.toMilliseconds());
      }
    }
  });
});
