import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Domain } from 'aws-cdk-lib/aws-opensearchservice';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages';
import { SearchDomain } from '../constructs/search-domain';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * What holds data: the programs table (source of truth) and the search domain (derived from it).
 * Kept apart from the API stack so code deploys never touch, or risk replacing, either.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  readonly searchDomain: Domain;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, { terminationProtection: config.terminationProtection, ...stackProps });

    // No tableName: generated names never collide between stages or regions, and the functions
    // read the name from PROGRAMS_TABLE anyway.
    this.table = new Table(this, 'Programs', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // The indexer needs the old image to remove a program that was unpublished or deleted.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: config.table.deletionProtection,
      removalPolicy: config.removalPolicy,
    });

    this.searchDomain = new SearchDomain(this, 'Search', { config }).domain;

    new CfnOutput(this, 'ProgramsTableName', { value: this.table.tableName });
    new CfnOutput(this, 'SearchDomainEndpoint', { value: `https://${this.searchDomain.domainEndpoint}` });
  }
}
