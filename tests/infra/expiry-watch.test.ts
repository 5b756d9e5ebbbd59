import { describe, expect, it } from 'vitest';
import { directoryFunctions } from '../../infra/config/functions';
import { expiryWatch } from '../../infra/config/expiry-watch';
import { asArray, onlyResource, renderCfn, resourcesOfType, type CfnResource, synthesizeStagesBeforeAll, type SynthesizedStage } from './support/synth-stage';

/**
 * The expiry watch in AWS: a daily rule runs `expiry-summary`, which may publish to its own
 * encrypted, TLS-only topic and nowhere else, and whose failure notifies the alarm topic; the
 * reviewers' route `GET /v1/review/expiring` reads the search domain behind the JWT authorizer.
 * Synthesis runs cdk-nag, so these tests also prove the additions are nag-clean.
 */
const { each } = synthesizeStagesBeforeAll();

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
  Principal?: unknown;
}

const logicalId = (stage: SynthesizedStage, construct: { node: { defaultChild?: unknown } }) =>
  stage.stacks.api.getLogicalId(construct.node.defaultChild as never);
const resource = (stage: SynthesizedStage, id: string) => (stage.api.toJSON().Resources as Record<string, CfnResource>)[id]!;
const summaryFunctionId = (stage: SynthesizedStage) => logicalId(stage, stage.stacks.api.functions['expiry-summary'].function);
const expiryTopicId = (stage: SynthesizedStage) => logicalId(stage, stage.stacks.api.expiryWatch.topic);

/** Every identity-policy statement of the API stack, by the policy's logical id. */
function statements(stage: SynthesizedStage): Array<{ policy: string; roles: string[]; statement: Statement }> {
  return resourcesOfType(stage.api, 'AWS::IAM::Policy').flatMap(([policy, { Properties }]) =>
    (Properties?.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({
      policy,
      roles: asArray(Properties?.Roles as unknown[]).map(renderCfn),
      statement,
    })),
  );
}

function statementsOfRole(stage: SynthesizedStage, name: 'expiry-summary' | 'expiring-programs') {
  const roleId = logicalId(stage, stage.stacks.api.functions[name].role);
  return statements(stage).filter(({ roles }) => roles.includes(`\${${roleId}}`));
}

describe('the daily schedule', () => {
  it('runs expiry-summary once a day at the configured UTC time', () => {
    for (const stage of each()) {
      // The reconciliation has a schedule of its own (reconciliation.test.ts).
      const rules = resourcesOfType(stage.api, 'AWS::Events::Rule').filter(
        ([, rule]) => rule.Properties?.ScheduleExpression !== undefined && rule.Properties?.Name === `${stage.config.resourcePrefix}-expiry-summary`,
      );
      expect(rules).toHaveLength(1);
      const [, rule] = rules[0]!;
      expect(rule.Properties).toMatchObject({
        Name: `${stage.config.resourcePrefix}-expiry-summary`,
        ScheduleExpression: `cron(${expiryWatch.schedule.minute} ${expiryWatch.schedule.hourUtc} * * ? *)`,
        State: 'ENABLED',
      });
      const targets = rule.Properties?.Targets as Array<{ Arn: unknown; RetryPolicy?: Record<string, number> }>;
      expect(targets).toHaveLength(1);
      expect(targets[0]!.Arn).toEqual({ 'Fn::GetAtt': [summaryFunctionId(stage), 'Arn'] });
      expect(targets[0]!.RetryPolicy).toEqual({ MaximumRetryAttempts: expiryWatch.retryAttempts, MaximumEventAgeInSeconds: expiryWatch.maxEventAge.toSeconds() });
      // EventBridge may invoke it through a resource policy scoped to this rule (no role to assume).
      const permissions = resourcesOfType(stage.api, 'AWS::Lambda::Permission').filter(
        ([, permission]) => JSON.stringify(permission.Properties?.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [summaryFunctionId(stage), 'Arn'] }),
      );
      expect(permissions).toHaveLength(1);
      expect(permissions[0]![1].Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [rules[0]![0], 'Arn'] } });
    }
  });

  it('tells the function where to publish and how far ahead to look, and gives it no route', () => {
    for (const stage of each()) {
      const variables = (resource(stage, summaryFunctionId(stage)).Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.EXPIRY_TOPIC_ARN).toEqual({ Ref: expiryTopicId(stage) });
      expect(variables.EXPIRY_WINDOW_DAYS).toBe(String(expiryWatch.windowDays));
      expect(variables.SEARCH_INDEX_ALIAS).toBe('programs');
      expect((directoryFunctions['expiry-summary'] as { route?: unknown }).route).toBeUndefined();
    }
  });
});

