import { DynamoDbProgramStore } from '../functions/adapters/dynamodb/dynamodb-program-store';
import { ensureSearchIndex, refreshSearchIndex } from '../functions/adapters/opensearch/index-admin';
import { OpenSearchIndexAudit } from '../functions/adapters/opensearch/opensearch-index-audit';
import { OpenSearchSearchIndex } from '../functions/adapters/opensearch/opensearch-search-index';
import type { ReconcileDependencies } from '../functions/use-cases/reconcile-search-index';
import { stackClients, type StackClients } from '../cli/stack-clients';

/** Composition root of the reconciliation outside Lambda, on the stack this process works on (cli/stack-clients.ts). */
export function reconcileDependencies(
  { documentClient, dynamoDbConfig, openSearchClient, openSearchConfig }: StackClients = stackClients(),
): ReconcileDependencies & { prepare(): Promise<void>; refresh(): Promise<void> } {
  const alias = openSearchConfig.SEARCH_INDEX_ALIAS;
  return {
  store: new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
  // The stream indexer's own writer: repairs carry the same documents and external versions.
  index: new OpenSearchSearchIndex(openSearchClient, alias),
  audit: new OpenSearchIndexAudit(openSearchClient, alias),
  prepare: () => ensureSearchIndex(openSearchClient, alias),
  refresh: () => refreshSearchIndex(openSearchClient, alias),
  };
}
