import { RemovalPolicy, type Duration } from 'aws-cdk-lib';
import { ReadWriteType, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stages';

export interface ManagementTrailProps {
  readonly config: StageConfig;
  /** How long the trail's log files are kept (auth.auditTrail.retention). */
  readonly retention: Duration;
  /** Where the log bucket's own server access logs go (the import bucket's access-log bucket). */
  readonly accessLogs: IBucket;
}

/**
 * A CloudTrail trail of this region's write management events (`auth.auditTrail: stack`). It is
 * what makes CloudTrail hand API calls to EventBridge: without a trail with logging on, the
 * reviewers-group rule (ReviewerMembershipWatch) never sees an event and never fires. The log
 * files themselves are the audit record of who changed what (the reviewers group among it) beyond
 * CloudTrail's 90-day event history. Read events are left out: they are most of the volume and say
 * nothing about a change. Single-region: Cognito, like the rest of the stage, is regional.
 */
export class ManagementTrail extends Construct {
  readonly trail: Trail;
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ManagementTrailProps) {
    super(scope, id);
    const { config, retention, accessLogs } = props;

    // Retained in every stage like the other buckets: CloudFormation cannot delete a bucket that
    // still holds objects, and an audit record should outlive the stack that wrote it anyway.
    this.bucket = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'audit-trail/',
      lifecycleRules: [{ id: 'expire-trail-logs', expiration: retention }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.trail = new Trail(this, 'Trail', {
      trailName: `${config.resourcePrefix}-management-events`,
      bucket: this.bucket,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      managementEvents: ReadWriteType.WRITE_ONLY,
      enableFileValidation: true,
      sendToCloudWatchLogs: false,
    });
  }
}