describe('the expiry topic', () => {
  it('is its own topic, encrypted with a rotating customer-managed key', () => {
    for (const stage of each()) {
      const topics = resourcesOfType(stage.api, 'AWS::SNS::Topic');
      // The alarm topic and this one; owners subscribe to this one after deployment (the alarm
      // topic's subscriptions come from the stage's configuration, monitoring.test.ts).
      expect(topics.map(([, topic]) => topic.Properties?.TopicName).sort()).toEqual([`${stage.config.resourcePrefix}-alarms`, `${stage.config.resourcePrefix}-expiring`]);
      const toThisTopic = resourcesOfType(stage.api, 'AWS::SNS::Subscription').filter(([, subscription]) => JSON.stringify(subscription.Properties?.TopicArn) === JSON.stringify({ Ref: expiryTopicId(stage) }));
      expect(toThisTopic).toEqual([]);
      const topic = resource(stage, expiryTopicId(stage));
      const keyRef = topic.Properties?.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] };
      expect(keyRef['Fn::GetAtt'][1]).toBe('Arn');
      expect(resource(stage, keyRef['Fn::GetAtt'][0]).Properties).toMatchObject({ EnableKeyRotation: true });
      // Not the alarm topic's key.
      const alarmTopic = topics.find(([, t]) => t.Properties?.TopicName === `${stage.config.resourcePrefix}-alarms`)![1];
      expect(alarmTopic.Properties?.KmsMasterKeyId).not.toEqual(topic.Properties?.KmsMasterKeyId);
    }
  });

  it('refuses requests without TLS', () => {
    for (const stage of each()) {
      const policies = resourcesOfType(stage.api, 'AWS::SNS::TopicPolicy').filter(([, policy]) =>
        asArray(policy.Properties?.Topics as unknown[]).some((topic) => JSON.stringify(topic) === JSON.stringify({ Ref: expiryTopicId(stage) })),
      );
      expect(policies).toHaveLength(1);
      const document = policies[0]![1].Properties?.PolicyDocument as { Statement: Statement[] };
      const denyPlain = document.Statement.filter((statement) => statement.Effect === 'Deny');
      expect(denyPlain).toHaveLength(1);
      expect(denyPlain[0]!.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
      expect(asArray(denyPlain[0]!.Action)).toContain('sns:Publish');
      // Nothing but the deny: publishing is granted to one role through its identity policy.
      expect(document.Statement.filter((statement) => statement.Effect === 'Allow')).toEqual([]);
    }
  });

  it('may be published to by expiry-summary only, and expiry-summary may publish nowhere else', () => {
    for (const stage of each()) {
      const publishers = statements(stage).filter(({ statement }) => statement.Effect === 'Allow' && asArray(statement.Action).some((action) => action.startsWith('sns:')));
      expect(publishers).toHaveLength(1);
      const [{ statement, roles }] = publishers as [(typeof publishers)[number]];
      expect(roles).toEqual([`\${${logicalId(stage, stage.stacks.api.functions['expiry-summary'].role)}}`]);
      expect(asArray(statement.Action)).toEqual(['sns:Publish']);
      expect(asArray(statement.Resource)).toEqual([{ Ref: expiryTopicId(stage) }]);

      // Its encryption: data keys of the topic's own key, nothing else in KMS.
      const keyId = (resource(stage, expiryTopicId(stage)).Properties?.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const kms = statementsOfRole(stage, 'expiry-summary').filter(({ statement }) => asArray(statement.Action).some((action) => action.startsWith('kms:')));
      expect(kms).toHaveLength(1);
      expect(asArray(kms[0]!.statement.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(asArray(kms[0]!.statement.Resource)).toEqual([{ 'Fn::GetAtt': [keyId, 'Arn'] }]);

      // Besides logs and traces, it reads the search domain (GET/POST) and publishes: no table, no writes.
      const actions = [...new Set(statementsOfRole(stage, 'expiry-summary').flatMap(({ statement }) => asArray(statement.Action)))].sort();
      expect(actions).toEqual(
        ['es:ESHttpGet', 'es:ESHttpPost', 'kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 'sns:Publish', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort(),
      );
    }
  });

  it('is an output, for subscribing owners or operators', () => {
    for (const stage of each()) {
      const outputs = stage.api.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(Object.values(outputs).map((output) => output.Value)).toContainEqual({ Ref: expiryTopicId(stage) });
    }
  });
});

describe('the failure alarm', () => {
  it("fires on any error of expiry-summary within the hour and notifies the alarm topic", () => {
    for (const stage of each()) {
      const alarm = resourcesOfType(stage.api, 'AWS::CloudWatch::Alarm').find(
        ([, candidate]) => candidate.Properties?.AlarmName === `${stage.config.resourcePrefix}-expiry-summary-failed`,
      );
      expect(alarm).toBeDefined();
      const properties = alarm![1].Properties as {
        Threshold: number;
        ComparisonOperator: string;
        EvaluationPeriods: number;
        TreatMissingData: string;
        AlarmActions: unknown[];
        OKActions: unknown[];
        Metrics: Array<{ Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: Array<{ Name: string; Value: unknown }> }; Period: number; Stat: string } }>;
      };
      expect(properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      const errors = properties.Metrics.find((metric) => metric.MetricStat)!.MetricStat!;
      expect(errors).toMatchObject({ Metric: { MetricName: 'Errors', Namespace: 'AWS/Lambda' }, Period: expiryWatch.failurePeriod.toSeconds(), Stat: 'Sum' });
      expect(errors.Metric.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: summaryFunctionId(stage) } }]);
      const alarmTopic = { Ref: logicalId(stage, stage.stacks.api.node.findChild('Monitoring').node.findChild('AlarmTopic')) };
      expect(properties.AlarmActions).toEqual([alarmTopic]);
      expect(properties.OKActions).toEqual([alarmTopic]);
    }
  });
});

