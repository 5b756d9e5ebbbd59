import { Duration } from 'aws-cdk-lib';

/** The daily expiry watch (functions/handlers/expiry-summary.ts), the same in every stage. */
export const expiryWatch = {
  /** Days ahead the summary looks (`EXPIRY_WINDOW_DAYS`); the route's default `within` too. */
  windowDays: 60,
  /** Every day at 12:00 UTC (07:00 or 08:00 on the US east coast): before the reviewers' working day. */
  schedule: { hourUtc: '12', minute: '0' },
  /** EventBridge retries a failed invocation request (not a failed run) this often within this age. */
  retryAttempts: 3,
  maxEventAge: Duration.hours(2),
  /** A failed run is an alarm at once: the next run is a day away. */
  failurePeriod: Duration.hours(1),
} as const;
