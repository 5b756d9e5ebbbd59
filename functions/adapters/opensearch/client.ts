import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { openSearchConfig } from '../../config/opensearch-config';

function createClient(): Client {
  const node = openSearchConfig.OPENSEARCH_URL;
  if (openSearchConfig.OPENSEARCH_AUTH === 'none') return new Client({ node });
  return new Client({
    node,
    ...AwsSigv4Signer({
      region: openSearchConfig.AWS_REGION,
      // Amazon OpenSearch Service domains (not Serverless collections) sign as `es`.
      service: 'es',
      getCredentials: defaultProvider(),
    }),
  });
}

/** One client per process: its connection pool keeps sockets warm across invocations. */
export const openSearchClient = createClient();
