import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { directoryFunctionNames, type DirectoryFunctionName } from '../../infra/config/functions';
import { POWERTOOLS_LAYER_ACCOUNT } from '../../infra/config/observability';
import type { StageName } from '../../infra/config/stages';
import { resourcesOfType, synthStage, type CfnResource, type SynthesizedStage } from './support/synth-stage';

const stageNames: StageName[] = ['dev', 'prod'];
const stages: Partial<Record<StageName, SynthesizedStage>> = {};
const each = () => stageNames.map((name) => stages[name]!);

// Synthesis runs cdk-nag as a validation plugin: an unacknowledged finding throws here, so every
// test below also proves the monitoring resources are nag-clean.
beforeAll(() => {
  for (const name of stageNames) stages[name] = synthStage(name);
});

interface AlarmProperties {
  AlarmName?: string;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Threshold?: number;
  ComparisonOperator?: string;
  Dimensions?: Array<{ Name: string; Value: unknown }>;
  Metrics?: Array<{ Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string } } }>;
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
          const threshold = metricName === 'Errors' ? stage.config.observability.alarms.functionErrors : stage.config.observability.alarms.functionThrottles;
          expect(found[0]?.Threshold).toBe(threshold);
        }
      }
    }
  });

  it('fire on any message in the stream failure queue', () => {
    for (const stage of each()) {
      const queueId = logicalIdOf(stage, stage.stacks.api.indexFailures);
      const dlq = alarms(stage).filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible');
      expect(dlq).toHaveLength(1);
      expect(dimension(dlq[0]!, 'QueueName')).toEqual({ 'Fn::GetAtt': [queueId, 'QueueName'] });
      expect(dlq[0]).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
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
      // storage, and the daily expiry summary's own failure alarm.
      expect(found.length).toBe(directoryFunctionNames.length * 2 + 8);
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
      for (const metric of ['SearchLatency', 'ResultsCount', 'ZeroResultSearches', 'IndexedRecords', 'FailedRecords', 'ImportRows', '4xx', '5xx', 'ClusterStatus.red', 'FreeStorageSpace']) {
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

  it('comes from the public layer, at the stage-configured version, on every function', () => {
    for (const stage of each()) {
      const version = stage.config.observability.powertoolsLayerVersion;
      for (const [id, fn] of functions(stage)) {
        const layers = JSON.stringify(fn.Properties?.Layers);
        expect(layers, id).toContain(`:${POWERTOOLS_LAYER_ACCOUNT}:layer:AWSLambdaPowertoolsTypeScriptV2:${version}`);
      }
    }
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
