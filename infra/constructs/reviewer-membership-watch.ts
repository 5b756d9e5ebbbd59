import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stages';
import type { DirectoryMonitoring } from './monitoring';
import { reviewersGroupName } from './provider-user-pool';

/**
 * The user-pool API calls that change who is a reviewer: adding or removing a member, and deleting
 * or re-creating the group itself (which drops or restarts its membership).
 */
export const reviewerMembershipEvents = ['AdminAddUserToGroup', 'AdminRemoveUserFromGroup', 'CreateGroup', 'DeleteGroup'] as const;

export interface ReviewerMembershipWatchProps {
  readonly config: StageConfig;
  readonly userPool: IUserPool;
  /** The stage's alarms: the notification goes to its topic, and the watch's own failure is an alarm of it. */
  readonly monitoring: DirectoryMonitoring;
}

/**
 * Tells the alarm topic, at once, whenever the membership of the `reviewers` group changes:
 * reviewers decide what the public sees, so a new one should never be a surprise. CloudTrail hands
 * each user-pool API call to EventBridge (only while a trail records it: auth.auditTrail), and a
 * rule on the default bus matches the membership calls on this pool's reviewers group and publishes
 * who did what to whom. An EventBridge rule, not a metric filter and alarm: the message carries the
 * change itself, and nothing waits for a period to end. If the rule cannot deliver (a topic or key
 * policy broken), its FailedInvocations metric raises an ordinary alarm instead.
 */
export class ReviewerMembershipWatch extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ReviewerMembershipWatchProps) {
    super(scope, id);
    const { config, userPool, monitoring } = props;

    this.rule = new Rule(this, 'Rule', {
      ruleName: `${config.resourcePrefix}-reviewers-membership`,
      description: `Notifies the alarm topic of every change to the ${reviewersGroupName} group of the provider user pool`,
      eventPattern: {
        source: ['aws.cognito-idp'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['cognito-idp.amazonaws.com'],
          eventName: [...reviewerMembershipEvents],
          requestParameters: { userPoolId: [userPool.userPoolId], groupName: [reviewersGroupName] },
        },
      },
    });

    // The whole message a person reads (email) or a webhook receives; CloudTrail may hide the user
    // name of some calls ("HIDDEN_DUE_TO_SECURITY_REASONS"), the caller and time are always there.
    const message = RuleTargetInput.fromText(
      [
        `iop-directory ${config.stage}: the ${reviewersGroupName} group changed (${EventField.fromPath('$.detail.eventName')}).`,
        `User: ${EventField.fromPath('$.detail.requestParameters.username')}`,
        `By: ${EventField.fromPath('$.detail.userIdentity.arn')} from ${EventField.fromPath('$.detail.sourceIPAddress')}`,
        `At: ${EventField.fromPath('$.detail.eventTime')} (CloudTrail event ${EventField.fromPath('$.detail.eventID')})`,
        'If nobody expected this, remove the user from the group (aws cognito-idp admin-remove-user-from-group) and review the caller.',
      ].join('\n'),
    );
    // A target of our own rather than targets.SnsTopic, which grants events.amazonaws.com publishing
    // (and the topic key) with no condition; the monitoring adds statements limited to this rule.
    this.rule.addTarget({ bind: () => ({ arn: monitoring.topic.topicArn, input: message, targetResource: monitoring.topic }) });
    monitoring.allowRuleToNotify(this.rule);

    monitoring.addAlarm(
      'reviewers-membership-watch-failed',
      new Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: this.rule.ruleName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      {
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        description:
          'A change to the reviewers group could not be delivered to the alarm topic (the rule matched, the publish failed): check the topic and key policies, and CloudTrail for the change itself.',
      },
    );
  }
}
