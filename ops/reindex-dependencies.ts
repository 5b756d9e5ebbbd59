import { documentClient } from '../functions/adapters/dynamodb/client';
import { DynamoDbProgramStore } from '../functions/adapters/dynamodb/dynamodb-program-store';
import { openSearchClient } from '../functions/adapters/opensearch/client';
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
import { dynamoDbConfig } from '../functions/config/dynamodb-config';
import { openSearchConfig } from '../functions/config/opensearch-config';
import type { ReindexDependencies } from '../functions/use-cases/reindex-programs';

const alias = openSearchConfig.SEARCH_INDEX_ALIAS;

/** Composition root of the reindex; loaded only after the environment points at the stack. */
export const reindexDependencies: ReindexDependencies = {
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
