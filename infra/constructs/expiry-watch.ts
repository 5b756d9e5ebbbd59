import { CfnOutput } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Grant } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { expiryWatch } from '../config/expiry-watch';
import type { StageConfig } from '../config/stages';
import type { DirectoryFunction } from './directory-function';

export interface ExpiryWatchProps {
  readonly config: StageConfig;
  /** The `expiry-summary` function: reads the search index (its definition's grant) and publishes here. */
  readonly summary: DirectoryFunction;
  /** The stage's alarm topic (DirectoryMonitoring): told when a daily run fails. */
  readonly alarmTopic: ITopic;
}

/**
 * The daily expiry watch: an EventBridge rule runs the summary function every morning, which
 * publishes how many published programs have a licence or accreditation expiring within the next
 * `windowDays` days, and the 10 soonest, to a topic of its own. Owners or operators subscribe to
 * that topic after deployment (subscriptions hold personal addresses, so they stay out of the
 * template); it is not the alarm topic, whose subscribers are on call for outages.
 */
export class ExpiryWatch extends Construct {
  readonly topic: Topic;
  /** Runs the summary function once a day. */
  readonly rule: Rule;
  readonly failureAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ExpiryWatchProps) {
    super(scope, id);
    const { config, summary, alarmTopic } = props;

    // Encrypted with a key of our own, like the alarm topic; only the summary function's role
    // (through grantPublish below) and SNS itself use it.
    const key = new Key(this, 'TopicKey', {
      description: `${config.resourcePrefix}: encrypts the daily expiry summaries`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    this.topic = new Topic(this, 'Topic', {
      topicName: `${config.resourcePrefix}-expiring`,
      displayName: `iop-directory ${config.stage} expiring licences`,
      masterKey: key,
      enforceSSL: true,
    });
    // sns:Publish on this topic only, and the two key calls SNS makes as the publisher to encrypt
    // a message (named, where grantPublish would add the wildcard action kms:GenerateDataKey*).
    Grant.addToPrincipal({ grantee: summary.role, actions: ['sns:Publish'], resourceArns: [this.topic.topicArn] });
    Grant.addToPrincipal({ grantee: summary.role, actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resourceArns: [key.keyArn] });
    summary.function.addEnvironment('EXPIRY_TOPIC_ARN', this.topic.topicArn);
    summary.function.addEnvironment('EXPIRY_WINDOW_DAYS', String(expiryWatch.windowDays));

    // An EventBridge rule rather than EventBridge Scheduler: a rule invokes the function through a
    // resource policy on it, where a schedule would need an IAM role of its own to assume. Rules
    // run in UTC. The invocation is asynchronous; a run that throws is retried twice by Lambda
    // (its default) and then counts as failed below.
    this.rule = new Rule(this, 'Schedule', {
      ruleName: `${config.resourcePrefix}-expiry-summary`,
      description: `Daily expiry watch: licences and accreditations expiring within ${expiryWatch.windowDays} days`,
      schedule: Schedule.cron({ hour: expiryWatch.schedule.hourUtc, minute: expiryWatch.schedule.minute }),
    });
    this.rule.addTarget(
      new LambdaFunction(summary.function, {
        retryAttempts: expiryWatch.retryAttempts,
        maxEventAge: expiryWatch.maxEventAge,
      }),
    );

    // The stage-wide Errors alarm of every function waits for several errors in several
    // consecutive 5-minute periods; a daily job fails once (three attempts) and then not again for
    // a day, so it gets an alarm of its own: any failed run within the hour. (An expression, so
    // that each function still has exactly one plain Errors alarm, the stage-wide one.)
    this.failureAlarm = new Alarm(this, 'FailedAlarm', {
      alarmName: `${config.resourcePrefix}-expiry-summary-failed`,
      alarmDescription: `expiry-summary: the daily expiry summary failed (Errors > 0 within ${expiryWatch.failurePeriod.toHumanString()}), so the expiry topic got nothing today. Logs: the function's log group; rerun by invoking the function.`,
      metric: new MathExpression({
        expression: 'FILL(errors, 0)',
        usingMetrics: { errors: summary.function.metricErrors({ period: expiryWatch.failurePeriod, statistic: 'Sum' }) },
        period: expiryWatch.failurePeriod,
        label: 'expiry-summary errors',
      }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(alarmTopic);
    this.failureAlarm.addAlarmAction(action);
    this.failureAlarm.addOkAction(action);

    new CfnOutput(scope, 'ExpiryTopicArn', {
      value: this.topic.topicArn,
      description: 'Subscribe owners or operators here for the daily summary of expiring licences and accreditations',
    });
  }
}
