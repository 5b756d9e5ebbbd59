import { Aws } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { importBucketPrefixes } from '../config/functions';
import { operationsHttpActions } from '../config/search-access';
import type { StageConfig } from '../config/stages';
import { acknowledgeWildcardResource } from '../nag/acknowledge';

export interface OperationsRoleProps {
  readonly config: StageConfig;
  /** The search domain's ARN (fixed name: SearchDomain.arn). */
  readonly domainArn: string;
  readonly table: ITable;
  /** The import bucket's ARN (fixed name: ImportBucket.nameFor). */
  readonly importBucketArn: string;
}

/**
 * The role operators assume to work on the search domain from a workstation (`npm run reindex`,
 * `reconcile`, `search-access`, `export`, `expiring` with `OPENSEARCH_AUTH=sigv4`): the only
 * principal besides the function roles that the domain's access policy admits, and the master user
 * of its fine-grained access control. It reads the programs table (the reindex and the
 * reconciliation scan it) and writes nothing there: imports go through the import bucket, where it
 * is, by default, the one role allowed to upload (`imports.uploaderRoles`) and reads the reports.
 *
 * Trusted by the account, so who may assume it is decided where people get their access (an IAM
 * Identity Center permission set, or an IAM policy with sts:AssumeRole on this ARN), and each
 * AssumeRole is in CloudTrail under the caller's own name. No MFA condition: sessions chained from
 * IAM Identity Center carry no MFA flag, so the condition would lock out the usual way in.
 */
export class OperationsRole extends Construct {
  /** The role's ARN from its configured name, usable before the role exists (IAM is global: no region). */
  static arn(config: StageConfig): string {
    return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${config.operations.roleName}`;
  }

  readonly role: Role;

  constructor(scope: Construct, id: string, props: OperationsRoleProps) {
    super(scope, id);
    const { config, domainArn, table, importBucketArn } = props;

    this.role = new Role(this, 'Role', {
      roleName: config.operations.roleName,
      assumedBy: new AccountRootPrincipal(),
      description: `${config.resourcePrefix} operations: reindex, reconcile and security configuration of the search domain; reads the programs table`,
    });

    const domainPaths = `${domainArn}/*`;
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...operationsHttpActions], resources: [domainArn, domainPaths] }),
    );
    acknowledgeWildcardResource(
      this.role,
      domainPaths,
      'The operations role administers this one search domain: a reindex creates, fills and deletes versioned indices and moves the alias, and fine-grained access control is configured through its _plugins/_security API, so every request path of the domain (and no other domain) is in scope.',
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        // A reindex or reconciliation scans the base table in parallel segments and batch-reads
        // items; the exports read it too. No writes, no index ARNs.
        actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
        resources: [table.tableArn],
      }),
    );

    // Uploads for import (whatever the bucket policy admits: imports.uploaderRoles) and their reports.
    const uploads = `${importBucketArn}/${importBucketPrefixes.imports}*`;
    const reports = `${importBucketArn}/${importBucketPrefixes.reports}*`;
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [uploads] }));
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [reports] }));
    acknowledgeWildcardResource(
      this.role,
      uploads,
      'Operators upload files of any name for import, under the imports/ prefix of the one import bucket only (the bucket policy refuses uploads there from any role not named in imports.uploaderRoles).',
    );
    acknowledgeWildcardResource(
      this.role,
      reports,
      'Each report is named after its upload (reports/<upload key>.report.json), so the operator who uploaded reads it under the reports/ prefix of the import bucket; nothing else in the bucket.',
    );
  }
}
