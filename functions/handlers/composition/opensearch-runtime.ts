import { createOpenSearchClient } from '../../adapters/opensearch/client';
import { loadOpenSearchConfig } from '../../config/opensearch-config';

/**
 * The OpenSearch settings and client of a Lambda function, read from its environment once, when
 * the module loads: a function deployed without OPENSEARCH_URL (or any other setting it needs)
 * fails its cold start naming the variable. One client per process, so its connection pool keeps
 * sockets warm across invocations. Only handlers import this; tools and tests build their own
 * from load functions and factories.
 */
export const openSearchConfig = loadOpenSearchConfig(process.env);
export const openSearchClient = createOpenSearchClient(openSearchConfig);
