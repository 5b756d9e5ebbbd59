import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type CorsPreflightOptions,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { HttpLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { StartingPosition, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Domain } from 'aws-cdk-lib/aws-opensearchservice';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  directoryFunctionNames,
  directoryFunctions,
  importBucketPrefixes,
  searchIndexAlias,
  type DirectoryFunctionDefinition,
  type DirectoryFunctionName,
} from '../config/functions';
import { geocodingEnvironment, geocodingRegion } from '../config/geocoding';
import { checkReservedConcurrency, type StageConfig } from '../config/stages';
import type { UserPoolTriggerName } from '../config/user-pool-triggers';
import { DirectoryFunction } from '../constructs/directory-function';
import { ImportBucket } from '../constructs/import-bucket';
import { DirectoryMonitoring } from '../constructs/monitoring';
import { ExpiryWatch } from '../constructs/expiry-watch';
import { SearchReconciliation } from '../constructs/search-reconciliation';
import { OriginVerification } from '../constructs/origin-verification';
import { CursorSigningKey, makesCursors } from '../constructs/cursor-signing-key';
import { ReviewerMembershipWatch } from '../constructs/reviewer-membership-watch';
import { SearchDomain } from '../constructs/search-domain';
import { acknowledgeNag } from '../nag/acknowledge';
import type { FunctionEnvironment } from '../../functions/config/environment-variables';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  readonly table: ITable;
  /** Host name of the domain (no scheme), as CloudFormation reports it. */
  readonly searchDomainEndpoint: string;
  /** Issues the provider and reviewer tokens the functions accept, to `userPoolClient` only. */
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The user pool's triggers (stateful stack), for their alarms. */
  readonly userPoolTriggers: Readonly<Record<UserPoolTriggerName, IFunction>>;
}

/**
 * The code: the functions, the HTTP API in front of them (public search routes, and provider and
 * reviewer routes whose functions check the user pool's tokens themselves; every route behind the
 * origin check, so only the edge stack's distribution reaches it), and the stream indexer.
 */
export class ApiStack extends Stack {
  readonly functions: Readonly<Record<DirectoryFunctionName, DirectoryFunction>>;
  readonly httpApi: HttpApi;
  readonly indexFailures: Queue;
  readonly importFailures: Queue;
  readonly importTrigger: Rule;
  /** The daily summary of expiring licences and accreditations: its schedule, topic and failure alarm. */
  readonly expiryWatch: ExpiryWatch;
  /** The hourly reconciliation of the search index with the table (its alarms are in the monitoring). */
  readonly reconciliation: SearchReconciliation;
  /** The secret CloudFront sends and the authorizer that requires it on every route. */
  readonly originVerification: OriginVerification;
  /** The HTTP API's access log group (its 429s are counted from it). */
  readonly apiAccessLogs: LogGroup;
  /** The stage's alarms, their topic (subscribed to the stage's endpoints) and dashboard. */
  readonly monitoring: DirectoryMonitoring;
  /** Tells the alarm topic of every change to the reviewers group. */
  readonly reviewerMembership: ReviewerMembershipWatch;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    const { config, table, searchDomainEndpoint, userPool, userPoolClient, userPoolTriggers, ...stackProps } = props;
    super(scope, id, stackProps);
    checkReservedConcurrency(config);

    // The ARN comes from the domain's fixed name rather than an export, so grants and their nag
    // acknowledgements name a stable resource pattern.
    const domain = Domain.fromDomainAttributes(this, 'SearchDomain', {
      domainArn: SearchDomain.arn(this, config),
      domainEndpoint: searchDomainEndpoint,
    });

    this.originVerification = new OriginVerification(this, 'OriginVerification', { config });
    const cursorSigningKey = new CursorSigningKey(this, 'CursorSigningKey', { config });

