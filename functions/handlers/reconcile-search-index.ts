import { DynamoDbProgramStore } from '../adapters/dynamodb/dynamodb-program-store';
import { ensureSearchIndex } from '../adapters/opensearch/index-admin';
import { OpenSearchIndexAudit } from '../adapters/opensearch/opensearch-index-audit';
import { OpenSearchSearchIndex } from '../adapters/opensearch/opensearch-search-index';
import { loadReconcileConfig } from '../config/reconcile-config';
import { documentClient, dynamoDbConfig } from './composition/dynamodb-runtime';
import { openSearchClient, openSearchConfig } from './composition/opensearch-runtime';
import { reconcileHandler, type ReconcileHandlerDependencies } from './factories/reconcile-search-index';

const alias = openSearchConfig.SEARCH_INDEX_ALIAS;

const dependencies: ReconcileHandlerDependencies = {
  store: new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
  index: new OpenSearchSearchIndex(openSearchClient, alias),
  audit: new OpenSearchIndexAudit(openSearchClient, alias),
  prepare: () => ensureSearchIndex(openSearchClient, alias),
  settleMs: loadReconcileConfig(process.env).RECONCILE_SETTLE_SECONDS * 1000,
};

export const handler = reconcileHandler(() => dependencies);
