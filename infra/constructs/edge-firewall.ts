import { Aws, Stack, ArnFormat } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { wafLogGroupName } from '../config/edge';
import type { StageConfig } from '../config/stages';

export interface EdgeFirewallProps {
  readonly config: StageConfig;
}

/** AWS managed rule groups the web ACL runs, in order, after the rate rule. */
export const managedRuleGroups = ['AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet'] as const;

/** The body WAF answers a rate-limited client with: the contract's error shape (section 3). */
export const rateLimitedBody = JSON.stringify({
  error: { code: 'rate_limited', message: 'Too many requests from this address; retry later', details: [] },
});

/**
 * The WAF web ACL of the API's CloudFront distribution (scope CLOUDFRONT, so it exists only in
 * us-east-1): a per-IP rate limit answered with the contract's 429, AWS's known-bad-inputs and
 * common rule sets, and logs of every request it blocks or counts.
 */
export class EdgeFirewall extends Construct {
  readonly webAcl: CfnWebACL;
  readonly logs: LogGroup;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    const { config } = props;
    const metricPrefix = config.resourcePrefix.replace(/[^A-Za-z0-9]/g, '');
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${metricPrefix}${name}`,
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `${config.resourcePrefix}-edge`,
      description: `${config.resourcePrefix}: rate limit and AWS managed rules in front of the directory API`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('Edge'),
      customResponseBodies: { 'rate-limited': { contentType: 'APPLICATION_JSON', content: rateLimitedBody } },
      rules: [
        {
          // First, so a flood is cut off before the managed groups spend capacity on it.
          name: 'RateLimitPerIp',
          priority: 0,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: config.edge.rateLimit.requests,
              evaluationWindowSec: config.edge.rateLimit.windowSeconds,
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'rate-limited',
                responseHeaders: [{ name: 'retry-after', value: String(config.edge.rateLimit.windowSeconds) }],
              },
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        ...managedRuleGroups.map((name, index) => ({
          name,
          priority: index + 1,
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name,
              // The common set blocks request bodies over 8 KB; the contract allows 64 KB (listings with
              // long descriptions and many sessions) and the API answers 413 past that itself, so
              // that one rule only counts (and is logged).
              ...(name === 'AWSManagedRulesCommonRuleSet' ? { ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] } : {}),
            },
          },
          overrideAction: { none: {} },
          visibilityConfig: visibility(name),
        })),
      ],
    });

    // WAF writes only to log groups named aws-waf-logs-*, and wants the ARN without the `:*` suffix.
    const logGroupName = wafLogGroupName(config);
    this.logs = new LogGroup(this, 'Logs', { logGroupName, retention: config.logRetention, removalPolicy: config.removalPolicy });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [
        Stack.of(this).formatArn({ service: 'logs', account: Aws.ACCOUNT_ID, resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
      // Bearer tokens never reach a log.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
      // Only what WAF blocked or counted: CloudFront's own logs already record every request.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
    logging.node.addDependency(this.logs);
  }
}
