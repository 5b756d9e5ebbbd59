import { describe, expect, it } from 'vitest';
import { directoryFunctions } from '../../infra/config/functions';
import { reconciliation } from '../../infra/config/reconciliation';
import { asArray, onlyResource, renderCfn, resourcesOfType, type CfnResource, synthesizeStagesBeforeAll, type SynthesizedStage } from './support/synth-stage';

/**
 * The reconciliation in AWS: an hourly rule runs `reconcile-search-index`, which may scan and
 * batch-read the base table and write the search domain as the stream indexer does, and nothing
 * else; `DriftRepaired` and a failed or incomplete run each have an alarm on the stage's alarm
 * topic. Synthesis runs cdk-nag, so these tests also prove the additions are nag-clean.
 */
const { each } = synthesizeStagesBeforeAll();

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const logicalId = (stage: SynthesizedStage, construct: { node: { defaultChild?: unknown } }) => stage.stacks.api.getLogicalId(construct.node.defaultChild as never);
const resources = (stage: SynthesizedStage) => stage.api.toJSON().Resources as Record<string, CfnResource>;
const reconcilerId = (stage: SynthesizedStage) => logicalId(stage, stage.stacks.api.functions['reconcile-search-index'].function);
const alarmTopic = (stage: SynthesizedStage) => ({ Ref: logicalId(stage, stage.stacks.api.node.findChild('Monitoring').node.findChild('AlarmTopic')) });

function statementsOfReconciler(stage: SynthesizedStage): Statement[] {
  const roleId = logicalId(stage, stage.stacks.api.functions['reconcile-search-index'].role);
  return resourcesOfType(stage.api, 'AWS::IAM::Policy')
    .filter(([, policy]) => asArray(policy.Properties?.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
    .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}

function alarmNamed(stage: SynthesizedStage, name: string): Record<string, unknown> {
  const found = resourcesOfType(stage.api, 'AWS::CloudWatch::Alarm').find(([, alarm]) => alarm.Properties?.AlarmName === `${stage.config.resourcePrefix}-${name}`);
  expect(found, name).toBeDefined();
  return found![1].Properties!;
}

describe('the schedule', () => {
  it('runs reconcile-search-index every hour, invoked by EventBridge through a permission scoped to its rule', () => {
    for (const stage of each()) {
      const rules = resourcesOfType(stage.api, 'AWS::Events::Rule').filter(([, rule]) => rule.Properties?.Name === `${stage.config.resourcePrefix}-reconcile-search-index`);
      expect(rules).toHaveLength(1);
      const [ruleId, rule] = rules[0]!;
      expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
      const targets = rule.Properties?.Targets as Array<{ Arn: unknown; RetryPolicy?: Record<string, number> }>;
      expect(targets).toHaveLength(1);
      expect(targets[0]!.Arn).toEqual({ 'Fn::GetAtt': [reconcilerId(stage), 'Arn'] });
      expect(targets[0]!.RetryPolicy).toEqual({ MaximumRetryAttempts: reconciliation.retryAttempts, MaximumEventAgeInSeconds: reconciliation.maxEventAge.toSeconds() });
      const permissions = resourcesOfType(stage.api, 'AWS::Lambda::Permission').filter(
        ([, permission]) => JSON.stringify(permission.Properties?.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [reconcilerId(stage), 'Arn'] }),
      );
      expect(permissions).toHaveLength(1);
      expect(permissions[0]![1].Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] } });
    }
  });

  it('is not retried by Lambda (the next run is the retry), may run to Lambda’s limit, and leaves changes younger than the settle time to the stream', () => {
    for (const stage of each()) {
      const invokeConfigs = resourcesOfType(stage.api, 'AWS::Lambda::EventInvokeConfig').filter(
        ([, config]) => JSON.stringify(config.Properties?.FunctionName) === JSON.stringify({ Ref: reconcilerId(stage) }),
      );
      expect(invokeConfigs).toHaveLength(1);
      expect(invokeConfigs[0]![1].Properties).toMatchObject({ MaximumRetryAttempts: 0, Qualifier: '$LATEST' });
      const fn = resources(stage)[reconcilerId(stage)]!;
      expect(fn.Properties?.Timeout).toBe(900);
      const variables = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.RECONCILE_SETTLE_SECONDS).toBe(String(reconciliation.settle.toSeconds()));
      expect(variables).toMatchObject({ SEARCH_INDEX_ALIAS: 'programs', OPENSEARCH_AUTH: 'sigv4' });
      expect(JSON.stringify(variables.PROGRAMS_TABLE)).toContain(`IopDirectory-${stage.config.stage}-Stateful`);
      expect((directoryFunctions['reconcile-search-index'] as { route?: unknown }).route).toBeUndefined();
    }
  });
});

