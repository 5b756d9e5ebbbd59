import { beforeAll, describe, expect, it } from 'vitest';
import { asArray, renderCfn, resourcesOfType, synthStage, type CfnResource, type SynthesizedStage } from './support/synth-stage';

let dev: SynthesizedStage;
let prod: SynthesizedStage;

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});

const each = () => [dev, prod];

function resourceOf(stage: SynthesizedStage, stack: 'stateful' | 'api', construct: { node: { defaultChild?: unknown } }): CfnResource {
  const owner = stage.stacks[stack];
  const id = owner.getLogicalId(construct.node.defaultChild as never);
  const resource = (stage[stack].toJSON().Resources as Record<string, CfnResource>)[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return resource;
}

function logicalId(stage: SynthesizedStage, stack: 'stateful' | 'api', construct: { node: { defaultChild?: unknown } }): string {
  return stage.stacks[stack].getLogicalId(construct.node.defaultChild as never);
}

interface PolicyStatement {
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Condition?: unknown;
  Resource: unknown;
}

function bucketPolicyStatements(stage: SynthesizedStage, bucketId: string): PolicyStatement[] {
  const [, policy] = resourcesOfType(stage.stateful, 'AWS::S3::BucketPolicy').find(([, candidate]) => JSON.stringify(candidate.Properties?.Bucket).includes(bucketId))!;
  return (policy.Properties?.PolicyDocument as { Statement: PolicyStatement[] }).Statement;
}

describe('import bucket', () => {
  it('blocks all public access, is encrypted, versioned and owner-enforced', () => {
    for (const stage of each()) {
      expect(resourceOf(stage, 'stateful', stage.stacks.stateful.imports.bucket).Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
    }
  });

  it('refuses every request that is not over TLS, on the import bucket and its log bucket', () => {
    for (const stage of each()) {
      for (const bucket of [stage.stacks.stateful.imports.bucket, stage.stacks.stateful.imports.accessLogs]) {
        expect(bucketPolicyStatements(stage, logicalId(stage, 'stateful', bucket))).toContainEqual(
          expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        );
      }
    }
  });

  it('logs server access to its own log bucket, which only the S3 logging service may write', () => {
    for (const stage of each()) {
      const logsId = logicalId(stage, 'stateful', stage.stacks.stateful.imports.accessLogs);
      expect(resourceOf(stage, 'stateful', stage.stacks.stateful.imports.bucket).Properties?.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logsId },
        LogFilePrefix: 'import-bucket/',
      });
      const logs = resourceOf(stage, 'stateful', stage.stacks.stateful.imports.accessLogs).Properties;
      expect(logs).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
      const writers = bucketPolicyStatements(stage, logsId).filter((statement) => statement.Effect === 'Allow');
      // The import bucket's logs, and the audit trail bucket's where the stage has its own trail
      // (accounts.test.ts): each the logging service, for its own source bucket.
      const sources = [stage.stacks.stateful.imports.bucket, ...(stage.stacks.stateful.auditTrail ? [stage.stacks.stateful.auditTrail.bucket] : [])];
      expect(writers).toHaveLength(sources.length);
      for (const [index, source] of sources.entries()) {
        expect(writers[index]).toMatchObject({
          Action: 's3:PutObject',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stage, 'stateful', source), 'Arn'] } } },
        });
      }
    }
  });

  it('expires reports, noncurrent versions and abandoned multipart uploads, but never current uploads', () => {
    for (const stage of each()) {
      const rules = (resourceOf(stage, 'stateful', stage.stacks.stateful.imports.bucket).Properties?.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
      expect(rules).toContainEqual(
        expect.objectContaining({ Prefix: 'reports/', ExpirationInDays: stage.config.imports.reportRetention.toDays(), Status: 'Enabled' }),
      );
      expect(stage.config.imports.reportRetention.toDays()).toBe(90);
      expect(rules).toContainEqual(
        expect.objectContaining({
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 30 },
          ExpiredObjectDeleteMarker: true,
          Status: 'Enabled',
        }),
      );
      // Only the reports rule expires current objects.
      expect(rules.filter((rule) => 'ExpirationInDays' in rule).map((rule) => rule.Prefix)).toEqual(['reports/']);
    }
  });

  it('announces uploads to EventBridge natively, without the notifications custom resource', () => {
    for (const stage of each()) {
      expect(resourceOf(stage, 'stateful', stage.stacks.stateful.imports.bucket).Properties?.NotificationConfiguration).toEqual({
        EventBridgeConfiguration: { EventBridgeEnabled: true },
      });
      for (const template of [stage.stateful, stage.api]) template.resourceCountIs('Custom::S3BucketNotifications', 0);
    }
  });

  it('is retained in prod, and deleted with the stack in dev so the stage can be deployed again under the same name', () => {
    const importBucketId = logicalId(prod, 'stateful', prod.stacks.stateful.imports.bucket);
    for (const [id, bucket] of resourcesOfType(prod.stateful, 'AWS::S3::Bucket')) expect(bucket.DeletionPolicy, id).toBe('Retain');
    expect(resourceOf(dev, 'stateful', dev.stacks.stateful.imports.bucket).DeletionPolicy).toBe('Delete');
    expect(logicalId(dev, 'stateful', dev.stacks.stateful.imports.bucket)).toBe(importBucketId);
    // The other buckets have generated names, so keeping them (the access record) blocks no redeploy.
    for (const [id, bucket] of resourcesOfType(dev.stateful, 'AWS::S3::Bucket')) {
      if (id === importBucketId) continue;
      expect(bucket.DeletionPolicy, id).toBe('Retain');
      expect(bucket.Properties, id).not.toHaveProperty('BucketName');
    }
    // Emptying on delete would take a custom-resource Lambda.
    for (const stage of each()) stage.stateful.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('refuses uploads under imports/ from every role but the configured operator roles, and reports from all but the importer', () => {
    for (const stage of each()) {
      const statements = bucketPolicyStatements(stage, logicalId(stage, 'stateful', stage.stacks.stateful.imports.bucket));
      const denies = statements.filter((statement) => statement.Effect === 'Deny' && statement.Action === 's3:PutObject');
      expect(denies).toHaveLength(2);
      const [uploads, reports] = denies as [PolicyStatement, PolicyStatement];
      for (const deny of denies) expect(deny.Principal).toEqual({ AWS: '*' });

      expect(renderCfn(uploads.Resource)).toMatch(/\/imports\/\*$/);
      const uploaders = (uploads.Condition as { ArnNotLike: Record<string, unknown[]> }).ArnNotLike['aws:PrincipalArn']!;
      expect(uploaders.map(renderCfn)).toEqual(stage.config.imports.uploaderRoles.map((role) => `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${role}`));
      expect(stage.config.imports.uploaderRoles).toEqual([stage.config.operations.roleName]);

      expect(renderCfn(reports.Resource)).toMatch(/\/reports\/\*$/);
      const writers = (reports.Condition as { ArnNotEquals: Record<string, unknown[]> }).ArnNotEquals['aws:PrincipalArn']!;
      expect(writers.map(renderCfn)).toEqual([`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${stage.config.resourcePrefix}-import-from-s3-\${AWS::Region}`]);
      // The importer's role is created under exactly that name.
      const importer = resourceOf(stage, 'api', stage.stacks.api.functions['import-from-s3'].function).Properties?.Role as { 'Fn::GetAtt': [string, string] };
      const role = (stage.api.toJSON().Resources as Record<string, CfnResource>)[importer['Fn::GetAtt'][0]]!;
      expect(renderCfn(role.Properties?.RoleName)).toBe(`${stage.config.resourcePrefix}-import-from-s3-\${AWS::Region}`);

      // Nothing else is denied or granted to principals by the bucket policy: reads stay with the identity policies.
      expect(statements.filter((statement) => statement.Effect === 'Allow')).toEqual([]);
    }
  });

  it('lets the operations role upload under imports/ and read reports, and nothing else in the bucket', () => {
    for (const stage of each()) {
      const roleId = logicalId(stage, 'stateful', stage.stacks.stateful.operations.role);
      const policies = resourcesOfType(stage.stateful, 'AWS::IAM::Policy').filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes(roleId));
      const s3 = policies
        .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: PolicyStatement[] }).Statement)
        .filter((statement) => asArray(statement.Action).some((action) => action.startsWith('s3:')));
      expect(s3.map((statement) => [asArray(statement.Action), renderCfn(statement.Resource)])).toEqual([
        [['s3:AbortMultipartUpload', 's3:PutObject'], `arn:\${AWS::Partition}:s3:::${stage.config.resourcePrefix}-imports-\${AWS::AccountId}-\${AWS::Region}/imports/*`],
        [['s3:GetObject'], `arn:\${AWS::Partition}:s3:::${stage.config.resourcePrefix}-imports-\${AWS::AccountId}-\${AWS::Region}/reports/*`],
      ]);
    }
  });
});

