import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { recordReconciliation } from '../../observability/metrics';
import { observability } from '../../observability/observability';
import { telemetryFor } from '../../observability/telemetry';
import { reconcileSearchIndex, type ReconcileDependencies, type ReconcileSummary } from '../../use-cases/reconcile-search-index';

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
