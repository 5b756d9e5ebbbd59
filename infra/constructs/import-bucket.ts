import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { functionRoleArn } from '../config/function-roles';
import { importBucketPrefixes } from '../config/functions';
import type { StageConfig } from '../config/stages';

export interface ImportBucketProps {
  readonly config: StageConfig;
}

/**
 * Where operators drop files to import (`imports/`) and read what became of them (`reports/`),
 * plus the bucket its server access logs go to. Uploads announce themselves to EventBridge; the
 * API stack's rule picks those under `imports/` and invokes the importer.
 */
export class ImportBucket extends Construct {
  /**
   * Fixed rather than generated, like the search domain's: the importer's grants and their nag
   * acknowledgements in the API stack name `<bucket arn>/imports/*` before the bucket exists, and a
   * cross-stack reference would only render at synthesis. Account and region keep the name unique
   * in S3's global namespace.
   */
  static nameFor(config: StageConfig): string {
    return `${config.resourcePrefix}-imports-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
  }

  /** ARN patterns of the roles that may upload for import (`imports.uploaderRoles`), in the stack's partition and account. */
  static uploaderRoleArns(config: StageConfig): string[] {
    return config.imports.uploaderRoles.map((role) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${role}`);
  }

  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: ImportBucketProps) {
    super(scope, id);
    const { imports } = props.config;

    // The log bucket is retained in every stage: it is the record of who uploaded what, and its
    // generated name never stands in the way of deploying the stage again.
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Server access log delivery supports SSE-S3 only, not SSE-KMS.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: imports.accessLogRetention }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: ImportBucket.nameFor(props.config),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // SSE-S3 rather than a customer key: the uploads are public facility listings, and a key
      // would need kms grants for every uploader and for the importer on top of the bucket access.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // An upload that replaces another keeps the earlier one recoverable, and the importer reads
      // the exact version whose event it handles.
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'import-bucket/',
      lifecycleRules: [
        { id: 'expire-reports', prefix: importBucketPrefixes.reports, expiration: imports.reportRetention },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: imports.noncurrentVersionRetention,
          expiredObjectDeleteMarker: true,
          // A CLI upload that died halfway leaves parts that bill until aborted.
          abortIncompleteMultipartUploadAfter: imports.noncurrentVersionRetention,
        },
      ],
      // Retained in prod. In dev it goes with the stack, because a retained bucket would keep its
      // fixed name and make the next deploy of the stage fail. CloudFormation deletes only an empty
      // bucket, and emptying it on delete (autoDeleteObjects) would add a custom-resource Lambda, so
      // it is emptied by hand first (README "Deploying a stage", tearing dev down).
      removalPolicy: props.config.removalPolicy,
    });

    // An upload under imports/ is published without review, so only the stage's named operator
    // roles may put objects there, and only the importer may write reports: an explicit Deny that
    // no identity policy in the account (an administrator's, a CI role's) can outweigh. Reads are
    // untouched, so the importer still fetches what it is told about.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'UploadsOnlyByOperatorRoles',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${importBucketPrefixes.imports}*`)],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': ImportBucket.uploaderRoleArns(props.config) } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'ReportsOnlyByTheImporter',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${importBucketPrefixes.reports}*`)],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': [functionRoleArn(props.config, 'import-from-s3')] } },
      }),
    );

    // Native CloudFormation rather than a bucket notification or `eventBridgeEnabled`, which CDK
    // implements with a custom-resource Lambda. Routing through EventBridge also keeps the stateful
    // stack from referencing the importer in the API stack, which would make the stacks circular.
    (this.bucket.node.defaultChild as CfnBucket).addPropertyOverride('NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled', true);
  }
}
