import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
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

  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: ImportBucketProps) {
    super(scope, id);
    const { imports } = props.config;

    // Buckets are retained in every stage: CloudFormation cannot delete a bucket that still holds
    // objects, and emptying it on delete (autoDeleteObjects) would add a custom-resource Lambda.
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
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Native CloudFormation rather than a bucket notification or `eventBridgeEnabled`, which CDK
    // implements with a custom-resource Lambda. Routing through EventBridge also keeps the stateful
    // stack from referencing the importer in the API stack, which would make the stacks circular.
    (this.bucket.node.defaultChild as CfnBucket).addPropertyOverride('NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled', true);
  }
}
