import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Domain } from 'aws-cdk-lib/aws-opensearchservice';
import type { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS } from '../../functions/adapters/dynamodb/programs-table';
import { RATE_LIMIT_EXPIRY_ATTRIBUTE } from '../../functions/adapters/dynamodb/dynamodb-rate-limiter';
import type { StageConfig } from '../config/stages';
import { ImportBucket } from '../constructs/import-bucket';
import { ManagementTrail } from '../constructs/management-trail';
import { OperationsRole } from '../constructs/operations-role';
import { ProviderUserPool } from '../constructs/provider-user-pool';
import { SearchDomain } from '../constructs/search-domain';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * What holds data: the programs table (source of truth), the search domain (derived from it), the
 * user pool (provider and reviewer accounts) and the import bucket (uploaded files and reports). Kept apart from the API stack so code deploys
 * never touch, or risk replacing, any of them.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  readonly searchDomain: Domain;
  /** What operators assume for the search domain (reindex, reconcile, its security configuration). */
  readonly operations: OperationsRole;
  readonly users: ProviderUserPool;
  readonly imports: ImportBucket;
  /** The trail of write management events, when the stage creates its own (auth.auditTrail). */
  readonly auditTrail: ManagementTrail | undefined;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, { terminationProtection: config.terminationProtection, ...stackProps });

    // No tableName: generated names never collide between stages or regions, and the functions
    // read the name from PROGRAMS_TABLE anyway.
    this.table = new Table(this, 'Programs', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // The indexer needs the old image to remove a program that was unpublished or deleted.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      // Rate-limit counters (problem reports) carry an epoch-seconds expiry; DynamoDB deletes them.
      timeToLiveAttribute: RATE_LIMIT_EXPIRY_ATTRIBUTE,
      deletionProtection: config.table.deletionProtection,
      removalPolicy: config.removalPolicy,
    });

    // The same indexes the local stack creates (ensureProgramsTable): a provider's listings, and
    // the review queue. ALL projections let either serve a page without reading the base table.
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.operations = new OperationsRole(this, 'Operations', {
      config,
      domainArn: SearchDomain.arn(this, config),
      table: this.table,
      importBucketArn: `arn:${this.partition}:s3:::${ImportBucket.nameFor(config)}`,
    });
    this.searchDomain = new SearchDomain(this, 'Search', { config, operationsRoleArn: OperationsRole.arn(config) }).domain;
    // The master user of fine-grained access control, and the one operator the access policy admits.
    this.searchDomain.node.addDependency(this.operations);
    this.users = new ProviderUserPool(this, 'Users', { config, table: this.table });
    this.imports = new ImportBucket(this, 'Imports', { config });
    // What hands user-pool API calls to EventBridge (the reviewers-group watch), unless an account
    // or organization trail already does (auth.auditTrail).
    const { auditTrail } = config.auth;
    this.auditTrail =
      auditTrail.kind === 'stack' ? new ManagementTrail(this, 'AuditTrail', { config, retention: auditTrail.retention, accessLogs: this.imports.accessLogs }) : undefined;

    new CfnOutput(this, 'ProgramsTableName', { value: this.table.tableName });
    new CfnOutput(this, 'SearchDomainEndpoint', { value: `https://${this.searchDomain.domainEndpoint}` });
    new CfnOutput(this, 'OperationsRoleArn', {
      value: this.operations.role.roleArn,
      description: 'Assume it for npm run reindex, reconcile and search-access against this stage (README "The search domain in AWS")',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.users.client.userPoolClientId });
    new CfnOutput(this, 'ImportBucketName', { value: this.imports.bucket.bucketName });
  }
}
