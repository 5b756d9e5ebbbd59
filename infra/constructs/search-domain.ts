import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { EbsDeviceVolumeType } from 'aws-cdk-lib/aws-ec2';
import { AccountRootPrincipal, PolicyDocument, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnResourcePolicy, LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnDomain, Domain, EngineVersion, TLSSecurityPolicy } from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import {
  directoryFunctionNames,
  directoryFunctions,
  functionRoleArn,
  openSearchPermissions,
  type OpenSearchAccessLevel,
} from '../config/functions';
import type { StageConfig } from '../config/stages';
import { acknowledgeNag } from '../nag/acknowledge';

/** Must match the engine the project runs locally (local/opensearch), so mappings and queries behave alike. */
export const searchEngineVersion = EngineVersion.OPENSEARCH_2_19;

export interface SearchDomainProps {
  readonly config: StageConfig;
}

/**
 * The OpenSearch domain, reachable only with SigV4 signatures from the directory's function roles,
 * with its slow and error logs in log groups we own.
 */
export class SearchDomain extends Construct {
  /** The domain ARN built from its fixed name, usable before the domain exists (and in other stacks). */
  static arn(scope: Construct, config: StageConfig): string {
    return Stack.of(scope).formatArn({
      service: 'es',
      resource: 'domain',
      resourceName: config.search.domainName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  readonly domain: Domain;

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    const { config } = props;
    const search = config.search;
    const domainArn = SearchDomain.arn(this, config);

    const logGroup = (logId: string) =>
      new LogGroup(this, logId, { retention: config.logRetention, removalPolicy: config.removalPolicy });
    const slowSearchLogs = logGroup('SlowSearchLogs');
    const slowIndexLogs = logGroup('SlowIndexLogs');
    const errorLogs = logGroup('ErrorLogs');

    // Our own resource policy instead of the construct's default, which is a custom resource with
    // its own Lambda and a policy allowing logs:PutResourcePolicy on "*". This one also pins the
    // writer to this domain (confused-deputy protection).
    const logsPolicy = new CfnResourcePolicy(this, 'LogsResourcePolicy', {
      policyName: `${config.resourcePrefix}-opensearch-logs`,
      policyDocument: Stack.of(this).toJsonString(
        new PolicyDocument({
          statements: [
            new PolicyStatement({
              principals: [new ServicePrincipal('es.amazonaws.com')],
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [slowSearchLogs, slowIndexLogs, errorLogs].map((group) => group.logGroupArn),
              conditions: {
                StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
                ArnLike: { 'aws:SourceArn': domainArn },
              },
            }),
          ],
        }),
      ),
    });

    this.domain = new Domain(this, 'Domain', {
      domainName: search.domainName,
      version: searchEngineVersion,
      // Without this, bumping the engine version replaces the domain (and drops the index).
      enableVersionUpgrade: true,
      capacity: {
        dataNodes: search.dataNodes,
        dataNodeInstanceType: search.dataNodeInstanceType,
        ...(search.dedicatedMasters
          ? { masterNodes: search.dedicatedMasters.count, masterNodeInstanceType: search.dedicatedMasters.instanceType }
          : {}),
        multiAzWithStandbyEnabled: search.multiAzWithStandby,
      },
      zoneAwareness: search.zoneAwareness
        ? { enabled: true, availabilityZoneCount: search.zoneAwareness.availabilityZoneCount }
        : { enabled: false },
      ebs: { enabled: true, volumeSize: search.volumeSizeGiB, volumeType: EbsDeviceVolumeType.GP3 },
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      // TLS 1.2+ with forward-secret ciphers only; the functions' Node.js client negotiates ECDHE.
      tlsSecurityPolicy: TLSSecurityPolicy.TLS_1_2_PFS,
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup: slowSearchLogs,
        slowIndexLogEnabled: true,
        slowIndexLogGroup: slowIndexLogs,
        appLogEnabled: true,
        appLogGroup: errorLogs,
      },
      suppressLogsResourcePolicy: true,
      // Service software (security) updates install in the off-peak window instead of waiting for someone.
      offPeakWindowEnabled: true,
      enableAutoSoftwareUpdate: true,
      removalPolicy: config.removalPolicy,
    });
    this.domain.node.addDependency(logsPolicy);

    // Set on the L1 resource because Domain#addAccessPolicies goes through a custom resource (an extra
    // Lambda with es:UpdateDomainConfig) only to dodge the self-reference; the fixed-name ARN avoids it.
    (this.domain.node.defaultChild as CfnDomain).accessPolicies = new PolicyDocument({
      statements: accessStatements(config, domainArn),
    });

    acknowledgeNag(
      this.domain,
      'AwsSolutions-OS1',
      'The domain indexes only public program listings (no patient data) and accepts only SigV4-signed requests from the directory function roles. Outside a VPC the functions need no VPC either, so no NAT gateway or interface endpoints (X-Ray, OpenSearch) and no ENI cold starts.',
    );
    acknowledgeNag(
      this.domain,
      'AwsSolutions-OS3',
      'Callers are Lambda functions whose egress IPs are neither fixed nor published, so an IP allowlist cannot express them; the access policy instead trusts only the function role ARNs (aws:PrincipalArn) and every request must be SigV4-signed.',
    );
    if (!search.dedicatedMasters) {
      acknowledgeNag(
        this.domain,
        'AwsSolutions-OS4',
        `${config.stage} runs a single data node: a separate master quorum would triple the cost of a disposable domain that is rebuilt from DynamoDB; prod configures three dedicated masters.`,
      );
    }
    if (!search.zoneAwareness) {
      acknowledgeNag(
        this.domain,
        'AwsSolutions-OS7',
        `${config.stage} runs a single data node, which cannot be spread across zones; prod enables zone awareness across three AZs.`,
      );
    }
  }
}

/**
 * One statement per permission of each access level, trusting the roles of the functions at that
 * level. The principal is the account so the policy is valid before the roles exist (the API stack
 * deploys after this one); aws:PrincipalArn then narrows it to exactly those roles.
 */
function accessStatements(config: StageConfig, domainArn: string): PolicyStatement[] {
  const levels: OpenSearchAccessLevel[] = ['read', 'write'];
  return levels.flatMap((level) => {
    const roleArns = directoryFunctionNames
      .filter((name) => directoryFunctions[name].openSearchAccess === level)
      .map((name) => functionRoleArn(config, name));
    if (roleArns.length === 0) return [];
    return openSearchPermissions[level].map(
      (permission) =>
        new PolicyStatement({
          principals: [new AccountRootPrincipal()],
          actions: [...permission.actions],
          resources: permission.paths.map((suffix) => `${domainArn}${suffix}`),
          conditions: { ArnEquals: { 'aws:PrincipalArn': roleArns } },
        }),
    );
  });
}
