import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Size } from 'aws-cdk-lib';
import { Grant, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LayerVersion, LoggingFormat, ApplicationLogLevel, SystemLogLevel, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IDomain } from 'aws-cdk-lib/aws-opensearchservice';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE_INDEXES } from '../../functions/adapters/dynamodb/programs-table';
import { GAZETTEER_DATA_FILES } from '../../functions/gazetteer/gazetteer-data-file';
import { functionRoleName } from '../config/function-roles';
import { dynamoDbPermissions, importBucketPrefixes } from '../config/functions';
import { geoPlacesProviderArn } from '../config/geocoding';
import { POWERTOOLS_EXTERNALS, powertoolsLayerArn } from '../config/observability';
import { openSearchClientEnvironment } from '../config/opensearch-client';
import { openSearchCapabilityDefinitions, type OpenSearchCapability } from '../config/search-access';
import type { StageConfig } from '../config/stages';
import { functionDefinitionOf, type StageFunctionName } from '../config/user-pool-triggers';
import { acknowledgeNag, acknowledgeWildcardResource } from '../nag/acknowledge';
import type { FunctionEnvironment } from '../../functions/config/environment-variables';

/** Repository root; handler entries are resolved from here so synthesis works from any cwd. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function handlerEntry(entry: string): string {
  return path.join(repoRoot, 'functions', 'handlers', `${entry}.ts`);
}

/**
 * Node 24 is what the project runs locally (package.json engines); fall back to 22 only when an
 * older aws-cdk-lib without the 24 runtime is installed.
 */
export const functionRuntime: Runtime =
  (Runtime as unknown as { NODEJS_24_X?: Runtime }).NODEJS_24_X ?? Runtime.NODEJS_22_X;

/**
 * esbuild's ESM output has no `require`, but bundled CommonJS dependencies still call it for Node
 * built-ins; the alias avoids clashing with any `createRequire` identifier inside the bundle.
 */
const esmRequireBanner =
  "import { createRequire as __directoryCreateRequire } from 'node:module'; const require = __directoryCreateRequire(import.meta.url);";

/** Shell commands that copy into `outputDir` each geo data file its bundle (index.mjs) names. */
function dataFileCommands(outputDir: string): string[] {
  const bundle = path.join(outputDir, 'index.mjs');
  return GAZETTEER_DATA_FILES.map(
    (name) => `if grep -qF '${name}' '${bundle}'; then cp '${path.join(repoRoot, 'functions', 'gazetteer', name)}' '${outputDir}/'; fi`,
  );
}

export type ResourceAccess =
  | { readonly kind: 'opensearch'; readonly domain: IDomain; readonly capabilities: readonly OpenSearchCapability[] }
  | { readonly kind: 'dynamodb-stream'; readonly table: ITable }
  | { readonly kind: 'dynamodb-table'; readonly table: ITable; readonly level: 'read' | 'write' | 'import' | 'report' | 'reconcile' }
  | { readonly kind: 'import-bucket'; readonly bucket: IBucket }
  /** Amazon Location Service's Places API v2 in one region (the importer's geocoder). */
  | { readonly kind: 'geo-places'; readonly region: string };

export interface DirectoryFunctionProps {
  readonly config: StageConfig;
  /** A function of the API stack (config/functions.ts) or one of the user pool's triggers (config/user-pool-triggers.ts). */
  readonly name: StageFunctionName;
  /** Only variables some function reads (functions/config/environment-variables.ts). */
  readonly environment: FunctionEnvironment;
}

/**
 * Every Lambda of the directory, with the defaults decided once: runtime, ARM, ESM bundle with
 * source maps, owned log group with retention, X-Ray, and a dedicated role that may only write its
 * logs and traces until `grant` adds access to a resource.
 */
export class DirectoryFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: DirectoryFunctionProps) {
    super(scope, id);
    const { config, name } = props;
    const definition = functionDefinitionOf(name);
    const sizing = config.functions[name];