describe('importer', () => {
  it('is invoked for objects created under imports/ of the import bucket only', () => {
    for (const stage of each()) {
      const rule = resourceOf(stage, 'api', stage.stacks.api.importTrigger);
      const pattern = rule.Properties?.EventPattern as { source: string[]; 'detail-type': string[]; detail: { bucket: { name: unknown[] }; object: { key: unknown[] } } };
      expect(pattern.source).toEqual(['aws.s3']);
      expect(pattern['detail-type']).toEqual(['Object Created']);
      expect(pattern.detail.object.key).toEqual([{ prefix: 'imports/' }]);
      expect(pattern.detail.bucket.name).toHaveLength(1);
      expect(renderCfn(pattern.detail.bucket.name[0])).toBe(`${stage.config.resourcePrefix}-imports-\${AWS::AccountId}-\${AWS::Region}`);
      expect(renderCfn(resourceOf(stage, 'stateful', stage.stacks.stateful.imports.bucket).Properties?.BucketName)).toBe(renderCfn(pattern.detail.bucket.name[0]));

      const importerId = logicalId(stage, 'api', stage.stacks.api.functions['import-from-s3'].function);
      const queueId = logicalId(stage, 'api', stage.stacks.api.importFailures);
      const targets = rule.Properties?.Targets as Array<Record<string, unknown>>;
      expect(targets).toHaveLength(1);
      expect(targets[0]).toMatchObject({
        Arn: { 'Fn::GetAtt': [importerId, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
      });

      // EventBridge, and only this rule, may invoke the importer.
      const permissions = resourcesOfType(stage.api, 'AWS::Lambda::Permission').filter(([, permission]) => JSON.stringify(permission.Properties?.FunctionName).includes(importerId));
      expect(permissions).toHaveLength(1);
      expect(permissions[0]![1].Properties).toMatchObject({
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalId(stage, 'api', stage.stacks.api.importTrigger), 'Arn'] },
      });
    }
  });

  it('retries failed imports twice, then parks the event in an encrypted, TLS-only queue', () => {
    for (const stage of each()) {
      const importerId = logicalId(stage, 'api', stage.stacks.api.functions['import-from-s3'].function);
      const queueId = logicalId(stage, 'api', stage.stacks.api.importFailures);
      // The importer's (the reconciliation has one of its own, reconciliation.test.ts).
      const invokeConfigs = resourcesOfType(stage.api, 'AWS::Lambda::EventInvokeConfig').filter(([, config]) => JSON.stringify(config.Properties?.FunctionName) === JSON.stringify({ Ref: importerId }));
      expect(invokeConfigs).toHaveLength(1);
      expect(invokeConfigs[0]![1].Properties).toMatchObject({
        FunctionName: { Ref: importerId },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      expect(resourceOf(stage, 'api', stage.stacks.api.importFailures).Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: stage.config.imports.failureRetention.toSeconds(),
      });
      const [, queuePolicy] = resourcesOfType(stage.api, 'AWS::SQS::QueuePolicy').find(([, policy]) => JSON.stringify(policy.Properties?.Queues).includes(queueId))!;
      const statements = (queuePolicy.Properties?.PolicyDocument as { Statement: PolicyStatement[] }).Statement;
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      // EventBridge may send dead letters from this rule only.
      const allows = statements.filter((statement) => statement.Effect === 'Allow');
      expect(allows).toHaveLength(1);
      expect(allows[0]).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' });
      expect(renderCfn((allows[0]!.Condition as { ArnEquals: Record<string, unknown> }).ArnEquals['aws:SourceArn'])).toContain(logicalId(stage, 'api', stage.stacks.api.importTrigger));
    }
  });

  it('runs up to 15 minutes with 2 GiB of /tmp, and is told only the table name and its geocoding settings', () => {
    for (const stage of each()) {
      const fn = resourceOf(stage, 'api', stage.stacks.api.functions['import-from-s3'].function).Properties;
      expect(fn).toMatchObject({ Timeout: 900, MemorySize: 1536, EphemeralStorage: { Size: 2048 } });
      const variables = (fn?.Environment as { Variables: Record<string, unknown> }).Variables;
      // The geocoding settings are asserted per stage in geocoding.test.ts.
      const geocoding = stage.config.geocoding.geocoder === 'none' ? ['GEOCODER'] : ['GEOCODER', 'GEOCODER_MAX_ATTEMPTS', 'GEOCODER_REGION'];
      expect(Object.keys(variables).sort()).toEqual([...geocoding, 'NODE_OPTIONS', 'PROGRAMS_TABLE'].sort());
      expect(asArray(JSON.stringify(variables.PROGRAMS_TABLE))[0]).toContain(`IopDirectory-${stage.config.stage}-Stateful`);
    }
  });
});
