import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import type { OpenSearchConfig } from '../../config/opensearch-config';

/**
 * The client's options for a configuration: where, how long each attempt may take and how often
 * it is retried, and (in AWS) SigV4 signing. Credentials come from the SDK's Node.js provider chain
 * (`defaultProvider`, which `fromNodeProviderChain` of @aws-sdk/credential-providers wraps):
 * environment, SSO, the shared config and credentials files (profiles, `role_arn` with
 * `source_profile`), credential processes, web identity, then the container or instance role. In
 * Lambda that is the function's role; for an operator, `AWS_PROFILE`. Nothing is ever filled in.
 */
export function openSearchClientOptions(config: OpenSearchConfig): ClientOptions {
  const common: ClientOptions = {
    node: config.OPENSEARCH_URL,
    requestTimeout: config.OPENSEARCH_REQUEST_TIMEOUT_MS,
    maxRetries: config.OPENSEARCH_MAX_RETRIES,
  };
  if (config.OPENSEARCH_AUTH === 'none') return common;
  return {
    ...common,
    ...AwsSigv4Signer({
      region: config.AWS_REGION,
      // Amazon OpenSearch Service domains (not Serverless collections) sign as `es`.
      service: 'es',
      getCredentials: defaultProvider(),
    }),
  };
}

/** Make one per process (the composition modules do): its connection pool keeps sockets warm across invocations. */
export function createOpenSearchClient(config: OpenSearchConfig): Client {
  return new Client(openSearchClientOptions(config));
}
