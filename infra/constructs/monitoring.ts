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
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/observability/namespace';
import type { StageConfig } from '../config/stages';

export interface MonitoringProps {
  readonly config: StageConfig;
  /** Every function of the stage, by its name in config/functions.ts (the `service` of its metrics). */
  readonly functions: Readonly<Record<string, { readonly function: IFunction }>>;
  /** The function the table's stream drives: its IteratorAge is how far search lags the table. */
  readonly indexer: IFunction;
  /** The stream mapping's on-failure destination: anything in it is a change search never saw. */
  readonly streamFailures: IQueue;
  readonly httpApi: IHttpApi;
}

/**
 * Alarms and a dashboard for one stage. Every alarm notifies one encrypted SNS topic; subscribe
 * the on-call address or a chat integration to it after deployment (subscriptions hold personal
 * addresses, so they stay out of the template).
 */
export class DirectoryMonitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  private readonly config: StageConfig;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config, indexer, streamFailures, httpApi } = props;
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

    for (const [name, fn] of Object.entries(functions)) {
      this.alarm(`${name}-errors`, fn.metricErrors({ period: thresholds.period, statistic: 'Sum' }), {
        threshold: thresholds.functionErrors,
        description: `${name}: invocations failed (uncaught errors or timeouts). Logs: the function's log group, by correlation_id.`,
      });
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

    const iteratorAge = indexer.metric('IteratorAge', { period: thresholds.period, statistic: 'Maximum' });
    this.alarm('indexer-iterator-age', iteratorAge, {
      threshold: thresholds.iteratorAge.toMilliseconds(),
      description: `Search lags the programs table by more than ${thresholds.iteratorAge.toHumanString()} (indexer behind or failing).`,
    });

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

    const search = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/ES',
        metricName,
        dimensionsMap: { DomainName: config.search.domainName, ClientId: Aws.ACCOUNT_ID },
        period: thresholds.period,
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

    this.dashboard = this.dashboardFor(functions, { iteratorAge, apiCount, api4xx, api5xx, apiLatencyP99, api5xxRate }, search);
  }

  private alarm(
    name: string,
    metric: IMetric,
    options: {
      threshold: number;
      description: string;
      evaluationPeriods?: number;
      comparisonOperator?: ComparisonOperator;
      treatMissingData?: TreatMissingData;
    },
  ): Alarm {
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
    api: { iteratorAge: IMetric; apiCount: IMetric; api4xx: IMetric; api5xx: IMetric; apiLatencyP99: IMetric; api5xxRate: IMetric },
    search: (metricName: string, statistic: string) => Metric,
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
      graph('API 5xx rate', [api.api5xxRate]),
    );
    dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    return dashboard;
  }
}
