import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { rateLimitKey } from '../../functions/adapters/dynamodb/dynamodb-rate-limiter';
import { signUpRateKeys } from '../../functions/domain/sign-up-policy';
import { cognitoEmailConfiguration, stagesRequiringSes, threatProtectionActions } from '../../infra/config/accounts';
import { deployTimeParameter } from '../../infra/config/parameters';
import { stageConfig, type StageConfig } from '../../infra/config/stages';
import { userPoolTriggerNames } from '../../infra/config/user-pool-triggers';
import { ProviderUserPool } from '../../infra/constructs/provider-user-pool';
import { reviewerMembershipEvents } from '../../infra/constructs/reviewer-membership-watch';
import { signUpCounterKeys } from '../../infra/constructs/user-pool-guards';
import { asArray, onlyResource, renderCfn, resourcesOfType, type CfnResource, synthesizeStagesBeforeAll, type SynthesizedStage } from './support/synth-stage';

/**
 * The provider and reviewer accounts (issue 13, items 3 and 4): the pool's two triggers and what
 * their roles may do, reviewers required to use an authenticator app, the reviewers-group watch
 * (CloudTrail, an EventBridge rule, the alarm topic) and the trail it depends on, threat protection
 * per the stage's plan, and the pool's email sender. Synthesis runs cdk-nag, so these also prove
 * the additions are nag-clean. The alarms on the triggers are in monitoring.test.ts.
 */
const { stageNames, stages, each } = synthesizeStagesBeforeAll();

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

const statefulId = (stage: SynthesizedStage, construct: { node: { defaultChild?: unknown } }) => stage.stacks.stateful.getLogicalId(construct.node.defaultChild as never);
const poolId = (stage: SynthesizedStage) => statefulId(stage, stage.stacks.stateful.users.userPool);
const trigger = (stage: SynthesizedStage, name: (typeof userPoolTriggerNames)[number]) => stage.stacks.stateful.users.guards.functions[name];

