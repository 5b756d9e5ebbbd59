import { documentClient } from '../functions/adapters/dynamodb/client';
import { DynamoDbProgramStore } from '../functions/adapters/dynamodb/dynamodb-program-store';
import { openSearchClient } from '../functions/adapters/opensearch/client';
import { ensureSearchIndex, refreshSearchIndex } from '../functions/adapters/opensearch/index-admin';
import { OpenSearchIndexAudit } from '../functions/adapters/opensearch/opensearch-index-audit';
import { OpenSearchSearchIndex } from '../functions/adapters/opensearch/opensearch-search-index';
import { dynamoDbConfig } from '../functions/config/dynamodb-config';
import { openSearchConfig } from '../functions/config/opensearch-config';
import type { ReconcileDependencies } from '../functions/use-cases/reconcile-search-index';

const alias = openSearchConfig.SEARCH_INDEX_ALIAS;

/** Composition root of the reconciliation outside Lambda; loaded only after the environment points at the stack. */
export const reconcileDependencies: ReconcileDependencies & { prepare(): Promise<void>; refresh(): Promise<void> } = {
  store: new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
  // The stream indexer's own writer: repairs carry the same documents and external versions.
  index: new OpenSearchSearchIndex(openSearchClient, alias),
  audit: new OpenSearchIndexAudit(openSearchClient, alias),
  prepare: () => ensureSearchIndex(openSearchClient, alias),
  refresh: () => refreshSearchIndex(openSearchClient, alias),
};
