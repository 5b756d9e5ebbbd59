import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';

/**
 * What a search did, as metrics: measured at the handler edge so the domain and use case stay free
 * of telemetry. A zero-result search is a count of 1 (not a 0/1 gauge) so Sum over a period is
 * directly "searches that found nothing".
 */
export function recordSearch(metrics: Metrics, startedAt: number, total: number, now: number = performance.now()): void {
  metrics.addMetric('SearchLatency', MetricUnit.Milliseconds, now - startedAt);
  metrics.addMetric('ResultsCount', MetricUnit.Count, total);
  if (total === 0) metrics.addMetric('ZeroResultSearches', MetricUnit.Count, 1);
}

/** Outcome of one stream batch: records applied to the index and records handed back for retry. */
export function recordIndexing(metrics: Metrics, indexed: number, failed: number): void {
  metrics.addMetric('IndexedRecords', MetricUnit.Count, indexed);
  metrics.addMetric('FailedRecords', MetricUnit.Count, failed);
}

/** Rows of one import by outcome, so the dashboard's ImportRows widget and alarms have data. */
export function recordImport(metrics: Metrics, summary: { rows: number; accepted: number; rejected: number; written: number }): void {
  metrics.addMetric('ImportRows', MetricUnit.Count, summary.rows);
  metrics.addMetric('ImportRowsAccepted', MetricUnit.Count, summary.accepted);
  metrics.addMetric('ImportRowsRejected', MetricUnit.Count, summary.rejected);
  metrics.addMetric('ImportRowsWritten', MetricUnit.Count, summary.written);
}