describe('GET /v1/review/expiring', () => {
  it('is routed to its own function, which checks the bearer token against the user pool itself', () => {
    for (const stage of each()) {
      const route = resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties?.RouteKey === 'GET /v1/review/expiring');
      expect(route).toBeDefined();
      // API Gateway only checks that the request came through CloudFront; the function checks the token.
      expect(route![1].Properties).toMatchObject({ AuthorizationType: 'CUSTOM' });
      const fn = resource(stage, logicalId(stage, stage.stacks.api.functions['expiring-programs'].function));
      expect((fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.TOKEN_VERIFICATION).toBe('cognito');
      const target = route![1].Properties?.Target as { 'Fn::Join': [string, Array<string | { Ref: string }>] };
      const integrationRef = target['Fn::Join'][1].find((part): part is { Ref: string } => typeof part === 'object');
      const integration = resource(stage, integrationRef!.Ref);
      expect(integration.Properties?.IntegrationUri).toEqual({ 'Fn::GetAtt': [logicalId(stage, stage.stacks.api.functions['expiring-programs'].function), 'Arn'] });
    }
  });

  it('may read the search domain (GET and POST) and nothing else', () => {
    for (const stage of each()) {
      const actions = [...new Set(statementsOfRole(stage, 'expiring-programs').flatMap(({ statement }) => asArray(statement.Action)))].sort();
      expect(actions).toEqual(['es:ESHttpGet', 'es:ESHttpPost', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort());
      const domainPolicy = onlyResource(stage.stateful, 'AWS::OpenSearchService::Domain').Properties?.AccessPolicies as { Statement: Statement[] } | undefined;
      const trusted = JSON.stringify(domainPolicy ?? stage.stateful.toJSON());
      expect(trusted).toContain(`${stage.config.resourcePrefix}-expiring-programs-`);
      expect(trusted).toContain(`${stage.config.resourcePrefix}-expiry-summary-`);
    }
  });
});
