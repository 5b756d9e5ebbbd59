import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { documentClient } from '../adapters/dynamodb/client';
import { DynamoDbProgramStore } from '../adapters/dynamodb/dynamodb-program-store';
import { openSearchClient } from '../adapters/opensearch/client';
import { ensureSearchIndex } from '../adapters/opensearch/index-admin';
import { OpenSearchIndexAudit } from '../adapters/opensearch/opensearch-index-audit';
import { OpenSearchSearchIndex } from '../adapters/opensearch/opensearch-search-index';
import { parseEnv } from '../config/env';
import { dynamoDbConfig } from '../config/dynamodb-config';
import { openSearchConfig } from '../config/opensearch-config';
import { recordReconciliation } from '../observability/metrics';
import { observability } from '../observability/observability';
import { telemetryFor } from '../observability/telemetry';
import { reconcileSearchIndex, type ReconcileDependencies, type ReconcileSummary } from '../use-cases/reconcile-search-index';

/** Set by the API stack (infra/config/reconciliation.ts). */
const reconcileConfigSchema = z.object({
  /** Changes younger than this are the stream's to deliver, not drift. */
  RECONCILE_SETTLE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(900),
});

export interface ReconcileHandlerDependencies extends ReconcileDependencies {
  /** Makes sure the alias exists, as the stream indexer does before its first write. */
  prepare(): Promise<void>;
  settleMs: number;
}

export type ReconcileResult = Omit<ReconcileSummary, 'malformed'> & { malformed: number };

/**
 * The scheduled reconciliation: repairs what the search index lacks or holds wrongly compared
 * with the table, and reports it as metrics (`DriftRepaired` has an alarm). Drift it cannot repair
 * is a metric and a log line, not a thrown error: rerunning would meet the same documents, and the
 * next scheduled run retries them anyway. A run that cannot finish (an engine down) throws.
 */
export function reconcileHandler(deps: () => ReconcileHandlerDependencies) {
  const { logger, metrics } = telemetryFor('reconcile-search-index');
  return middy<unknown, ReconcileResult, Error, Context>()
    .use(observability({ service: 'reconcile-search-index' }))
    .handler(async () => {
      const dependencies = deps();
      await dependencies.prepare();
      const summary = await reconcileSearchIndex(dependencies, { settleMs: dependencies.settleMs });
      recordReconciliation(metrics, summary);
      const result: ReconcileResult = { ...summary, malformed: summary.malformed.length };
      for (const item of summary.malformed) logger.warn('Stored item cannot be indexed', { ...item });
      if (summary.failed > 0) logger.error('Drift left unrepaired', { ...result });
      else if (summary.missing + summary.stale + summary.extra > 0) logger.warn('Search index drift repaired', { ...result });
      else logger.info('Search index matches the table', { ...result });
      return result;
    });
}

// Built on the first invocation, so importing this module (tests, the local stack) reads no settings.
let dependencies: ReconcileHandlerDependencies | undefined;

export const handler = reconcileHandler(() => {
  if (!dependencies) {
    const config = parseEnv(reconcileConfigSchema);
    const alias = openSearchConfig.SEARCH_INDEX_ALIAS;
    dependencies = {
      store: new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
      index: new OpenSearchSearchIndex(openSearchClient, alias),
      audit: new OpenSearchIndexAudit(openSearchClient, alias),
      prepare: () => ensureSearchIndex(openSearchClient, alias),
      settleMs: config.RECONCILE_SETTLE_SECONDS * 1000,
    };
  }
  return dependencies;
});
