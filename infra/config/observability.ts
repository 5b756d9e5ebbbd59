import { Duration } from 'aws-cdk-lib';
import type { DirectoryFunctionName } from './functions';
import { deployTimeParameter } from './parameters';

/**
 * The Powertools for AWS Lambda (TypeScript) release the functions run: the layer must carry the
 * same release as the @aws-lambda-powertools/* packages in package-lock.json, since tests and the
 * local stack run that copy while Lambda runs the layer's (tests/infra/monitoring.test.ts compares
 * them). Bump both together.
 */
export const POWERTOOLS_RELEASE = '2.36.0';

/**
 * The public SSM parameter AWS publishes for each Powertools release, in every commercial region,
 * holding that release's layer version ARN (Powertools docs, getting-started/lambda-layers, "Lookup
 * Layer ARN via AWS SSM Parameter Store"). It is the mapping from release to layer version: the
 * layer's own version number (AWSLambdaPowertoolsTypeScriptV2:<n>) counts publications, not
 * releases, so no formula turns one into the other, and a number copied from the docs by hand can
 * silently name another release. The parameter's ARN also carries the region's own partition and
 * publishing account (GovCloud and China publish from other accounts than 094274105915).
 */
export function powertoolsLayerParameterName(release: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(release)) throw new Error(`Not a Powertools release: ${JSON.stringify(release)}`);
  return `/aws/service/powertools/typescript/generic/all/${release}`;
}

/** Bundles leave these out: the layer provides them at runtime (the X-Ray SDK alone would not fit the search bundle's budget). */
export const POWERTOOLS_EXTERNALS = ['@aws-lambda-powertools/*'] as const;

/**
 * The layer version ARN of a release, as a dynamic reference CloudFormation resolves at deploy time
 * in the stack's own region and partition; a release without a published parameter fails the
 * deploy, naming it. Synthesis stays offline.
 */
export function powertoolsLayerArn(release: string): string {
  return deployTimeParameter(powertoolsLayerParameterName(release));
}

export interface AlarmThresholds {
  /** Function errors (uncaught, i.e. invocation failures) in one period, per function. */
  readonly functionErrors: number;
  /** Throttled invocations in one period, per function. */
  readonly functionThrottles: number;
  /** Age of the newest record the indexer has read, maximum over a period: how stale search is. */
  readonly iteratorAge: Duration;
  /** Share of API responses that are 5xx, 0-1. */
  readonly api5xxRate: number;
  /** p99 of the API's end-to-end latency. */
  readonly apiLatencyP99: Duration;
  /** Minimum free storage of the domain's smallest node, in MiB (the metric's unit). */
  readonly searchFreeStorageMiB: number;
  /** JVM memory pressure of the busiest data node, %: OpenSearch's circuit breakers refuse requests at 95. */
  readonly searchJvmMemoryPressurePercent: number;
  /** CPU of the busiest data node, %, sustained over `searchCpuPeriods` periods of 15 minutes. */
  readonly searchCpuPercent: number;
  readonly searchCpuPeriods: number;
  /** Dedicated master nodes (where the stage has them): CPU over 3 periods of 15 minutes, and JVM memory pressure, %. */
  readonly searchMasterCpuPercent: number;
  readonly searchMasterJvmMemoryPressurePercent: number;
  /** Share of API responses that are 4xx, 0-1, in a period with at least `api4xxMinRequests` requests. */
  readonly api4xxRate: number;
  readonly api4xxMinRequests: number;
  /** 429 responses in one period: API Gateway's stage throttle, or a route's own limit (reports, listings). */
  readonly api429: number;
  /** Read and write throttle events of the table and its indexes in one period (the SDK retries them first). */
  readonly tableThrottles: number;
  readonly period: Duration;
  /** Consecutive breaching periods before the alarm fires: one spike should not page anyone. */
  readonly evaluationPeriods: number;
}

