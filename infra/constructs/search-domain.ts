import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { EbsDeviceVolumeType } from 'aws-cdk-lib/aws-ec2';
import { AccountRootPrincipal, AnyPrincipal, Effect, PolicyDocument, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnResourcePolicy, LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnDomain, Domain, EngineVersion, TLSSecurityPolicy } from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import { functionRoleArn } from '../config/function-roles';
import { directoryFunctionNames, directoryFunctions, functionsWithCapability } from '../config/functions';
import { openSearchCapabilities, openSearchCapabilityDefinitions, operationsHttpActions } from '../config/search-access';
import type { StageConfig } from '../config/stages';
import { acknowledgeNag } from '../nag/acknowledge';

/** Must match the engine the project runs locally (local/opensearch), so mappings and queries behave alike. */
export const searchEngineVersion = EngineVersion.OPENSEARCH_2_19;

export interface SearchDomainProps {
  readonly config: StageConfig;
  /** The one role besides the function roles the domain admits, and master user of fine-grained access control. */
  readonly operationsRoleArn: string;
}

/**
 * The OpenSearch domain, reachable only with SigV4 signatures from the directory's function roles
 * (each for what its capabilities name) and the operations role, every other principal denied
 * explicitly; with fine-grained access control and audit logs where the stage says, and its slow,
 * error and audit logs in log groups we own.
 *
 * Public endpoint, not VPC (README "The search domain in AWS"): a domain cannot move between the two in
 * place, so this is decided before launch.
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
    const { config, operationsRoleArn } = props;
    const search = config.search;
    const domainArn = SearchDomain.arn(this, config);

    const logGroup = (logId: string) =>
      new LogGroup(this, logId, { retention: config.logRetention, removalPolicy: config.removalPolicy });
    const slowSearchLogs = logGroup('SlowSearchLogs');
    const slowIndexLogs = logGroup('SlowIndexLogs');
    const errorLogs = logGroup('ErrorLogs');
    // Fine-grained access control's audit log: failed logins, missing privileges, changes to the
    // security configuration (what is recorded is set through its API: npm run search-access).
    const auditLogs = search.fineGrainedAccessControl ? logGroup('AuditLogs') : undefined;

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
              resources: [slowSearchLogs, slowIndexLogs, errorLogs, ...(auditLogs ? [auditLogs] : [])].map((group) => group.logGroupArn),
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
        ...(auditLogs ? { auditLogEnabled: true, auditLogGroup: auditLogs } : {}),
      },
      // The operations role (IAM) is the master user: it maps the function roles to their
      // OpenSearch roles and configures the audit log. No internal users, no basic auth.
      ...(search.fineGrainedAccessControl ? { fineGrainedAccessControl: { masterUserArn: operationsRoleArn } } : {}),
      suppressLogsResourcePolicy: true,
      // Service software (security) updates install in the off-peak window instead of waiting for
      // someone, and the window is set outside US evenings (stages.ts offPeakWindowStartUtc).
      offPeakWindowEnabled: true,
      offPeakWindowStart: search.offPeakWindowStartUtc,
      enableAutoSoftwareUpdate: true,
      removalPolicy: config.removalPolicy,
    });
    this.domain.node.addDependency(logsPolicy);

    // Set on the L1 resource because Domain#addAccessPolicies goes through a custom resource (an extra
    // Lambda with es:UpdateDomainConfig) only to dodge the self-reference; the fixed-name ARN avoids it.
    (this.domain.node.defaultChild as CfnDomain).accessPolicies = new PolicyDocument({
      statements: accessStatements(config, domainArn, operationsRoleArn),
    });

    acknowledgeNag(
      this.domain,
      'AwsSolutions-OS1',
      `Public endpoint by decision (README "The search domain in AWS"): it indexes only public program listings (no patient data) and admits only SigV4-signed requests of the function roles and the operations role, denying every other principal explicitly${search.fineGrainedAccessControl ? ', with fine-grained access control and audit logs behind that' : ''}. Outside a VPC the functions need none either: no NAT gateway or interface endpoints, and operators reach the domain without a bastion.`,
    );
    acknowledgeNag(
      this.domain,
      'AwsSolutions-OS3',
      'Callers are Lambda functions and operators whose source IPs are neither fixed nor published, so an IP allowlist cannot express them; instead the access policy allows each function role only its own verbs and paths (aws:PrincipalArn), the operations role the domain, and explicitly denies every other principal, and every request must be SigV4-signed.',
    );
    if (!search.dedicatedMasters) {
      acknowledgeNag(
        this.domain,
        'AwsSolutions-OS4',
        `${config.stage} runs a single data node: a separate master quorum would add three nodes to it (four times the cost) for a disposable domain that is rebuilt from DynamoDB; prod configures three dedicated masters.`,
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
 * The domain's access policy. Same-account principals are admitted by their own IAM policies alone
 * (an Allow here only adds to them), so what restricts is the Deny: every principal other than the
 * function roles that hold a capability and the operations role is refused, whatever its own
 * policies say (an account administrator, a CI role, another stage's roles). The Allows mirror the
 * identity policies, one statement per verb set and path of each capability, for exactly the roles
 * that hold it.
 *
 * The principal of the Allows is the account, narrowed by aws:PrincipalArn, so the policy is valid
 * before the roles exist (the API stack deploys after this one); the Deny names everyone ("*") and
 * spares the same ARNs with ArnNotEquals.
 */
export function accessStatements(config: StageConfig, domainArn: string, operationsRoleArn: string): PolicyStatement[] {
  const admitted = [
    ...directoryFunctionNames.filter((name) => directoryFunctions[name].openSearchAccess.length > 0).map((name) => functionRoleArn(config, name)),
    operationsRoleArn,
  ];
  const capabilityStatements = openSearchCapabilities.flatMap((capability) => {
    const roleArns = functionsWithCapability(capability).map((name) => functionRoleArn(config, name));
    if (roleArns.length === 0) return [];
    return openSearchCapabilityDefinitions[capability].iam.map(
      (permission) =>
        new PolicyStatement({
          sid: `${capability.replace(/-/g, '')}${permission.actions.map((action) => action.replace('es:ESHttp', '')).join('')}`,
          principals: [new AccountRootPrincipal()],
          actions: [...permission.actions],
          resources: permission.paths.map((path) => `${domainArn}${path}`),
          conditions: { ArnEquals: { 'aws:PrincipalArn': roleArns } },
        }),
    );
  });
  return [
    ...capabilityStatements,
    new PolicyStatement({
      sid: 'operations',
      principals: [new AccountRootPrincipal()],
      actions: [...operationsHttpActions],
      resources: [domainArn, `${domainArn}/*`],
      conditions: { ArnEquals: { 'aws:PrincipalArn': [operationsRoleArn] } },
    }),
    new PolicyStatement({
      sid: 'denyEveryoneElse',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['es:ESHttp*'],
      resources: [domainArn, `${domainArn}/*`],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': admitted } },
    }),
  ];
}