    // Our own role instead of the default one: the default attaches AWSLambdaBasicExecutionRole,
    // which may write to any log group in the account, and its generated name could not be
    // trusted by the domain policy ahead of time.
    this.role = new Role(this, 'Role', {
      roleName: functionRoleName(config, name),
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${config.resourcePrefix} ${name}: ${definition.description}`,
    });

    // An explicit group (rather than the implicit /aws/lambda/<name>) gets retention and a removal
    // policy instead of living forever, and lets the role write to this group only.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: handlerEntry(definition.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      description: definition.description,
      runtime: functionRuntime,
      architecture: Architecture.ARM_64,
      memorySize: sizing.memorySizeMiB,
      timeout: sizing.timeout,
      // Absent: the function shares the account's unreserved pool (infra/config/stages.ts `concurrency`).
      ...(config.concurrency.reserved[name] !== undefined ? { reservedConcurrentExecutions: config.concurrency.reserved[name] } : {}),
      ...(sizing.ephemeralStorageMiB ? { ephemeralStorageSize: Size.mebibytes(sizing.ephemeralStorageMiB) } : {}),
      role: this.role,
      logGroup: this.logGroup,
      // JSON lets Lambda filter by level before ingestion and makes fields queryable in Insights.
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: Tracing.ACTIVE,
      // Logger, Metrics and Tracer (with the X-Ray SDK) come from AWS's public layer, not the bundle.
      layers: [
        LayerVersion.fromLayerVersionArn(this, 'PowertoolsLayer', powertoolsLayerArn(config.observability.powertoolsRelease)),
      ],
      environment: {
        ...props.environment,
        // Whoever is told where OpenSearch is also learns how long to wait for it: derived from this
        // function's timeout, so the client gives up (a 503) before Lambda does.
        ...(props.environment.OPENSEARCH_URL ? openSearchClientEnvironment(sizing.timeout) : {}),
        // The bundle is minified; without this, stack traces point into one long line.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Mappings are enough to resolve stack traces; embedding sources would roughly double the
        // zip that every cold start has to load.
        sourcesContent: false,
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: esmRequireBanner,
        // The Node.js runtime ships AWS SDK v3; bundling our own copy only grows cold starts.
        externalModules: ['@aws-sdk/*', ...POWERTOOLS_EXTERNALS],
        // esbuild's per-file size table is noise in every synth; warnings and errors still print.
        logLevel: LogLevel.WARNING,
        // Synthesis must work offline; never fall back to a Docker image pull.
        forceDockerBundling: false,
        // The zip and place tables are data read beside the bundle (functions/gazetteer/gazetteer-data-file.ts),
        // not code: each bundle that names one gets a copy of it (as bench/bundles.ts does).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => dataFileCommands(outputDir),
        },
      },
    });

    acknowledgeNag(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions (AWS requires Resource "*").',
    );
  }

  /** Grants this function the least access it needs to one resource; call once per resource. */
  grant(access: ResourceAccess): Grant {
    switch (access.kind) {
      case 'opensearch': {
        // Exactly the verbs and request paths of each capability (infra/config/search-access.ts);
        // the domain's own policy admits the same, for the same roles, and denies everyone else.
        const { domainArn } = access.domain;
        const grants = access.capabilities.flatMap((capability) =>
          openSearchCapabilityDefinitions[capability].iam.map((permission) => {
            const resourceArns = permission.paths.map((path) => `${domainArn}${path}`);
            for (const arn of resourceArns.filter((resource) => resource.includes('*'))) {
              acknowledgeWildcardResource(
                this.role,
                arn,
                `OpenSearch authorises each request against <domain arn>/<request path>; this wildcard stands for what only exists at run time (a document id, or the stamp of a versioned index behind the alias) within the "${capability}" capability, limited to ${permission.actions.join(', ')}.`,
              );
            }
            return Grant.addToPrincipal({ grantee: this.role, actions: [...permission.actions], resourceArns });
          }),
        );
        return grants.reduce((all, grant) => all.combine(grant), Grant.drop(this.role, 'no OpenSearch access'));
      }
      case 'dynamodb-stream':
        acknowledgeNag(
          this.role,
          'AwsSolutions-IAM5[Resource::*]',
          'Reading a DynamoDB stream needs dynamodb:ListStreams, which supports no resource-level permissions (AWS requires Resource "*"); DescribeStream/GetRecords/GetShardIterator stay scoped to the one stream ARN.',
        );
        return access.table.grantStreamRead(this.role);
      case 'dynamodb-table':
        // Each index by name rather than grantReadData's `<table>/index/*`, so the role reaches
        // exactly the indexes the layout defines and needs no wildcard acknowledgement. Batch
        // actions address the base table only, so the importer gets no index ARNs at all.
        // The report writer (put and counter update, no reads) needs no index either, nor does the
        // reconciliation, which scans and batch-reads the base table.
        return Grant.addToPrincipal({
          grantee: this.role,
          actions: [...dynamoDbPermissions[access.level]],
          resourceArns:
            access.level === 'import' || access.level === 'report' || access.level === 'reconcile'
              ? [access.table.tableArn]
              : [access.table.tableArn, ...TABLE_INDEXES.map((index) => `${access.table.tableArn}/index/${index.indexName}`)],
        });
      case 'import-bucket': {
        // Not bucket.grantRead/grantPut: those add s3:GetBucket*, s3:List* and s3:Abort* actions
        // across the whole bucket. The importer fetches the exact (versioned) object it was told
        // about and writes reports only, so it can neither list uploads nor overwrite one.
        const uploads = access.bucket.arnForObjects(`${importBucketPrefixes.imports}*`);
        const reports = access.bucket.arnForObjects(`${importBucketPrefixes.reports}*`);
        acknowledgeWildcardResource(
          this.role,
          uploads,
          'The importer is invoked for whichever object was uploaded under imports/, so it may read any object (and object version) under that one prefix of the one import bucket, and nothing else in it.',
        );
        acknowledgeWildcardResource(
          this.role,
          reports,
          'Each report is named after its upload (reports/<upload key>.report.json), unknown until the upload happens, so the importer may put objects under the reports/ prefix of the import bucket only.',
        );
        return Grant.addToPrincipal({ grantee: this.role, actions: ['s3:GetObject', 's3:GetObjectVersion'], resourceArns: [uploads] }).combine(
          Grant.addToPrincipal({ grantee: this.role, actions: ['s3:PutObject'], resourceArns: [reports] }),
        );
      }
      case 'geo-places':
        // Geocode only (no autocomplete, search or reverse geocoding), on the AWS-managed
        // provider of one region: the Places API v2 has no resource of ours to scope it to.
        return Grant.addToPrincipal({ grantee: this.role, actions: ['geo-places:Geocode'], resourceArns: [geoPlacesProviderArn(access.region)] });
    }
  }
}