describe('the role', () => {
  it('may scan and batch-read the base table, write the search domain as the indexer does, and nothing else', () => {
    for (const stage of each()) {
      const statements = statementsOfReconciler(stage).filter((statement) => statement.Effect === 'Allow');
      const actions = [...new Set(statements.flatMap((statement) => asArray(statement.Action)))].sort();
      expect(actions).toEqual(
        [
          'dynamodb:BatchGetItem',
          'dynamodb:Scan',
          'es:ESHttpDelete',
          'es:ESHttpGet',
          'es:ESHttpHead',
          'es:ESHttpPost',
          'es:ESHttpPut',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'xray:PutTelemetryRecords',
          'xray:PutTraceSegments',
        ].sort(),
      );
      const table = statements.filter((statement) => asArray(statement.Action).some((action) => action.startsWith('dynamodb:')));
      expect(table).toHaveLength(1);
      const tableArns = asArray(table[0]!.Resource).map(renderCfn);
      // The base table only: no index, no stream, no other table.
      expect(tableArns).toHaveLength(1);
      expect(tableArns[0]).toMatch(/Programs[0-9A-F]{8}Arn/);
      expect(tableArns[0]).not.toContain('/index/');
      // DELETE only on the alias's own indices (the indexer's race-loss clean-up in ensureSearchIndex).
      const deletes = statements.filter((statement) => asArray(statement.Action).includes('es:ESHttpDelete')).flatMap((statement) => asArray(statement.Resource).map(renderCfn));
      expect(deletes).toEqual([expect.stringMatching(new RegExp(`:domain/${stage.config.search.domainName}/programs-\\*$`))]);

      const domainPolicy = JSON.stringify(onlyResource(stage.stateful, 'AWS::OpenSearchService::Domain').Properties?.AccessPolicies ?? stage.stateful.toJSON());
      expect(domainPolicy).toContain(`${stage.config.resourcePrefix}-reconcile-search-index-`);
    }
  });
});

describe('the alarms', () => {
  it('fire when a run repaired drift (DriftRepaired > 0 in the last run) and notify the alarm topic', () => {
    for (const stage of each()) {
      const alarm = alarmNamed(stage, 'search-drift-repaired');
      expect(alarm).toMatchObject({
        Namespace: 'IopDirectory',
        MetricName: 'DriftRepaired',
        Dimensions: [{ Name: 'service', Value: 'reconcile-search-index' }],
        Statistic: 'Sum',
        Period: reconciliation.interval.toSeconds(),
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [alarmTopic(stage)],
        OKActions: [alarmTopic(stage)],
      });
    }
  });

  it('fire when a run failed or left drift it could not repair', () => {
    for (const stage of each()) {
      const alarm = alarmNamed(stage, 'search-drift-unrepaired') as {
        Metrics: Array<{ Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: Array<{ Name: string; Value: unknown }> }; Period: number; Stat: string } }>;
      };
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, AlarmActions: [alarmTopic(stage)] });
      expect(alarm.Metrics.find((metric) => metric.Expression)?.Expression).toBe('FILL(errors, 0) + FILL(unrepaired, 0)');
      const stats = alarm.Metrics.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat] : []));
      expect(stats.map((stat) => [stat.Metric.Namespace, stat.Metric.MetricName, stat.Period, stat.Stat]).sort()).toEqual(
        [
          ['AWS/Lambda', 'Errors', 3600, 'Sum'],
          ['IopDirectory', 'DriftUnrepaired', 3600, 'Sum'],
        ].sort(),
      );
      const errors = stats.find((stat) => stat.Metric.MetricName === 'Errors')!;
      expect(errors.Metric.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: reconcilerId(stage) } }]);
    }
  });

  it('and the dashboard show each run', () => {
    for (const stage of each()) {
      const body = JSON.stringify(onlyResource(stage.api, 'AWS::CloudWatch::Dashboard').Properties?.DashboardBody);
      for (const metric of ['DriftFound', 'DriftRepaired', 'DriftUnrepaired', 'ReconciledItems']) expect(body, metric).toContain(metric);
    }
  });
});
