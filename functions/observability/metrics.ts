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

/**
 * Outcome of one reconciliation run. `DriftRepaired` is the alarm's metric: anything above 0 means
 * search was missing changes the stream should have delivered. `DriftUnrepaired` is drift left in
 * place; 0 is emitted too, so a dashboard shows each run.
 */
export function recordReconciliation(metrics: Metrics, summary: { scanned: number; missing: number; stale: number; extra: number; repaired: number; failed: number }): void {
  metrics.addMetric('ReconciledItems', MetricUnit.Count, summary.scanned);
  metrics.addMetric('DriftFound', MetricUnit.Count, summary.missing + summary.stale + summary.extra);
  metrics.addMetric('DriftRepaired', MetricUnit.Count, summary.repaired);
  metrics.addMetric('DriftUnrepaired', MetricUnit.Count, summary.failed);
}

/**
 * One self sign-up the pre sign-up trigger screened (service `screen-sign-up`): `SignUpAttempts`
 * for each, `SignUpsRefused` for each the policy refused (its reason goes to the log line, not a
 * dimension: one metric, not five). The per-pool sign-up rate alarm reads `SignUpAttempts`.
 */
export function recordSignUpScreen(metrics: Metrics, outcome: 'accepted' | 'refused'): void {
  metrics.addMetric('SignUpAttempts', MetricUnit.Count, 1);
  if (outcome === 'refused') metrics.addMetric('SignUpsRefused', MetricUnit.Count, 1);
}

/** Reviewer tokens refused because the account has no authenticator app (service `require-reviewer-mfa`); alarmed on the first. */
export function recordReviewerTokenRefused(metrics: Metrics): void {
  metrics.addMetric('ReviewerTokensRefused', MetricUnit.Count, 1);
}

/**
 * A user-pool trigger that failed for a reason other than its policy (the table or Cognito
 * unreachable, an event it cannot read): the sign-up or sign-in failed with it. Refusals also end
 * as invocation errors, which is why the trigger alarms read this, not Lambda's Errors.
 */
export function recordTriggerFailure(metrics: Metrics): void {
  metrics.addMetric('TriggerFailures', MetricUnit.Count, 1);
}