/** Where the alarm topic delivers: an address that confirms the subscription, or an HTTPS endpoint (a chat or paging webhook). */
export interface AlarmSubscription {
  readonly protocol: 'email' | 'https';
  /** The address or URL; usually a deployTimeParameter(...), so no personal address is in the repository or a template. */
  readonly endpoint: string;
}

export interface ObservabilityConfig {
  /** The Powertools release whose public layer the functions use (POWERTOOLS_RELEASE). */
  readonly powertoolsRelease: string;
  readonly alarms: AlarmThresholds;
  /**
   * Subscribed to the alarm topic by the stack; at least one in every stage (synthesis fails
   * otherwise): an alarm nobody receives is no alarm. An email subscription delivers nothing until
   * its recipient confirms it, so confirm after the first deploy (README "Before the first deploy").
   */
  readonly alarmSubscriptions: readonly AlarmSubscription[];
}

/**
 * Low-traffic functions whose Errors alarm fires on the first failed invocation (threshold 0, one
 * period) instead of waiting for errors in several consecutive periods, which a function called a
 * few times a day never produces: a reviewer's approval or rejection that failed, an import that
 * failed. The daily expiry summary and the hourly reconciliation have first-failure alarms of their
 * own (ExpiryWatch; `search-drift-unrepaired` counts the reconciliation's errors).
 */
export const firstErrorFunctions: readonly DirectoryFunctionName[] = ['approve-listing', 'reject-listing', 'import-from-s3'];

// Dev tolerates more: a single t3.small node and deploy-time restarts would otherwise page daily.
export const devObservability: ObservabilityConfig = {
  powertoolsRelease: POWERTOOLS_RELEASE,
  alarms: {
    functionErrors: 5,
    functionThrottles: 5,
    iteratorAge: Duration.minutes(15),
    api5xxRate: 0.05,
    apiLatencyP99: Duration.seconds(3),
    // A quarter of the 10 GiB volume.
    searchFreeStorageMiB: 2560,
    // A t3.small has a 1 GiB heap that sits high; only the last stretch before the breakers matters.
    searchJvmMemoryPressurePercent: 92,
    // Burstable: sustained load spends its CPU credits, after which it crawls.
    searchCpuPercent: 90,
    searchCpuPeriods: 3,
    searchMasterCpuPercent: 50,
    searchMasterJvmMemoryPressurePercent: 95,
    api4xxRate: 0.3,
    api4xxMinRequests: 20,
    api429: 50,
    tableThrottles: 10,
    period: Duration.minutes(5),
    evaluationPeriods: 3,
  },
  alarmSubscriptions: [{ protocol: 'email', endpoint: deployTimeParameter('/iop-directory-dev/alarm-email') }],
};

export const prodObservability: ObservabilityConfig = {
  powertoolsRelease: POWERTOOLS_RELEASE,
  alarms: {
    functionErrors: 1,
    functionThrottles: 1,
    // The stream mapping gives up on records older than an hour; page well before that.
    iteratorAge: Duration.minutes(5),
    api5xxRate: 0.01,
    apiLatencyP99: Duration.seconds(1),
    // A quarter of the 20 GiB volume per node.
    searchFreeStorageMiB: 5120,
    // AWS's recommended thresholds: JVM pressure well before the 95% breakers, CPU 80% for 45 minutes,
    // dedicated masters 50% CPU for 45 minutes and 95% JVM pressure.
    searchJvmMemoryPressurePercent: 85,
    searchCpuPercent: 80,
    searchCpuPeriods: 3,
    searchMasterCpuPercent: 50,
    searchMasterJvmMemoryPressurePercent: 95,
    // 404s of stale links and 401s of expired tokens are normal; a fifth of all answers for five
    // minutes is a broken client release or someone probing.
    api4xxRate: 0.2,
    api4xxMinRequests: 50,
    api429: 10,
    // On-demand tables throttle past twice their previous peak or on a hot key: any, sustained.
    tableThrottles: 0,
    period: Duration.minutes(1),
    evaluationPeriods: 5,
  },
  alarmSubscriptions: [{ protocol: 'email', endpoint: deployTimeParameter('/iop-directory-prod/alarm-email') }],
};
