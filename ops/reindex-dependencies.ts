import { DynamoDbProgramStore } from '../functions/adapters/dynamodb/dynamodb-program-store';
import {
  countDocuments,
  createBulkLoadIndex,
  deleteIndex,
  finishBulkLoad,
  indicesBehindAlias,
  refreshSearchIndex,
  swapAlias,
} from '../functions/adapters/opensearch/index-admin';
import { OpenSearchSearchIndex } from '../functions/adapters/opensearch/opensearch-search-index';
import type { ReindexDependencies } from '../functions/use-cases/reindex-programs';
import { stackClients, type StackClients } from '../cli/stack-clients';

/** Composition root of the reindex, on the stack this process works on (cli/stack-clients.ts). */
export function reindexDependencies({ documentClient, dynamoDbConfig, openSearchClient, openSearchConfig }: StackClients = stackClients()): ReindexDependencies {
  const alias = openSearchConfig.SEARCH_INDEX_ALIAS;
  return {
  store: new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
  admin: {
    current: () => indicesBehindAlias(openSearchClient, alias),
    createBulkLoadIndex: () => createBulkLoadIndex(openSearchClient, alias),
    // The stream's own bulk writer, aimed at one concrete index: same documents, same external versions.
    apply: (index, changes) => new OpenSearchSearchIndex(openSearchClient, index).apply(changes),
    finishBulkLoad: (index) => finishBulkLoad(openSearchClient, index),
    count: (index) => countDocuments(openSearchClient, index),
    refresh: (index) => refreshSearchIndex(openSearchClient, index),
    swap: (from, to) => swapAlias(openSearchClient, alias, from, to),
    delete: (index) => deleteIndex(openSearchClient, index),
  },
  };
}
