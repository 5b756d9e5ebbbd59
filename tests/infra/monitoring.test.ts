import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryFunctionNames, type DirectoryFunctionName } from '../../infra/config/functions';
import { firstErrorFunctions, POWERTOOLS_RELEASE } from '../../infra/config/observability';
import { stages as stageConfigs } from '../../infra/config/stages';
import { userPoolTriggerNames } from '../../infra/config/user-pool-triggers';
import { repoRoot } from '../../infra/constructs/directory-function';
import { resourcesOfType, type CfnResource, synthesizeStagesBeforeAll, type SynthesizedStage } from './support/synth-stage';

const { stages, each } = synthesizeStagesBeforeAll();

interface AlarmProperties {
  AlarmName?: string;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Threshold?: number;
  ComparisonOperator?: string;
  EvaluationPeriods?: number;
  Period?: number;
  TreatMissingData?: string;
  Dimensions?: Array<{ Name: string; Value: unknown }>;
  Metrics?: Array<{
    Id: string;
    Expression?: string;
    ReturnData?: boolean;
    MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions?: Array<{ Name: string; Value: unknown }> }; Period?: number; Stat?: string };
  }>;
  AlarmActions?: unknown[];
}

function alarms(stage: SynthesizedStage): AlarmProperties[] {
  return resourcesOfType(stage.api, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties as AlarmProperties);
}

function logicalIdOf(stage: SynthesizedStage, construct: { node: { defaultChild?: unknown } }): string {
  return stage.stacks.api.getLogicalId(construct.node.defaultChild as never);
}

function functionId(stage: SynthesizedStage, name: DirectoryFunctionName): string {
  return logicalIdOf(stage, stage.stacks.api.functions[name].function);
}

const dimension = (alarm: AlarmProperties, name: string) => alarm.Dimensions?.find((d) => d.Name === name)?.Value;