/** Statements of every identity policy attached to one role of the stateful stack. */
function roleStatements(stage: SynthesizedStage, roleId: string): Statement[] {
  return resourcesOfType(stage.stateful, 'AWS::IAM::Policy')
    .filter(([, policy]) => asArray(policy.Properties?.Roles as unknown[]).map(renderCfn).includes(`\${${roleId}}`))
    .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsBeyondLogsAndTraces = (statements: Statement[]) =>
  statements.filter((statement) => !asArray(statement.Action).every((action) => /^(logs|xray):/.test(action)));

describe('the user pool triggers', () => {
  it('are the two guard functions, in the stateful stack beside the pool, invocable by this pool only', () => {
    for (const stage of each()) {
      const pool = onlyResource(stage.stateful, 'AWS::Cognito::UserPool');
      const fnId = (name: (typeof userPoolTriggerNames)[number]) => statefulId(stage, trigger(stage, name).function);
      expect(pool.Properties?.LambdaConfig).toEqual({
        PreSignUp: { 'Fn::GetAtt': [fnId('screen-sign-up'), 'Arn'] },
        PreTokenGeneration: { 'Fn::GetAtt': [fnId('require-reviewer-mfa'), 'Arn'] },
      });
      const permissions = resourcesOfType(stage.stateful, 'AWS::Lambda::Permission').map(([, permission]) => permission.Properties);
      for (const name of userPoolTriggerNames) {
        expect(permissions).toContainEqual({
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [fnId(name), 'Arn'] },
          Principal: 'cognito-idp.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': [poolId(stage), 'Arn'] },
        });
      }
      // Nothing else of the stateful stack is a function (no custom-resource providers).
      expect(resourcesOfType(stage.stateful, 'AWS::Lambda::Function').map(([id]) => id).sort()).toEqual(userPoolTriggerNames.map(fnId).sort());
    }
  });

  it('give up within the 5 seconds Cognito waits for a trigger', () => {
    for (const stage of each()) {
      for (const name of userPoolTriggerNames) {
        const fn = (stage.stateful.toJSON().Resources as Record<string, CfnResource>)[statefulId(stage, trigger(stage, name).function)]!;
        expect(fn.Properties?.Timeout, name).toBeLessThanOrEqual(5);
      }
    }
  });

  it("pass the stage's sign-up policy to the pre sign-up trigger, limits and lists stated outright", () => {
    for (const stage of each()) {
      const fn = (stage.stateful.toJSON().Resources as Record<string, CfnResource>)[statefulId(stage, trigger(stage, 'screen-sign-up').function)]!;
      const variables = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      const { signUp } = stage.config.auth;
      expect(variables).toMatchObject({
        SIGN_UP_ALLOWED_DOMAINS: signUp.allowedEmailDomains.join(','),
        SIGN_UP_DENIED_DOMAINS: signUp.deniedEmailDomains.join(','),
        SIGN_UP_DOMAIN_LIMIT: String(signUp.perDomain.limit),
        SIGN_UP_DOMAIN_WINDOW_SECONDS: String(signUp.perDomain.window.toSeconds()),
        SIGN_UP_POOL_LIMIT: String(signUp.perPool.limit),
        SIGN_UP_POOL_WINDOW_SECONDS: String(signUp.perPool.window.toSeconds()),
      });
      expect(renderCfn(variables.PROGRAMS_TABLE)).toBe(`\${${statefulId(stage, stage.stacks.stateful.table)}}`);
      expect(signUp.deniedEmailDomains).toContain('mailinator.com');
      // The whole policy fits comfortably in Lambda's 4 KB of environment.
      expect(JSON.stringify(variables).length).toBeLessThan(3000);
    }
  });

  it('let the sign-up screen update its own counters only: UpdateItem on the base table, sign-up keys only', () => {
    for (const stage of each()) {
      const statements = actionsBeyondLogsAndTraces(roleStatements(stage, statefulId(stage, trigger(stage, 'screen-sign-up').role)));
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: 'dynamodb:UpdateItem',
          Resource: { 'Fn::GetAtt': [statefulId(stage, stage.stacks.stateful.table), 'Arn'] },
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [signUpCounterKeys] } },
        },
      ]);
      // The pattern covers the keys the counter really writes, and not the report limit's.
      const glob = new RegExp(`^${signUpCounterKeys.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      expect(rateLimitKey(signUpRateKeys.domain('clinic.org'), 1_780_000_000).pk).toMatch(glob);
      expect(rateLimitKey(signUpRateKeys.pool, 1_780_000_000).pk).toMatch(glob);
      expect(rateLimitKey('203.0.113.9', 1_780_000_000).pk).not.toMatch(glob);
    }
  });

  it('let the reviewer check read MFA settings of this pool only (a policy of its own, so the pool-trigger-role cycle never forms)', () => {
    for (const stage of each()) {
      const roleId = statefulId(stage, trigger(stage, 'require-reviewer-mfa').role);
      expect(actionsBeyondLogsAndTraces(roleStatements(stage, roleId))).toEqual([
        { Effect: 'Allow', Action: 'cognito-idp:AdminGetUser', Resource: { 'Fn::GetAtt': [poolId(stage), 'Arn'] } },
      ]);
      const fn = (stage.stateful.toJSON().Resources as Record<string, CfnResource> & Record<string, { DependsOn?: string[] }>)[statefulId(stage, trigger(stage, 'require-reviewer-mfa').function)] as CfnResource & { DependsOn?: string[] };
      const mfaPolicy = resourcesOfType(stage.stateful, 'AWS::IAM::Policy').find(([, policy]) => JSON.stringify(policy.Properties).includes('cognito-idp:AdminGetUser'))![0];
      expect(fn.DependsOn ?? []).not.toContain(mfaPolicy);
    }
  });
});

describe('reviewer accounts', () => {
  it('keep MFA optional for the pool with authenticator apps only, and no remembered devices that could skip it', () => {
    for (const stage of each()) {
      const pool = onlyResource(stage.stateful, 'AWS::Cognito::UserPool');
      expect(pool.Properties).toMatchObject({ MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
      expect(pool.Properties).not.toHaveProperty('DeviceConfiguration');
    }
  });

  it("acknowledge cdk-nag's COG2 with the reviewer requirement as the reason", () => {
    for (const stage of each()) {
      const metadata = JSON.stringify(onlyResource(stage.stateful, 'AWS::Cognito::UserPool').Metadata);
      expect(metadata).toContain('AwsSolutions-COG2');
      expect(metadata).toContain('the pre token generation trigger refuses tokens carrying the reviewers group to any account without TOTP');
    }
  });
});

describe('the reviewers-group watch', () => {
  const apiId = (stage: SynthesizedStage, construct: { node: { defaultChild?: unknown } }) => stage.stacks.api.getLogicalId(construct.node.defaultChild as never);

  it('matches every membership change of this pool’s reviewers group, as CloudTrail hands it to EventBridge', () => {
    for (const stage of each()) {
      const rule = (stage.api.toJSON().Resources as Record<string, CfnResource>)[apiId(stage, stage.stacks.api.reviewerMembership.rule)]!;
      const pattern = rule.Properties?.EventPattern as { source: string[]; 'detail-type': string[]; detail: Record<string, unknown> };
      expect(pattern.source).toEqual(['aws.cognito-idp']);
      expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
      expect(pattern.detail.eventSource).toEqual(['cognito-idp.amazonaws.com']);
      expect(pattern.detail.eventName).toEqual([...reviewerMembershipEvents]);
      expect(pattern.detail.eventName).toEqual(expect.arrayContaining(['AdminAddUserToGroup', 'AdminRemoveUserFromGroup']));
      const requestParameters = pattern.detail.requestParameters as { userPoolId: unknown[]; groupName: string[] };
      expect(requestParameters.groupName).toEqual(['reviewers']);
      // The pool of this stage, by the stateful stack's output of its id.
      expect(JSON.stringify(requestParameters.userPoolId)).toContain(poolId(stage));
    }
  });

  it('publishes who changed whom to the alarm topic, which lets exactly this rule publish and use its key', () => {
    for (const stage of each()) {
      const topicId = apiId(stage, stage.stacks.api.monitoring.topic);
      const ruleId = apiId(stage, stage.stacks.api.reviewerMembership.rule);
      const rule = (stage.api.toJSON().Resources as Record<string, CfnResource>)[ruleId]!;
      const [target] = rule.Properties?.Targets as Array<{ Arn: unknown; InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string } }>;
      expect(target!.Arn).toEqual({ Ref: topicId });
      expect(Object.values(target!.InputTransformer.InputPathsMap).sort()).toEqual(
        ['$.detail.eventID', '$.detail.eventName', '$.detail.eventTime', '$.detail.requestParameters.username', '$.detail.sourceIPAddress', '$.detail.userIdentity.arn'].sort(),
      );
      expect(target!.InputTransformer.InputTemplate).toContain('the reviewers group changed');

      const topicPolicy = resourcesOfType(stage.api, 'AWS::SNS::TopicPolicy').find(([, policy]) => JSON.stringify(policy.Properties?.Topics) === JSON.stringify([{ Ref: topicId }]))![1];
      const fromEvents = (topicPolicy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement.filter(
        (statement) => JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' }),
      );
      expect(fromEvents).toHaveLength(1);
      expect(fromEvents[0]).toMatchObject({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      });

      const keyPolicy = JSON.stringify(resourcesOfType(stage.api, 'AWS::KMS::Key').find(([, key]) => JSON.stringify(key.Properties).includes('encrypts alarm notifications'))![1].Properties?.KeyPolicy);
      expect(keyPolicy).toContain('events.amazonaws.com');
    }
  });

  it('raises an alarm of its own when it cannot deliver', () => {
    for (const stage of each()) {
      const ruleId = apiId(stage, stage.stacks.api.reviewerMembership.rule);
      const alarm = resourcesOfType(stage.api, 'AWS::CloudWatch::Alarm').find(([, a]) => a.Properties?.MetricName === 'FailedInvocations')![1];
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/Events',
        Threshold: 0,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: apiId(stage, stage.stacks.api.monitoring.topic) }],
      });
      expect(alarm.Properties?.Dimensions).toEqual([{ Name: 'RuleName', Value: { Ref: ruleId } }]);
    }
  });

  it('has a trail to hear from: write management events of the region, validated, kept for the stage retention', () => {
    for (const stage of each()) {
      const { auditTrail } = stage.config.auth;
      expect(auditTrail.kind).toBe('stack');
      const trail = onlyResource(stage.stateful, 'AWS::CloudTrail::Trail');
      expect(trail.Properties).toMatchObject({
        IsLogging: true,
        IsMultiRegionTrail: false,
        EnableLogFileValidation: true,
        EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' }],
      });
      const bucketId = (trail.Properties?.S3BucketName as { Ref: string }).Ref;
      const bucket = (stage.stateful.toJSON().Resources as Record<string, CfnResource>)[bucketId]!;
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: auditTrail.kind === 'stack' ? auditTrail.retention.toDays() : -1, Status: 'Enabled' }] },
        LoggingConfiguration: { LogFilePrefix: 'audit-trail/' },
      });
    }
  });
});

describe('threat protection', () => {
  it("follows the stage's plan: Plus everywhere, acting (with the configured actions) in prod, recording only in dev", () => {
    for (const stage of each()) {
      const pool = onlyResource(stage.stateful, 'AWS::Cognito::UserPool');
      expect(stage.config.auth.featurePlan).toBe('PLUS');
      expect(pool.Properties).toMatchObject({ UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: stage.config.auth.threatProtection === 'FULL_FUNCTION' ? 'ENFORCED' : 'AUDIT' } });
    }
    expect(stages.dev!.config.auth.threatProtection).toBe('AUDIT_ONLY');
    stages.dev!.stateful.resourceCountIs('AWS::Cognito::UserPoolRiskConfigurationAttachment', 0);

    const risk = onlyResource(stages.prod!.stateful, 'AWS::Cognito::UserPoolRiskConfigurationAttachment');
    expect(risk.Properties).toEqual({
      UserPoolId: { Ref: poolId(stages.prod!) },
      ClientId: 'ALL',
      CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' }, EventFilter: ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'] },
      AccountTakeoverRiskConfiguration: {
        Actions: {
          LowAction: { EventAction: 'NO_ACTION', Notify: false },
          MediumAction: { EventAction: 'MFA_IF_CONFIGURED', Notify: false },
          HighAction: { EventAction: 'MFA_REQUIRED', Notify: false },
        },
      },
    });
    expect(threatProtectionActions.compromisedCredentials.eventFilter).toContain('SIGN_UP');
  });

  it('on Essentials: no threat protection, and the COG8 finding acknowledged rather than failing synthesis', () => {
    const dev = stageConfig('dev');
    const config: StageConfig = { ...dev, auth: { ...dev.auth, featurePlan: 'ESSENTIALS', threatProtection: undefined } };
    const app = new App();
    const stack = new Stack(app, 'EssentialsPool');
    const table = new Table(stack, 'Programs', { partitionKey: { name: 'pk', type: AttributeType.STRING }, sortKey: { name: 'sk', type: AttributeType.STRING } });
    new ProviderUserPool(stack, 'Users', { config, table });
    const pool = onlyResource(Template.fromStack(stack), 'AWS::Cognito::UserPool');
    expect(pool.Properties?.UserPoolTier).toBe('ESSENTIALS');
    expect(pool.Properties).not.toHaveProperty('UserPoolAddOns');
    const report = new AwsSolutionsChecks().validateScope(app);
    const cognito = report.violations.filter((violation) => violation.ruleName.startsWith('AwsSolutions-COG'));
    expect(cognito).toEqual([]);
  });
});

describe('the email sender', () => {
  it("is Cognito's own in dev, and SES in prod with identity and sender read from SSM at deploy time", () => {
    expect(onlyResource(stages.dev!.stateful, 'AWS::Cognito::UserPool').Properties?.EmailConfiguration).toEqual({ EmailSendingAccount: 'COGNITO_DEFAULT' });
    expect(onlyResource(stages.prod!.stateful, 'AWS::Cognito::UserPool').Properties?.EmailConfiguration).toEqual({
      EmailSendingAccount: 'DEVELOPER',
      SourceArn: '{{resolve:ssm:/iop-directory-prod/ses-identity-arn}}',
      From: '{{resolve:ssm:/iop-directory-prod/ses-from-address}}',
    });
    expect(stagesRequiringSes).toContain('prod');
  });

  it('has no silent default in prod: synthesis refuses the 50-a-day sender there, and literal values that are not an identity or an address', () => {
    const prod = stageConfig('prod');
    expect(() => cognitoEmailConfiguration({ stage: 'prod', auth: { email: { sender: 'cognito' } } })).toThrow(/must send its email through SES/);
    expect(cognitoEmailConfiguration({ stage: 'dev', auth: { email: { sender: 'cognito' } } })).toEqual({ emailSendingAccount: 'COGNITO_DEFAULT' });
    const ses = (identityArn: string, fromAddress: string) => ({ stage: 'prod' as const, auth: { email: { sender: 'ses' as const, identityArn, fromAddress } } });
    expect(cognitoEmailConfiguration(ses('arn:aws:ses:us-east-1:123456789012:identity/iop.example.org', 'Treatment Directory <no-reply@iop.example.org>'))).toEqual({
      emailSendingAccount: 'DEVELOPER',
      sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/iop.example.org',
      from: 'Treatment Directory <no-reply@iop.example.org>',
    });
    expect(() => cognitoEmailConfiguration(ses('iop.example.org', 'no-reply@iop.example.org'))).toThrow(/not an SES identity ARN/);
    expect(() => cognitoEmailConfiguration(ses('arn:aws:ses:us-east-1:123456789012:identity/iop.example.org', 'no-reply'))).toThrow(/not an email address/);
    expect(cognitoEmailConfiguration(ses(deployTimeParameter('/x/identity'), deployTimeParameter('/x/from')))).toMatchObject({ emailSendingAccount: 'DEVELOPER' });
    expect(prod.auth.email.sender).toBe('ses');
  });

  it('states sign-up windows a counter can hold (a minute to a day)', () => {
    for (const name of stageNames) {
      const { signUp } = stageConfig(name).auth;
      for (const window of [signUp.perDomain.window, signUp.perPool.window]) {
        expect(window.toSeconds()).toBeGreaterThanOrEqual(60);
        expect(window.toSeconds()).toBeLessThanOrEqual(Duration.days(1).toSeconds());
      }
      expect(signUp.perDomain.limit).toBeLessThanOrEqual(signUp.perPool.limit);
    }
  });
});
