import { Duration } from 'aws-cdk-lib';
import type { FunctionEnvironment } from '../../functions/config/environment-variables';

/**
 * How long a function's OpenSearch client waits, derived from the function's own timeout so a
 * slow or unreachable domain ends as the function's 503 (`DependencyUnavailableError`) rather than
 * as a Lambda timeout (a 5xx without the contract's body, and a whole timeout of billed waiting).
 *
 * The client tries a request `maxRetries + 1` times (on connection errors, timeouts and 502-504),
 * each attempt up to `requestTimeout`; together they may use `share` of the function's timeout,
 * leaving the rest for the cold start, the table and the answer. No single request waits longer
 * than `maxRequestTimeout`, however long the function may run (the reconciliation's 15 minutes).
 */
export const openSearchClientBudget = {
  share: 0.6,
  maxRetries: 1,
  maxRequestTimeout: Duration.seconds(30),
  /** Below this an ordinary request could not complete; a function this short has no business with OpenSearch. */
  minRequestTimeout: Duration.seconds(1),
} as const;

export interface OpenSearchClientSettings {
  /** Per attempt, in milliseconds (`OPENSEARCH_REQUEST_TIMEOUT_MS`). */
  readonly requestTimeoutMs: number;
  /** Attempts after the first (`OPENSEARCH_MAX_RETRIES`). */
  readonly maxRetries: number;
}

export function openSearchClientSettings(functionTimeout: Duration): OpenSearchClientSettings {
  const { share, maxRetries, maxRequestTimeout, minRequestTimeout } = openSearchClientBudget;
  const attempts = maxRetries + 1;
  const requestTimeoutMs = Math.min(maxRequestTimeout.toMilliseconds(), Math.floor((functionTimeout.toMilliseconds() * share) / attempts));
  if (requestTimeoutMs < minRequestTimeout.toMilliseconds()) {
    throw new Error(
      `A function timeout of ${functionTimeout.toHumanString()} leaves ${requestTimeoutMs} ms per OpenSearch attempt; give the function at least ` +
        `${Math.ceil((minRequestTimeout.toMilliseconds() * attempts) / share / 1000)} seconds`,
    );
  }
  return { requestTimeoutMs, maxRetries };
}

/** The environment variables `functions/config/opensearch-config.ts` reads. */
export function openSearchClientEnvironment(functionTimeout: Duration): FunctionEnvironment {
  const settings = openSearchClientSettings(functionTimeout);
  return { OPENSEARCH_REQUEST_TIMEOUT_MS: String(settings.requestTimeoutMs), OPENSEARCH_MAX_RETRIES: String(settings.maxRetries) };
}
