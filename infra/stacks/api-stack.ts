import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type CorsPreflightOptions,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
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
import type { StageConfig } from '../config/stages';
import { DirectoryFunction } from '../constructs/directory-function';
import { ImportBucket } from '../constructs/import-bucket';
import { DirectoryMonitoring } from '../constructs/monitoring';
import { ExpiryWatch } from '../constructs/expiry-watch';
import { SearchDomain } from '../constructs/search-domain';
import { acknowledgeNag } from '../nag/acknowledge';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  readonly table: ITable;
  /** Host name of the domain (no scheme), as CloudFormation reports it. */
  readonly searchDomainEndpoint: string;
  /** Issues the provider and reviewer tokens the JWT authorizer accepts, to `userPoolClient` only. */
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
}

/**
 * The code: the functions, the HTTP API in front of them (public search routes, and provider and
 * reviewer routes behind the user pool's JWT authorizer), and the stream indexer.
 */
export class ApiStack extends Stack {
  readonly functions: Readonly<Record<DirectoryFunctionName, DirectoryFunction>>;
  readonly httpApi: HttpApi;
  readonly indexFailures: Queue;
  readonly importFailures: Queue;
  readonly importTrigger: Rule;
  /** The daily summary of expiring licences and accreditations: its schedule, topic and failure alarm. */
  readonly expiryWatch: ExpiryWatch;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    const { config, table, searchDomainEndpoint, userPool, userPoolClient, ...stackProps } = props;
    super(scope, id, stackProps);

    // The ARN comes from the domain's fixed name rather than an export, so grants and their nag
    // acknowledgements name a stable resource pattern.
    const domain = Domain.fromDomainAttributes(this, 'SearchDomain', {
      domainArn: SearchDomain.arn(this, config),
      domainEndpoint: searchDomainEndpoint,
    });

    // Each function is told only about the resources its handler reads settings for.
    const environments = {
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
    };

    const functions = Object.fromEntries(
      directoryFunctionNames.map((name) => {
        const definition: DirectoryFunctionDefinition = directoryFunctions[name];
        const fn = new DirectoryFunction(this, constructId(name), { config, name, environment: environments[definition.environment] });
        if (definition.openSearchAccess !== 'none') fn.grant({ kind: 'opensearch', domain, level: definition.openSearchAccess });
        if (definition.dynamoDbAccess !== 'none') fn.grant({ kind: 'dynamodb-table', table, level: definition.dynamoDbAccess });
        return [name, fn];
      }),
    ) as Record<DirectoryFunctionName, DirectoryFunction>;
    this.functions = functions;

    const indexer = functions['index-stream'];
    indexer.grant({ kind: 'dynamodb-stream', table });

    // Lambda sends a pointer to the failed shard range here, not the records; the stream keeps
    // records for 24 hours, so past that the recovery is a reindex from the table.
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
        bisectBatchOnError: true,
        retryAttempts: 5,
        // A change older than an hour is better recovered by a reindex than replayed late.
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.indexFailures),
      }),
    );

    // By its fixed name, like the domain: grants and acknowledgements then name a stable ARN.
    const importBucket = Bucket.fromBucketName(this, 'ImportBucket', ImportBucket.nameFor(config));
    const importer = functions['import-from-s3'];
    importer.grant({ kind: 'import-bucket', bucket: importBucket });
    if (config.geocoding.geocoder === 'amazon-location') importer.grant({ kind: 'geo-places', region: geocodingRegion(config.geocoding) });
    ({ failures: this.importFailures, trigger: this.importTrigger } = this.importTriggerFor(config, importer, importBucket));

    this.httpApi = this.httpApiFor(config, functions, userPool, userPoolClient);
    const monitoring = new DirectoryMonitoring(this, 'Monitoring', { config, functions, indexer: indexer.function, streamFailures: this.indexFailures, httpApi: this.httpApi });
    this.expiryWatch = new ExpiryWatch(this, 'ExpiryWatch', { config, summary: functions['expiry-summary'], alarmTopic: monitoring.topic });

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

  private httpApiFor(
    config: StageConfig,
    functions: Record<DirectoryFunctionName, DirectoryFunction>,
    userPool: IUserPool,
    userPoolClient: IUserPoolClient,
  ): HttpApi {
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
          }),
        ),
      },
    });

    // Checks signature (the pool's published keys), issuer, audience (the web client) and expiry
    // before a function runs; handlers read who is calling from the verified claims only.
    const userPoolAuthorizer = new HttpJwtAuthorizer(
      'UserPoolAuthorizer',
      `https://cognito-idp.${Aws.REGION}.amazonaws.com/${userPool.userPoolId}`,
      { authorizerName: `${config.resourcePrefix}-user-pool`, jwtAudience: [userPoolClient.userPoolClientId] },
    );

    for (const name of directoryFunctionNames) {
      const { route }: DirectoryFunctionDefinition = directoryFunctions[name];
      if (!route) continue;
      const [method, path] = route.routeKey.split(' ') as [keyof typeof HttpMethod, string];
      api.addRoutes({
        path,
        methods: [HttpMethod[method]],
        integration: new HttpLambdaIntegration(`${constructId(name)}Integration`, functions[name].function),
        ...(route.authorization === 'jwt' ? { authorizer: userPoolAuthorizer } : {}),
      });
    }

    acknowledgeNag(
      api,
      'AwsSolutions-APIG4',
      'Search is public by design: anonymous visitors read published program listings through GET routes that expose no personal data, bounded by stage throttling; the one anonymous write, POST /v1/programs/{id}/reports, only queues a plain-text report for reviewers and is limited to 5 a minute per client address on top of the stage throttling; every provider and reviewer route uses the Cognito JWT authorizer.',
    );

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    return api;
  }
}

function constructId(name: DirectoryFunctionName): string {
  return name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
}
