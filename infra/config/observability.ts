import { Duration } from 'aws-cdk-lib';

/**
 * The account AWS publishes the Powertools for AWS Lambda (TypeScript) layer from, in every
 * commercial region (docs: getting-started/lambda-layers).
 */
export const POWERTOOLS_LAYER_ACCOUNT = '094274105915';

/**
 * Layer version 44 of AWSLambdaPowertoolsTypeScriptV2 (the newest the Powertools docs list); keep it
 * in step with the @aws-lambda-powertools/* version in package-lock.json, since tests and the
 * local stack run that copy while Lambda runs the layer's.
 */
export const POWERTOOLS_LAYER_VERSION = 44;

/** Bundles leave these out: the layer provides them at runtime (the X-Ray SDK alone would not fit the search bundle's budget). */
export const POWERTOOLS_EXTERNALS = ['@aws-lambda-powertools/*'] as const;

export function powertoolsLayerArn(region: string, version: number): string {
  return `arn:aws:lambda:${region}:${POWERTOOLS_LAYER_ACCOUNT}:layer:AWSLambdaPowertoolsTypeScriptV2:${version}`;
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
  readonly period: Duration;
  /** Consecutive breaching periods before the alarm fires: one spike should not page anyone. */
  readonly evaluationPeriods: number;
}

export interface ObservabilityConfig {
  readonly powertoolsLayerVersion: number;
  readonly alarms: AlarmThresholds;
}

// Dev tolerates more: a single t3.small node and deploy-time restarts would otherwise page daily.
export const devObservability: ObservabilityConfig = {
  powertoolsLayerVersion: POWERTOOLS_LAYER_VERSION,
  alarms: {
    functionErrors: 5,
    functionThrottles: 5,
    iteratorAge: Duration.minutes(15),
    api5xxRate: 0.05,
    apiLatencyP99: Duration.seconds(3),
    // A quarter of the 10 GiB volume.
    searchFreeStorageMiB: 2560,
    period: Duration.minutes(5),
    evaluationPeriods: 3,
  },
};

export const prodObservability: ObservabilityConfig = {
  powertoolsLayerVersion: POWERTOOLS_LAYER_VERSION,
  alarms: {
    functionErrors: 1,
    functionThrottles: 1,
    // The stream mapping gives up on records older than an hour; page well before that.
    iteratorAge: Duration.minutes(5),
    api5xxRate: 0.01,
    apiLatencyP99: Duration.seconds(1),
    // A quarter of the 20 GiB volume per node.
    searchFreeStorageMiB: 5120,
    period: Duration.minutes(1),
    evaluationPeriods: 5,
  },
};