    // Each function is told only about the resources its handler reads settings for.
    const environments: Record<string, FunctionEnvironment> = {
      search: {
        PROGRAMS_TABLE: table.tableName,
        OPENSEARCH_URL: `https://${searchDomainEndpoint}`,
        OPENSEARCH_AUTH: 'sigv4',
        SEARCH_INDEX_ALIAS: searchIndexAlias,
      },
      // Listing functions share one composition root, which looks new listings up in search to flag
      // likely duplicates (only create and update are granted the domain, read-only).
      listings: {
        PROGRAMS_TABLE: table.tableName,
        MAX_PENDING_LISTINGS: String(config.listings.maxPendingPerProvider),
        OPENSEARCH_URL: `https://${searchDomainEndpoint}`,
        OPENSEARCH_AUTH: 'sigv4',
        SEARCH_INDEX_ALIAS: searchIndexAlias,
      },
      // The bucket and key come with each event, and reports go back to the same bucket.
      import: {
        PROGRAMS_TABLE: table.tableName,
        ...geocodingEnvironment(config.geocoding),
      },
      origin: this.originVerification.environment(),
    };
    // Provider and reviewer functions check the bearer token themselves (functions/adapters/auth/),
    // so a refusal leaves as the contract's 401 rather than API Gateway's own body.
    const tokenVerification: FunctionEnvironment = {
      TOKEN_VERIFICATION: 'cognito',
      COGNITO_USER_POOL_ID: userPool.userPoolId,
      COGNITO_CLIENT_ID: userPoolClient.userPoolClientId,
    };
    const routeEnvironment = (name: DirectoryFunctionName, definition: DirectoryFunctionDefinition): FunctionEnvironment => ({
      ...(definition.route?.authorization === 'jwt' ? tokenVerification : {}),
      // Behind CloudFront, API Gateway's sourceIp is an edge server; the report rate limit keys on
      // the viewer address the edge hands on (functions/http/client-address.ts).
      ...(name === 'submit-report' ? { CLIENT_ADDRESS: 'viewer-address-header' } : {}),
      ...(makesCursors(name) ? cursorSigningKey.environment() : {}),
    });

    const functions = Object.fromEntries(
      directoryFunctionNames.map((name) => {
        const definition: DirectoryFunctionDefinition = directoryFunctions[name];
        const environment = { ...environments[definition.environment], ...routeEnvironment(name, definition) };
        const fn = new DirectoryFunction(this, constructId(name), { config, name, environment });
        if (definition.openSearchAccess.length > 0) fn.grant({ kind: 'opensearch', domain, capabilities: definition.openSearchAccess });
        if (definition.dynamoDbAccess !== 'none') fn.grant({ kind: 'dynamodb-table', table, level: definition.dynamoDbAccess });
        return [name, fn];
      }),
    ) as Record<DirectoryFunctionName, DirectoryFunction>;
    this.functions = functions;

    const indexer = functions['index-stream'];
    indexer.grant({ kind: 'dynamodb-stream', table });