function alarmNamed(stage: SynthesizedStage, name: string): AlarmProperties {
  const found = alarms(stage).filter((alarm) => alarm.AlarmName === `${stage.config.resourcePrefix}-${name}`);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

/** The metrics a metric-math alarm reads, by name. */
const metricsOf = (alarm: AlarmProperties) => (alarm.Metrics ?? []).flatMap((metric) => (metric.MetricStat ? [metric.MetricStat] : []));
const expressionOf = (alarm: AlarmProperties) => alarm.Metrics?.find((metric) => metric.Expression)?.Expression;

describe('alarms', () => {
  it("cover every function's Errors and Throttles", () => {
    for (const stage of each()) {
      for (const name of directoryFunctionNames) {
        const id = functionId(stage, name);
        for (const metricName of ['Errors', 'Throttles']) {
          const found = alarms(stage).filter(
            (alarm) => alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === metricName && JSON.stringify(dimension(alarm, 'FunctionName')) === JSON.stringify({ Ref: id }),
          );
          expect(found, `${stage.config.stage} ${name} ${metricName}`).toHaveLength(1);
          const firstError = metricName === 'Errors' && firstErrorFunctions.includes(name);
          const threshold = firstError ? 0 : metricName === 'Errors' ? stage.config.observability.alarms.functionErrors : stage.config.observability.alarms.functionThrottles;
          expect(found[0]?.Threshold).toBe(threshold);
          if (firstError) expect(found[0]?.EvaluationPeriods).toBe(1);
        }
      }
    }
  });

  it('fire on any message in the stream failure queue and in the import failure queue', () => {
    for (const stage of each()) {
      const dlq = alarms(stage).filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible');
      expect(dlq).toHaveLength(2);
      for (const queue of [stage.stacks.api.indexFailures, stage.stacks.api.importFailures]) {
        const queueId = logicalIdOf(stage, queue);
        const found = dlq.filter((alarm) => JSON.stringify(dimension(alarm, 'QueueName')) === JSON.stringify({ 'Fn::GetAtt': [queueId, 'QueueName'] }));
        expect(found, queueId).toHaveLength(1);
        expect(found[0]).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
      }
    }
  });

  it('fire on the first failure of the low-traffic functions: approve, reject, import, the expiry watch and the reconciliation', () => {
    expect([...firstErrorFunctions].sort()).toEqual(['approve-listing', 'import-from-s3', 'reject-listing']);
    for (const stage of each()) {
      for (const name of firstErrorFunctions) {
        expect(alarmNamed(stage, `${name}-errors`), name).toMatchObject({ MetricName: 'Errors', Statistic: 'Sum', Threshold: 0, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold' });
      }
      // The daily expiry summary and the hourly reconciliation: their own alarms, over their own run period.
      for (const [name, fn] of [['expiry-summary-failed', 'expiry-summary'], ['search-drift-unrepaired', 'reconcile-search-index']] as const) {
        const alarm = alarmNamed(stage, name);
        expect(alarm).toMatchObject({ Threshold: 0, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold' });
        const errors = metricsOf(alarm).find((metric) => metric.Metric.MetricName === 'Errors');
        expect(errors?.Metric.Dimensions, name).toEqual([{ Name: 'FunctionName', Value: { Ref: functionId(stage, fn) } }]);
        expect(expressionOf(alarm), name).toContain('FILL(errors, 0)');
      }
    }
  });

  it("watch the indexer's IteratorAge against the stage threshold", () => {
    for (const stage of each()) {
      const found = alarms(stage).filter((alarm) => alarm.MetricName === 'IteratorAge');
      expect(found).toHaveLength(1);
      expect(dimension(found[0]!, 'FunctionName')).toEqual({ Ref: functionId(stage, 'index-stream') });
      expect(found[0]).toMatchObject({ Statistic: 'Maximum', Threshold: stage.config.observability.alarms.iteratorAge.toMilliseconds() });
    }
  });

  it('watch the API 5xx rate (metric math over 5xx and Count) and p99 latency', () => {
    for (const stage of each()) {
      const rate = alarms(stage).filter((alarm) => alarm.Metrics?.some((metric) => metric.Expression?.includes('errors / requests')));
      expect(rate).toHaveLength(1);
      const used = rate[0]!.Metrics!.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Metric.MetricName] : [])).sort();
      expect(used).toEqual(['5xx', 'Count']);
      expect(rate[0]!.Threshold).toBe(stage.config.observability.alarms.api5xxRate);

      const latency = alarms(stage).filter((alarm) => alarm.Namespace === 'AWS/ApiGateway' && alarm.MetricName === 'Latency');
      expect(latency).toHaveLength(1);
      expect(latency[0]).toMatchObject({ ExtendedStatistic: 'p99', Threshold: stage.config.observability.alarms.apiLatencyP99.toMilliseconds() });
    }
  });

  it('watch OpenSearch cluster status (red, yellow) and free storage of the stage domain', () => {
    for (const stage of each()) {
      for (const metricName of ['ClusterStatus.red', 'ClusterStatus.yellow', 'FreeStorageSpace']) {
        const found = alarms(stage).filter((alarm) => alarm.Namespace === 'AWS/ES' && alarm.MetricName === metricName);
        expect(found, metricName).toHaveLength(1);
        expect(dimension(found[0]!, 'DomainName')).toBe(stage.config.search.domainName);
      }
      const storage = alarms(stage).find((alarm) => alarm.MetricName === 'FreeStorageSpace')!;
      expect(storage).toMatchObject({ Statistic: 'Minimum', ComparisonOperator: 'LessThanThreshold', Threshold: stage.config.observability.alarms.searchFreeStorageMiB });
    }
  });

  it("watch the domain's resources and health: JVM memory pressure, CPU, master health, writes blocked, node count, snapshots, rejections", () => {
    for (const stage of each()) {
      const thresholds = stage.config.observability.alarms;
      const domainMetric = (alarm: AlarmProperties) => {
        expect(alarm.Namespace).toBe('AWS/ES');
        expect(dimension(alarm, 'DomainName')).toBe(stage.config.search.domainName);
        return alarm;
      };
      expect(domainMetric(alarmNamed(stage, 'search-jvm-memory-pressure'))).toMatchObject({ MetricName: 'JVMMemoryPressure', Statistic: 'Maximum', Threshold: thresholds.searchJvmMemoryPressurePercent });
      expect(domainMetric(alarmNamed(stage, 'search-cpu'))).toMatchObject({
        MetricName: 'CPUUtilization',
        Statistic: 'Maximum',
        Period: 900,
        Threshold: thresholds.searchCpuPercent,
        EvaluationPeriods: thresholds.searchCpuPeriods,
      });
      expect(domainMetric(alarmNamed(stage, 'search-master-reachable'))).toMatchObject({
        MetricName: 'MasterReachableFromNode',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
      });
      expect(domainMetric(alarmNamed(stage, 'search-writes-blocked'))).toMatchObject({ MetricName: 'ClusterIndexWritesBlocked', Threshold: 0, EvaluationPeriods: 1 });
      const nodes = stage.config.search.dataNodes + (stage.config.search.dedicatedMasters?.count ?? 0);
      expect(domainMetric(alarmNamed(stage, 'search-nodes'))).toMatchObject({ MetricName: 'Nodes', Statistic: 'Maximum', Threshold: nodes, ComparisonOperator: 'LessThanThreshold' });
      expect(domainMetric(alarmNamed(stage, 'search-snapshot-failed'))).toMatchObject({ MetricName: 'AutomatedSnapshotFailure', Threshold: 0, EvaluationPeriods: 1 });
      for (const [name, metricName] of [['search-search-rejections', 'ThreadpoolSearchRejected'], ['search-write-rejections', 'ThreadpoolWriteRejected']]) {
        const alarm = alarmNamed(stage, name!);
        expect(metricsOf(alarm).map((metric) => metric.Metric.MetricName), name).toEqual([metricName]);
        // The increase of the counter, so it fires when rejections start even if the metric is cumulative.
        expect(expressionOf(alarm), name).toBe('DIFF(FILL(rejected, 0))');
        expect(alarm).toMatchObject({ Threshold: 0, EvaluationPeriods: 1 });
      }
      const masters = alarms(stage).filter((alarm) => ['MasterCPUUtilization', 'MasterJVMMemoryPressure'].includes(alarm.MetricName ?? ''));
      expect(masters, stage.config.stage).toHaveLength(stage.config.search.dedicatedMasters ? 2 : 0);
    }
    expect(stages.prod!.config.search.dedicatedMasters).toBeDefined();
  });

  it('watch DynamoDB throttles of the table and each of its indexes', () => {
    for (const stage of each()) {
      const alarm = alarmNamed(stage, 'table-throttles');
      const read = metricsOf(alarm).map((metric) => `${metric.Metric.MetricName} ${(metric.Metric.Dimensions ?? []).map((d) => d.Name).join('+')}`).sort();
      expect(read).toEqual(
        ['ReadThrottleEvents', 'WriteThrottleEvents'].flatMap((name) => [`${name} TableName`, `${name} GlobalSecondaryIndexName+TableName`, `${name} GlobalSecondaryIndexName+TableName`]).sort(),
      );
      const tableId = stage.stacks.stateful.getLogicalId(stage.stacks.stateful.table.node.defaultChild as never);
      for (const metric of metricsOf(alarm)) expect(JSON.stringify(metric.Metric.Dimensions)).toContain(tableId);
      expect(expressionOf(alarm)?.split(' + ')).toHaveLength(6);
      expect(alarm.Threshold).toBe(stage.config.observability.alarms.tableThrottles);
    }
  });

  it('watch API 4xx spikes (a rate, once there are enough requests) and 429s counted from the access log', () => {
    for (const stage of each()) {
      const thresholds = stage.config.observability.alarms;
      const rate = alarmNamed(stage, 'api-4xx-rate');
      expect(metricsOf(rate).map((metric) => metric.Metric.MetricName).sort()).toEqual(['4xx', 'Count']);
      expect(expressionOf(rate)).toBe(`IF(all_requests >= ${thresholds.api4xxMinRequests}, client_errors / all_requests, 0)`);
      expect(rate.Threshold).toBe(thresholds.api4xxRate);

      const filters = resourcesOfType(stage.api, 'AWS::Logs::MetricFilter');
      expect(filters).toHaveLength(1);
      expect(filters[0]![1].Properties).toMatchObject({
        FilterPattern: '{ $.status = "429" }',
        LogGroupName: { Ref: logicalIdOf(stage, stage.stacks.api.apiAccessLogs) },
        MetricTransformations: [{ MetricName: 'ApiRateLimited', MetricNamespace: 'IopDirectory', MetricValue: '1' }],
      });
      expect(alarmNamed(stage, 'api-429')).toMatchObject({ Namespace: 'IopDirectory', MetricName: 'ApiRateLimited', Statistic: 'Sum', Threshold: thresholds.api429 });
    }
  });

  it("watch the user pool: the hourly sign-up rate, refused reviewer tokens, and the triggers' failures and throttles", () => {
    for (const stage of each()) {
      expect(alarmNamed(stage, 'sign-up-rate')).toMatchObject({
        Namespace: 'IopDirectory',
        MetricName: 'SignUpAttempts',
        Dimensions: [{ Name: 'service', Value: 'screen-sign-up' }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: stage.config.auth.signUp.alarmAttemptsPerHour,
      });
      expect(alarmNamed(stage, 'reviewer-tokens-refused')).toMatchObject({
        MetricName: 'ReviewerTokensRefused',
        Dimensions: [{ Name: 'service', Value: 'require-reviewer-mfa' }],
        Threshold: 0,
        EvaluationPeriods: 1,
      });
      for (const name of userPoolTriggerNames) {
        expect(alarmNamed(stage, `${name}-failures`)).toMatchObject({ MetricName: 'TriggerFailures', Dimensions: [{ Name: 'service', Value: name }], Threshold: 0, EvaluationPeriods: 1 });
        const throttles = alarmNamed(stage, `${name}-throttles`);
        expect(throttles).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles' });
        // The trigger lives in the stateful stack: the dimension is a reference to its function name there.
        const fnId = stage.stacks.stateful.getLogicalId(stage.stacks.stateful.users.guards.functions[name].function.node.defaultChild as never);
        expect(JSON.stringify(dimension(throttles, 'FunctionName'))).toContain(fnId);
      }
    }
  });

  it("reach someone: the stage's endpoints are subscribed to the alarm topic, read from SSM at deploy time", () => {
    for (const stage of each()) {
      const topicId = logicalIdOf(stage, stage.stacks.api.monitoring.topic);
      const subscriptions = resourcesOfType(stage.api, 'AWS::SNS::Subscription').filter(([, subscription]) => JSON.stringify(subscription.Properties?.TopicArn) === JSON.stringify({ Ref: topicId }));
      const configured = stage.config.observability.alarmSubscriptions;
      expect(configured.length).toBeGreaterThan(0);
      expect(subscriptions.map(([, subscription]) => subscription.Properties)).toEqual(configured.map((entry) => ({ Protocol: entry.protocol, Endpoint: entry.endpoint, TopicArn: { Ref: topicId } })));
    }
    expect(stageConfigs.prod.observability.alarmSubscriptions).toEqual([{ protocol: 'email', endpoint: '{{resolve:ssm:/iop-directory-prod/alarm-email}}' }]);
    expect(stageConfigs.dev.observability.alarmSubscriptions).toEqual([{ protocol: 'email', endpoint: '{{resolve:ssm:/iop-directory-dev/alarm-email}}' }]);
  });

  it('all notify the one alarm topic, which is KMS-encrypted and refuses non-TLS publishers', () => {
    for (const stage of each()) {
      const topics = resourcesOfType(stage.api, 'AWS::SNS::Topic');
      // The alarm topic, and the expiry watch's summary topic (its own test covers it).
      expect(topics).toHaveLength(2);
      const alarmTopics = topics.filter(([, topic]) => String(topic.Properties?.TopicName).endsWith('-alarms'));
      expect(alarmTopics).toHaveLength(1);
      const [topicId, topic] = alarmTopics[0]!;
      expect(topic.Properties?.KmsMasterKeyId).toBeDefined();
      const found = alarms(stage);
      // Two per function, plus DLQ depth, iterator age, 5xx rate, p99 latency, red, yellow, free
      // storage, the daily expiry summary's own failure alarm, and the reconciliation's two (10);
      // the import DLQ; JVM, CPU, master reachable, writes blocked, nodes, snapshots and the two
      // rejections (8, and master CPU and JVM where there are dedicated masters); table throttles;
      // API 4xx rate and 429s; the sign-up rate, refused reviewer tokens, each trigger's failures and
      // throttles, and the reviewers-group watch's delivery (19 in all).
      const masters = stage.config.search.dedicatedMasters ? 2 : 0;
      expect(found.length).toBe(directoryFunctionNames.length * 2 + 10 + 19 + masters);
      for (const alarm of found) expect(alarm.AlarmActions, alarm.AlarmName).toEqual([{ Ref: topicId }]);

      const policies = resourcesOfType(stage.api, 'AWS::SNS::TopicPolicy').map(([, policy]) => JSON.stringify(policy.Properties));
      expect(policies.some((policy) => policy.includes('"aws:SecureTransport":"false"') && policy.includes('"Effect":"Deny"'))).toBe(true);
    }
  });
});

describe('dashboard', () => {
  it('shows search, indexing, import, API and OpenSearch health', () => {
    for (const stage of each()) {
      const dashboards = resourcesOfType(stage.api, 'AWS::CloudWatch::Dashboard');
      expect(dashboards).toHaveLength(1);
      const body = JSON.stringify(dashboards[0]![1].Properties?.DashboardBody);
      for (const metric of [
        'SearchLatency',
        'ResultsCount',
        'ZeroResultSearches',
        'IndexedRecords',
        'FailedRecords',
        'ImportRows',
        '4xx',
        '5xx',
        'ClusterStatus.red',
        'FreeStorageSpace',
        'JVMMemoryPressure',
        'CPUUtilization',
        'ReadThrottleEvents',
        'SignUpAttempts',
        'ReviewerTokensRefused',
      ]) {
        expect(body, metric).toContain(metric);
      }
      expect(body).toContain('p99');
      expect(body).toContain('IopDirectory');
    }
  });
});

describe('Powertools', () => {
  function functions(stage: SynthesizedStage): Array<[string, CfnResource]> {
    return resourcesOfType(stage.api, 'AWS::Lambda::Function');
  }

  it('comes from the public layer of the configured release, resolved in the stack\'s own region and partition, on every function', () => {
    for (const stage of each()) {
      const release = stage.config.observability.powertoolsRelease;
      for (const [id, fn] of functions(stage)) {
        expect(fn.Properties?.Layers, id).toEqual([`{{resolve:ssm:/aws/service/powertools/typescript/generic/all/${release}}}`]);
        // No hand-built ARN: its partition (arn:aws:) and account would be wrong outside the commercial partition.
        expect(JSON.stringify(fn.Properties?.Layers), id).not.toContain('arn:');
      }
    }
  });

  it('is the release the tests and the local stack run: every installed @aws-lambda-powertools package', () => {
    const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const installed = Object.entries(lock.packages).filter(([key]) => key.startsWith('node_modules/@aws-lambda-powertools/'));
    expect(installed.map(([key]) => key).sort()).toEqual(
      ['commons', 'logger', 'metrics', 'tracer'].map((name) => `node_modules/@aws-lambda-powertools/${name}`),
    );
    for (const [key, entry] of installed) expect(entry.version, key).toBe(POWERTOOLS_RELEASE);
    for (const stage of each()) expect(stage.config.observability.powertoolsRelease).toBe(POWERTOOLS_RELEASE);
  });

  it('is left out of every bundle (imported from the layer), and the search bundle stays within budget', () => {
    const stage = stages.dev!;
    for (const [id, fn] of functions(stage)) {
      const key = String((fn.Properties?.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
      const bundle = path.join(stage.assembly.directory, `asset.${key}`, 'index.mjs');
      const code = readFileSync(bundle, 'utf8');
      expect(code, id).toMatch(/from\s*"@aws-lambda-powertools\/(logger|metrics|tracer)/);
      // The X-Ray SDK is what Tracer would drag in; its presence means Powertools was bundled.
      expect(code, id).not.toContain('aws-xray-sdk-core');
      expect(code, id).not.toContain('class Logger');
    }
    const search = functions(stage).find(([id]) => id.startsWith('SearchPrograms'))!;
    const key = String((search[1].Properties?.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
    // 1.25 MB since contract 1.1: the search function resolves `near=` from the bundled gazetteer
    // (~170 KB). Shipping that table beside the bundle instead is the lighter-function follow-up.
    expect(statSync(path.join(stage.assembly.directory, `asset.${key}`, 'index.mjs')).size).toBeLessThanOrEqual(1_250_000);
  });
});
