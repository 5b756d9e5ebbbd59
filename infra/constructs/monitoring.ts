import { Aws, Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IRule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Subscription, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { TABLE_INDEXES } from '../../functions/adapters/dynamodb/programs-table';
import { METRICS_NAMESPACE } from '../../functions/observability/namespace';
import { firstErrorFunctions } from '../config/observability';
import { reconciliation } from '../config/reconciliation';
import type { StageConfig } from '../config/stages';
import type { UserPoolTriggerName } from '../config/user-pool-triggers';

export interface MonitoringProps {
  readonly config: StageConfig;
  /** Every function of the stage, by its name in config/functions.ts (the `service` of its metrics). */
  readonly functions: Readonly<Record<string, { readonly function: IFunction }>>;
  /** The function the table's stream drives: its IteratorAge is how far search lags the table. */
  readonly indexer: IFunction;
  /** The stream mapping's on-failure destination: anything in it is a change search never saw. */
  readonly streamFailures: IQueue;
  readonly httpApi: IHttpApi;
  /** The scheduled reconciliation of the index with the table (service `reconcile-search-index`). */
  readonly reconciler: IFunction;
  /** Where import events end when delivery or every retry failed: anything in it is a file that was not imported. */
  readonly importFailures: IQueue;
  /** The programs table: its and its indexes' throttle events. */
  readonly table: ITable;
  /** The HTTP API's access log group: 429s are counted from it (HTTP APIs publish no metric per status). */
  readonly apiAccessLogs: ILogGroup;
  /** The user pool's triggers (stateful stack): their throttles, and the failures and refusals they count. */
  readonly userPoolTriggers: Readonly<Record<UserPoolTriggerName, IFunction>>;
}

const RECONCILER_SERVICE = 'reconcile-search-index';

/** Options of one alarm; every alarm notifies the topic on ALARM and on OK. */
export interface StageAlarmOptions {
  readonly threshold: number;
  readonly description: string;
  readonly evaluationPeriods?: number;
  readonly comparisonOperator?: ComparisonOperator;
  readonly treatMissingData?: TreatMissingData;
}

/**
 * Alarms and a dashboard for one stage. Every alarm notifies one encrypted SNS topic, which the
 * stage's configured endpoints are subscribed to (observability.alarmSubscriptions: addresses are
 * read from SSM at deploy time, so they stay out of the repository and the template).
 */
export class DirectoryMonitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  private readonly config: StageConfig;
  private readonly action: SnsAction;
  private readonly topicKey: Key;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config, indexer, streamFailures, httpApi, reconciler, importFailures, table, apiAccessLogs, userPoolTriggers } = props;
    const functions = Object.fromEntries(Object.entries(props.functions).map(([name, construct]) => [name, construct.function]));
    this.config = config;
    const thresholds = config.observability.alarms;

    // A customer-managed key because CloudWatch cannot publish to a topic under the AWS-managed
    // SNS key: that key's policy cannot be changed to let the CloudWatch service use it.
    const key = new Key(this, 'AlarmTopicKey', {
      description: `${config.resourcePrefix}: encrypts alarm notifications`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', {
      topicName: `${config.resourcePrefix}-alarms`,
      displayName: `iop-directory ${config.stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL replaces the default topic policy, so CloudWatch needs an explicit allow, limited
    // to this account's alarms (confused-deputy protection).
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    this.action = new SnsAction(this.topic);
    this.topicKey = key;

    // An alarm nobody receives is no alarm: every stage names at least one endpoint.
    if (config.observability.alarmSubscriptions.length === 0) {
      throw new Error(`${config.stage}: observability.alarmSubscriptions is empty; alarms would reach nobody`);
    }
    config.observability.alarmSubscriptions.forEach((subscription, index) => {
      new Subscription(this, `AlarmSubscription${index + 1}`, {
        topic: this.topic,
        protocol: subscription.protocol === 'email' ? SubscriptionProtocol.EMAIL : SubscriptionProtocol.HTTPS,
        endpoint: subscription.endpoint,
      });
    });

    for (const [name, fn] of Object.entries(functions)) {
      const errors = fn.metricErrors({ period: thresholds.period, statistic: 'Sum' });
      if ((firstErrorFunctions as readonly string[]).includes(name)) {
        // Called a few times a day: the first failure is the signal, there is no "sustained".
        this.alarm(`${name}-errors`, errors, {
          threshold: 0,
          evaluationPeriods: 1,
          description: `${name}: an invocation failed (uncaught error or timeout); a low-traffic function, so this fires on the first one. Logs: the function's log group, by correlation_id.`,
        });
      } else {
        this.alarm(`${name}-errors`, errors, {
          threshold: thresholds.functionErrors,
          description: `${name}: invocations failed (uncaught errors or timeouts). Logs: the function's log group, by correlation_id.`,
        });
      }
      this.alarm(`${name}-throttles`, fn.metricThrottles({ period: thresholds.period, statistic: 'Sum' }), {
        threshold: thresholds.functionThrottles,
        description: `${name}: invocations throttled; the account or reserved concurrency is exhausted.`,
      });
    }

    this.alarm('stream-dlq-depth', streamFailures.metricApproximateNumberOfMessagesVisible({ period: thresholds.period, statistic: 'Maximum' }), {
      threshold: 0,
      evaluationPeriods: 1,
      description: 'Stream changes the indexer gave up on: search is missing them until a reindex (see the queue messages for the shard range).',
    });

    this.alarm('import-dlq-depth', importFailures.metricApproximateNumberOfMessagesVisible({ period: thresholds.period, statistic: 'Maximum' }), {
      threshold: 0,
      evaluationPeriods: 1,
      description:
        'An uploaded file was not imported: its event failed delivery or every retry of the importer. The message holds the original S3 event; ' +
        "the file's report under reports/ (when the importer ran) says why. Fix the cause, then re-upload the file or invoke the importer with the event.",
    });

    const iteratorAge = indexer.metric('IteratorAge', { period: thresholds.period, statistic: 'Maximum' });
    this.alarm('indexer-iterator-age', iteratorAge, {
      threshold: thresholds.iteratorAge.toMilliseconds(),
      description: `Search lags the programs table by more than ${thresholds.iteratorAge.toHumanString()} (indexer behind or failing).`,
    });

    // One run per interval: each alarm looks at exactly the last run, and fires on that run alone.
    const reconciled = (metricName: string) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: RECONCILER_SERVICE }, statistic: 'Sum', period: reconciliation.interval });
    this.alarm('search-drift-repaired', reconciled('DriftRepaired'), {
      threshold: 0,
      evaluationPeriods: 1,
      description:
        'The reconciliation found search documents that differed from the table and repaired them: search had been missing or misstating programs. ' +
        "The cause is upstream: the stream failure queue, the indexer's errors, or an indexer bug; its log line 'Search index drift repaired' counts missing, stale and extra.",
    });
    this.alarm(
      'search-drift-unrepaired',
      new MathExpression({
        expression: 'FILL(errors, 0) + FILL(unrepaired, 0)',
        usingMetrics: { errors: reconciler.metricErrors({ period: reconciliation.interval, statistic: 'Sum' }), unrepaired: reconciled('DriftUnrepaired') },
        period: reconciliation.interval,
        label: 'reconciliation errors and unrepaired drift',
      }),
      {
        threshold: 0,
        evaluationPeriods: 1,
        description:
          'The reconciliation failed, or left drift it could not repair (a document with the same version in another state needs `npm run reindex`). ' +
          'Logs: the reconcile-search-index log group; the next hourly run retries.',
      },
    );

    const apiCount = httpApi.metricCount({ period: thresholds.period, statistic: 'Sum' });
    const api5xx = httpApi.metricServerError({ period: thresholds.period, statistic: 'Sum' });
    const api4xx = httpApi.metricClientError({ period: thresholds.period, statistic: 'Sum' });
    // A rate, not a count: ten 5xx are noise at peak and an outage at 3 a.m.
    const api5xxRate = new MathExpression({
      expression: 'IF(requests > 0, errors / requests, 0)',
      usingMetrics: { errors: api5xx, requests: apiCount },
      period: thresholds.period,
      label: 'API 5xx rate',
    });
    this.alarm('api-5xx-rate', api5xxRate, {
      threshold: thresholds.api5xxRate,
      description: `More than ${thresholds.api5xxRate * 100}% of API responses are 5xx.`,
    });
    const apiLatencyP99 = httpApi.metricLatency({ period: thresholds.period, statistic: 'p99' });
    this.alarm('api-latency-p99', apiLatencyP99, {
      threshold: thresholds.apiLatencyP99.toMilliseconds(),
      description: `API p99 latency above ${thresholds.apiLatencyP99.toHumanString()}.`,
    });

    const search = (metricName: string, statistic: string, period: Duration = thresholds.period) =>
      new Metric({
        namespace: 'AWS/ES',
        metricName,
        dimensionsMap: { DomainName: config.search.domainName, ClientId: Aws.ACCOUNT_ID },
        period,
        statistic,
      });
    // OpenSearch reports these every minute whatever the traffic: missing data is itself a problem.
    this.alarm('search-cluster-red', search('ClusterStatus.red', 'Maximum'), {
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.BREACHING,
      description: 'A primary shard is unassigned: some programs cannot be searched (and writes to them fail).',
    });
    this.alarm('search-cluster-yellow', search('ClusterStatus.yellow', 'Maximum'), {
      threshold: 0,
      treatMissingData: TreatMissingData.MISSING,
      description: 'A replica shard is unassigned: one more node loss would lose data (dev, single node: nothing to place, so this means a settings change).',
    });
    const freeStorage = search('FreeStorageSpace', 'Minimum');
    this.alarm('search-free-storage', freeStorage, {
      threshold: thresholds.searchFreeStorageMiB,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.MISSING,
      description: `A search node has less than ${thresholds.searchFreeStorageMiB} MiB free; at 20 GiB or 5% OpenSearch blocks writes.`,
    });

    this.searchResourceAlarms(search);
    const tableThrottles = this.tableThrottleAlarm(table);
    const api4xxRate = this.apiClientErrorAlarms(apiCount, api4xx, apiAccessLogs);
    const accounts = this.accountAlarms(userPoolTriggers);

    this.dashboard = this.dashboardFor(functions, { iteratorAge, apiCount, api4xx, api5xx, apiLatencyP99, api5xxRate, api4xxRate }, search, { tableThrottles, accounts });
  }

  /**
   * Lets one EventBridge rule of this account publish to the alarm topic (its own topic-policy
   * statement, limited to that rule, and use of the topic's key), for notifications that are events
   * rather than alarms (the reviewers-group watch).
   */
  allowRuleToNotify(rule: IRule): void {
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
      }),
    );
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
  }

  /** Adds an alarm of this stage (named `<prefix>-<name>`) that notifies the topic. */
  addAlarm(name: string, metric: IMetric, options: StageAlarmOptions): Alarm {
    return this.alarm(name, metric, options);
  }

  /**
   * The domain's resources and health beyond red/yellow and storage: JVM memory pressure and CPU of
   * the data nodes (and of the dedicated masters where the stage has them), the master being
   * reachable, writes blocked, fewer nodes than configured, a failed automated snapshot, and
   * rejected search or write requests.
   */
  private searchResourceAlarms(search: (metricName: string, statistic: string, period?: Duration) => Metric): void {
    const thresholds = this.config.observability.alarms;
    const { search: domain } = this.config;
    this.alarm('search-jvm-memory-pressure', search('JVMMemoryPressure', 'Maximum'), {
      threshold: thresholds.searchJvmMemoryPressurePercent,
      treatMissingData: TreatMissingData.MISSING,
      description: `A data node's JVM memory pressure is above ${thresholds.searchJvmMemoryPressurePercent}%: at 95% OpenSearch's circuit breakers refuse requests (searches fail) and long garbage collections stall the node.`,
    });
    this.alarm('search-cpu', search('CPUUtilization', 'Maximum', Duration.minutes(15)), {
      threshold: thresholds.searchCpuPercent,
      evaluationPeriods: thresholds.searchCpuPeriods,
      treatMissingData: TreatMissingData.MISSING,
      description: `A data node's CPU stayed above ${thresholds.searchCpuPercent}% for ${thresholds.searchCpuPeriods * 15} minutes: searches queue and slow down; see the slow logs, or scale the data nodes.`,
    });
    if (domain.dedicatedMasters) {
      this.alarm('search-master-cpu', search('MasterCPUUtilization', 'Maximum', Duration.minutes(15)), {
        threshold: thresholds.searchMasterCpuPercent,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.MISSING,
        description: `The active master's CPU stayed above ${thresholds.searchMasterCpuPercent}% for 45 minutes: cluster-state updates (index creation, the alias swap of a reindex) slow down.`,
      });
      this.alarm('search-master-jvm-memory-pressure', search('MasterJVMMemoryPressure', 'Maximum', Duration.minutes(15)), {
        threshold: thresholds.searchMasterJvmMemoryPressurePercent,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.MISSING,
        description: `The active master's JVM memory pressure is above ${thresholds.searchMasterJvmMemoryPressurePercent}%: the cluster may lose its master.`,
      });
    }
    // Sustained (the highest value of 15 minutes below 1), so a master election does not page.
    this.alarm('search-master-reachable', search('MasterReachableFromNode', 'Maximum', Duration.minutes(15)), {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.MISSING,
      description: 'The master node has been unreachable for 15 minutes (master health): no index, mapping or alias can change, and a node lost now is not replaced.',
    });
    this.alarm('search-writes-blocked', search('ClusterIndexWritesBlocked', 'Maximum'), {
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.MISSING,
      description: 'The domain blocks writes (low storage or memory pressure): the stream indexer and the reconciliation fail, and edits stop reaching search. Free storage or scale, then the stream catches up.',
    });
    const expectedNodes = domain.dataNodes + (domain.dedicatedMasters?.count ?? 0);
    // Maximum over 15 minutes: only a node missing for the whole period counts (a blue/green change adds nodes, never removes them).
    this.alarm('search-nodes', search('Nodes', 'Maximum', Duration.minutes(15)), {
      threshold: expectedNodes,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.MISSING,
      description: `The domain has had fewer than its ${expectedNodes} nodes for 15 minutes: a node is lost and not yet replaced.`,
    });
    this.alarm('search-snapshot-failed', search('AutomatedSnapshotFailure', 'Maximum'), {
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.MISSING,
      description: "The domain's automated snapshot failed (usually a red cluster): there is no recent snapshot to restore from. The index can always be rebuilt from the table with npm run reindex.",
    });
    // Rejection counters may be cumulative per node, so the alarm watches their increase: it fires
    // when rejections start, whichever way the metric counts.
    for (const [pool, metricName] of [['search', 'ThreadpoolSearchRejected'], ['write', 'ThreadpoolWriteRejected']] as const) {
      this.alarm(
        `search-${pool}-rejections`,
        new MathExpression({
          expression: 'DIFF(FILL(rejected, 0))',
          usingMetrics: { rejected: search(metricName, 'Maximum') },
          period: thresholds.period,
          label: `${metricName} increase`,
        }),
        {
          threshold: 0,
          evaluationPeriods: 1,
          description:
            pool === 'search'
              ? 'The domain rejected search requests (its search queue was full): people got errors instead of results. Check CPU and the slow logs.'
              : 'The domain rejected writes (its write queue was full): the stream indexer retries them, but search falls behind the table.',
        },
      );
    }
  }

  /** Read and write throttle events of the table and each index, as one sum. */
  private tableThrottleAlarm(table: ITable): IMetric {
    const { period } = this.config.observability.alarms;
    const usingMetrics: Record<string, IMetric> = {};
    for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      const kind = metricName.startsWith('Read') ? 'read' : 'write';
      usingMetrics[`${kind}_table`] = table.metric(metricName, { period, statistic: 'Sum' });
      for (const index of TABLE_INDEXES) {
        usingMetrics[`${kind}_${index.indexName}`] = new Metric({
          namespace: 'AWS/DynamoDB',
          metricName,
          dimensionsMap: { TableName: table.tableName, GlobalSecondaryIndexName: index.indexName },
          period,
          statistic: 'Sum',
        });
      }
    }
    const throttles = new MathExpression({
      expression: Object.keys(usingMetrics)
        .map((id) => `FILL(${id}, 0)`)
        .join(' + '),
      usingMetrics,
      period,
      label: 'table and index throttle events',
    });
    this.alarm('table-throttles', throttles, {
      threshold: this.config.observability.alarms.tableThrottles,
      description:
        'DynamoDB throttled reads or writes of the programs table or an index (an on-demand table past twice its previous peak, or a hot key). ' +
        'The SDK retried them; sustained, requests fail. Contributor Insights or the access pattern of the moment (an import?) shows which keys.',
    });
    return throttles;
  }

  /**
   * 4xx as a share of requests (only once a period has enough of them to mean something), and 429s
   * counted from the access log: API Gateway's stage throttle or a route's own limit.
   */
  private apiClientErrorAlarms(apiCount: IMetric, api4xx: IMetric, accessLogs: ILogGroup): IMetric {
    const thresholds = this.config.observability.alarms;
    const rate = new MathExpression({
      expression: `IF(all_requests >= ${thresholds.api4xxMinRequests}, client_errors / all_requests, 0)`,
      usingMetrics: { client_errors: api4xx, all_requests: apiCount },
      period: thresholds.period,
      label: 'API 4xx rate',
    });
    this.alarm('api-4xx-rate', rate, {
      threshold: thresholds.api4xxRate,
      description: `More than ${thresholds.api4xxRate * 100}% of API responses are 4xx: a client release sending bad requests or expired tokens, or someone probing. The access log's status and routeKey say which.`,
    });
    const rateLimited = new MetricFilter(this, 'ApiRateLimited', {
      logGroup: accessLogs,
      // The access log format writes $context.status as a JSON string.
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'ApiRateLimited',
      metricValue: '1',
    });
    this.alarm('api-429', rateLimited.metric({ period: thresholds.period, statistic: 'Sum' }), {
      threshold: thresholds.api429,
      description: `More than ${thresholds.api429} responses a period are 429: the stage's throttle (${this.config.api.throttle.rateLimit}/s) is reached, or clients hit the report or listing limits. The access log's routeKey and ip say which.`,
    });
    return rate;
  }

  /**
   * The user pool's triggers: sign-up attempts per hour (the per-pool sign-up rate), reviewer
   * tokens refused for want of an authenticator app, and trigger failures that are not refusals
   * (Lambda's Errors counts refusals too, so it is not alarmed), plus the triggers' throttles.
   */
  private accountAlarms(triggers: Readonly<Record<UserPoolTriggerName, IFunction>>): IMetric[] {
    const thresholds = this.config.observability.alarms;
    const { signUp } = this.config.auth;
    const custom = (service: UserPoolTriggerName, metricName: string, period: Duration) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service }, statistic: 'Sum', period });

    const attempts = custom('screen-sign-up', 'SignUpAttempts', Duration.hours(1));
    this.alarm('sign-up-rate', attempts, {
      threshold: signUp.alarmAttemptsPerHour,
      evaluationPeriods: 1,
      description:
        `More than ${signUp.alarmAttemptsPerHour} sign-ups were attempted in an hour, far above how providers join: a script. ` +
        `The trigger admits ${signUp.perPool.limit} per ${signUp.perPool.window.toHumanString()} whatever comes; its log lines 'Sign-up refused' name the domains. Deny them in auth.signUp and redeploy.`,
    });
    const refusedTokens = custom('require-reviewer-mfa', 'ReviewerTokensRefused', thresholds.period);
    this.alarm('reviewer-tokens-refused', refusedTokens, {
      threshold: 0,
      evaluationPeriods: 1,
      description:
        'A sign-in to a reviewer account without an authenticator app was refused: a new reviewer added before setting one up, or someone holding a reviewer password. ' +
        "The trigger's log line names the user; check with the reviewer.",
    });
    for (const name of Object.keys(triggers) as UserPoolTriggerName[]) {
      this.alarm(`${name}-failures`, custom(name, 'TriggerFailures', thresholds.period), {
        threshold: 0,
        evaluationPeriods: 1,
        description: `${name}: the user pool trigger failed for a reason other than its policy, so a sign-up or sign-in failed with it. Logs: the function's log group.`,
      });
      this.alarm(`${name}-throttles`, triggers[name].metricThrottles({ period: thresholds.period, statistic: 'Sum' }), {
        threshold: thresholds.functionThrottles,
        description: `${name}: user pool trigger invocations throttled, so sign-ups or sign-ins failed; the account's concurrency is exhausted.`,
      });
    }
    return [attempts, custom('screen-sign-up', 'SignUpsRefused', Duration.hours(1)), refusedTokens];
  }

  private alarm(name: string, metric: IMetric, options: StageAlarmOptions): Alarm {
    const thresholds = this.config.observability.alarms;
    const alarm = new Alarm(this, `Alarm-${name}`, {
      alarmName: `${this.config.resourcePrefix}-${name}`,
      alarmDescription: options.description,
      metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? thresholds.evaluationPeriods,
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Request-driven metrics have no data points when nothing happens, which is healthy.
      treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  private dashboardFor(
    functions: Readonly<Record<string, IFunction>>,
    api: { iteratorAge: IMetric; apiCount: IMetric; api4xx: IMetric; api5xx: IMetric; apiLatencyP99: IMetric; api5xxRate: IMetric; api4xxRate: IMetric },
    search: (metricName: string, statistic: string) => Metric,
    more: { tableThrottles: IMetric; accounts: IMetric[] },
  ): Dashboard {
    const period = Duration.minutes(5);
    const custom = (metricName: string, service: string, statistic: string, label?: string) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service }, statistic, period, ...(label ? { label } : {}) });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) => new GraphWidget({ title, left, right, width: 8, height: 6 });

    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${this.config.resourcePrefix}`,
      defaultInterval: Duration.hours(6),
    });
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# iop-directory ${this.config.stage}\nSearch, indexing and import health. Alarms notify the SNS topic \`${this.config.resourcePrefix}-alarms\`.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      graph('Search latency (ms)', [
        custom('SearchLatency', 'search-programs', 'p50', 'p50'),
        custom('SearchLatency', 'search-programs', 'p99', 'p99'),
      ]),
      graph('Search results', [custom('ResultsCount', 'search-programs', 'Average', 'results per search (avg)')], [
        custom('ZeroResultSearches', 'search-programs', 'Sum', 'zero-result searches'),
      ]),
      graph('API requests and errors', [api.apiCount, api.api4xx, api.api5xx], [api.apiLatencyP99]),
    );
    dashboard.addWidgets(
      graph('Indexer throughput', [
        custom('IndexedRecords', 'index-stream', 'Sum', 'indexed records'),
        custom('FailedRecords', 'index-stream', 'Sum', 'failed records'),
      ], [api.iteratorAge]),
      // Emitted by the S3 import function (service import-from-s3) once it records ImportRows.
      graph('Imports', [custom('ImportRows', 'import-from-s3', 'Sum', 'import rows')]),
      graph('OpenSearch health', [search('ClusterStatus.red', 'Maximum'), search('ClusterStatus.yellow', 'Maximum')], [
        search('FreeStorageSpace', 'Minimum'),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'Function errors',
        Object.entries(functions).map(([name, fn]) => fn.metricErrors({ period, statistic: 'Sum', label: name })),
      ),
      graph(
        'Function throttles',
        Object.entries(functions).map(([name, fn]) => fn.metricThrottles({ period, statistic: 'Sum', label: name })),
      ),
      graph('API 5xx and 4xx rates', [api.api5xxRate, api.api4xxRate]),
    );
    dashboard.addWidgets(
      graph('OpenSearch resources (%)', [search('JVMMemoryPressure', 'Maximum'), search('CPUUtilization', 'Maximum')], [search('Nodes', 'Minimum')]),
      graph('DynamoDB throttles', [more.tableThrottles]),
      graph('Accounts: sign-ups and refused reviewer tokens', more.accounts),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Search reconciliation (hourly)',
        left: ['DriftFound', 'DriftRepaired', 'DriftUnrepaired'].map((metricName) =>
          new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: RECONCILER_SERVICE }, statistic: 'Sum', period: reconciliation.interval, label: metricName }),
        ),
        right: [new Metric({ namespace: METRICS_NAMESPACE, metricName: 'ReconciledItems', dimensionsMap: { service: RECONCILER_SERVICE }, statistic: 'Sum', period: reconciliation.interval, label: 'items checked' })],
        width: 24,
        height: 6,
      }),
    );
    dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    return dashboard;
  }
}
