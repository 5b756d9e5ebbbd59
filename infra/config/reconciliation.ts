import { Duration } from 'aws-cdk-lib';

/**
 * The scheduled reconciliation of the search index with the table
 * (functions/handlers/reconcile-search-index.ts), the same in every stage.
 */
export const reconciliation = {
  /**
   * Hourly. The stream's own failures already page within minutes (failure-queue depth,
   * IteratorAge); this catches what raises no alarm: records past the stream's 24 hours, failure
   * notices nobody redrove, an indexer bug. An hour bounds how long a program can stay unfindable.
   * Each run reads the whole table once (a Scan, billed per 4 KB) and about one consistent read
   * per published document (the index pass): at the current ~19-30k items about 30k read units
   * ($0.004) and under a minute of Lambda, so $3 a month; at 1M items ~1.5M units, $0.19 a run,
   * $137 a month, where `rate(6 hours)` would be the better trade.
   */
  interval: Duration.hours(1),
  /**
   * Changes younger than this are left to the stream (`RECONCILE_SETTLE_SECONDS`): a healthy stream
   * delivers in seconds, and the dev IteratorAge alarm already fires at 15 minutes of lag.
   */
  settle: Duration.minutes(15),
  /** EventBridge retries a failed invocation request (not a failed run) this often within this age. */
  retryAttempts: 2,
  maxEventAge: Duration.hours(1),
} as const;