    // Lambda sends a pointer to the failed shard range here, not the records. Nobody has to act on
    // it: the hourly reconciliation compares the whole index with the table and repairs every
    // document a parked change left behind (README "Reconciliation"); the notice says what happened.
    this.indexFailures = new Queue(this, 'IndexStreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: config.indexer.failureRetention,
      removalPolicy: config.removalPolicy,
    });
    acknowledgeNag(
      this.indexFailures,
      'AwsSolutions-SQS3',
      'This queue is itself the on-failure destination of the stream event source mapping; a dead-letter queue for a dead-letter queue would only move the same failure notices one hop further.',
    );

    indexer.function.addEventSource(
      new DynamoEventSource(table, {
        // A new mapping must catch up on everything still in the stream, not only later writes.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        // Lambda checkpoints past the records that succeeded and retries from the first one the
        // handler reports as failed, instead of replaying the whole batch.
        reportBatchItemFailures: true,
        // A batch that fails as a whole (OpenSearch unreachable, a timeout) is retried in halves,
        // which also isolates a record that makes the whole call fail.
        bisectBatchOnError: true,
        // Retried until the record is this old (infra/config/stages.ts `indexer`): OpenSearch
        // trouble shorter than that parks nothing; what is parked, the reconciliation repairs.
        retryAttempts: config.indexer.retryAttempts,
        maxRecordAge: config.indexer.maxRecordAge,
        onFailure: new SqsDlq(this.indexFailures),
      }),
    );

    // By its fixed name, like the domain: grants and acknowledgements then name a stable ARN.
    const importBucket = Bucket.fromBucketName(this, 'ImportBucket', ImportBucket.nameFor(config));
    const importer = functions['import-from-s3'];
    importer.grant({ kind: 'import-bucket', bucket: importBucket });
    if (config.geocoding.geocoder === 'amazon-location') importer.grant({ kind: 'geo-places', region: geocodingRegion(config.geocoding) });
    ({ failures: this.importFailures, trigger: this.importTrigger } = this.importTriggerFor(config, importer, importBucket));

    this.httpApi = this.httpApiFor(config, functions, this.originVerification.authorizer(config, functions['verify-origin']));
    // Created by httpApiFor beside the stage that writes to it.
    this.apiAccessLogs = this.node.findChild('ApiAccessLogs') as LogGroup;
    this.reconciliation = new SearchReconciliation(this, 'Reconciliation', { config, reconciler: functions['reconcile-search-index'] });
    const monitoring = new DirectoryMonitoring(this, 'Monitoring', {
      config,
      functions,
      indexer: indexer.function,
      streamFailures: this.indexFailures,
      httpApi: this.httpApi,
      reconciler: functions['reconcile-search-index'].function,
      importFailures: this.importFailures,
      table,
      apiAccessLogs: this.apiAccessLogs,
      userPoolTriggers,
    });
    this.monitoring = monitoring;
    this.expiryWatch = new ExpiryWatch(this, 'ExpiryWatch', { config, summary: functions['expiry-summary'], alarmTopic: monitoring.topic });
    this.reviewerMembership = new ReviewerMembershipWatch(this, 'ReviewerMembership', { config, userPool, monitoring });

    new CfnOutput(this, 'IndexStreamFailuresQueueUrl', { value: this.indexFailures.queueUrl });
    new CfnOutput(this, 'ImportFailuresQueueUrl', { value: this.importFailures.queueUrl });
  }

  /**
   * Runs the importer for each object created under `imports/`. The bucket announces uploads to
   * EventBridge (see ImportBucket), and this rule filters them by bucket and prefix: a direct S3
   * notification would need either the bucket to reference this stack's function (circular
   * stacks) or CDK's notification custom resource (another Lambda with `s3:PutBucketNotification`
   * on "*"). Both delivery (EventBridge to Lambda) and the import itself (Lambda's async retries)
   * end in the same queue when they keep failing, with the original event for a manual redrive.
   */
  private importTriggerFor(config: StageConfig, importer: DirectoryFunction, bucket: IBucket): { failures: Queue; trigger: Rule } {
    const failures = new Queue(this, 'ImportFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: config.imports.failureRetention,
      removalPolicy: config.removalPolicy,
    });
    acknowledgeNag(
      failures,
      'AwsSolutions-SQS3',
      'This queue is where import events end up after EventBridge delivery retries or the importer async retries are exhausted; it holds the original S3 event for a manual redrive, so it has no dead-letter queue of its own.',
    );

    // Retrying re-reads the same object version, and rows already written count as unchanged.
    importer.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(failures),
    });

    const trigger = new Rule(this, 'ImportTrigger', {
      description: `Imports files uploaded under ${importBucketPrefixes.imports} of the import bucket`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [bucket.bucketName] },
          object: { key: Match.prefix(importBucketPrefixes.imports) },
        },
      },
    });
    trigger.addTarget(
      new LambdaFunction(importer.function, {
        deadLetterQueue: failures,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );
    return { failures, trigger };
  }

  private httpApiFor(config: StageConfig, functions: Record<DirectoryFunctionName, DirectoryFunction>, originAuthorizer: HttpLambdaAuthorizer): HttpApi {
    const cors: CorsPreflightOptions | undefined =
      config.api.corsAllowOrigins.length > 0
        ? {
            allowOrigins: [...config.api.corsAllowOrigins],
            allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.DELETE, CorsHttpMethod.OPTIONS],
            allowHeaders: ['content-type', 'authorization', 'if-match', 'idempotency-key', 'x-correlation-id'],
            // A browser may read only these response headers; updates need the ETag, creations the Location,
            // a refused problem report its Retry-After.
            exposeHeaders: ['etag', 'location', 'idempotent-replayed', 'x-correlation-id', 'retry-after'],
            // Lets browsers reuse one preflight per origin for a day instead of one per request.
            maxAge: Duration.days(1),
          }
        : undefined;

    const api = new HttpApi(this, 'HttpApi', {
      apiName: `${config.resourcePrefix}-api`,
      description: 'Treatment program directory: public search, and listing management for providers and reviewers',
      // The default stage that HttpApi would create accepts neither throttling nor access logs.
      createDefaultStage: false,
      ...(cors ? { corsPreflight: cors } : {}),
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { burstLimit: config.api.throttle.burstLimit, rateLimit: config.api.throttle.rateLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    // Every route, public or not, admits only requests that came through the distribution. Who the
    // caller is stays with the functions of the provider and reviewer routes (`jwt`), which check
    // the bearer token before their handler runs; an HTTP API authorizer could only refuse with
    // API Gateway's own 401 body, not the contract's.
    for (const name of directoryFunctionNames) {
      const { route }: DirectoryFunctionDefinition = directoryFunctions[name];
      if (!route) continue;
      const [method, path] = route.routeKey.split(' ') as [keyof typeof HttpMethod, string];
      api.addRoutes({
        path,
        methods: [HttpMethod[method]],
        integration: new HttpLambdaIntegration(`${constructId(name)}Integration`, functions[name].function),
        authorizer: originAuthorizer,
      });
    }

    new CfnOutput(this, 'ApiUrl', {
      value: stage.url,
      description: "The execute-api endpoint: it answers only requests from the distribution (clients use the edge stack's ApiUrl)",
    });
    return api;
  }
}

function constructId(name: DirectoryFunctionName): string {
  return name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
}
