import { Aws, CfnOutput, CfnRule, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import { EDGE_REGION } from '../config/edge';
import type { StageConfig } from '../config/stages';
import { ApiDistribution } from '../constructs/api-distribution';
import { EdgeFirewall } from '../constructs/edge-firewall';

export interface EdgeStackProps extends StackProps {
  readonly config: StageConfig;
  /** The API behind the distribution; it must be in this stack's region (an ordinary same-region reference). */
  readonly httpApi: IHttpApi;
}

/**
 * What clients reach: the CloudFront distribution in front of the HTTP API and its WAF web ACL.
 *
 * A CLOUDFRONT-scoped web ACL can only be created in us-east-1 (and CloudFront's standard logs v2
 * are delivered only there), so this stack must be deployed there. It stays environment-agnostic
 * like the other stacks and takes the API's id as a same-region reference, which means the whole
 * stage deploys to us-east-1; a CloudFormation rule refuses any other region before anything is
 * created, instead of failing halfway at the web ACL. Running the API elsewhere would mean giving
 * the stacks explicit regions and this one `crossRegionReferences` (README, "The edge").
 */
export class EdgeStack extends Stack {
  readonly firewall: EdgeFirewall;
  readonly api: ApiDistribution;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    const { config, httpApi, ...stackProps } = props;
    super(scope, id, stackProps);

    new CfnRule(this, 'EdgeRegion', {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, EDGE_REGION),
          assertDescription: `The edge stack (a CLOUDFRONT-scoped WAF web ACL and CloudFront logs) can only be deployed in ${EDGE_REGION}, and with it the API it references`,
        },
      ],
    });

    this.firewall = new EdgeFirewall(this, 'Firewall', { config });
    this.api = new ApiDistribution(this, 'Api', {
      config,
      apiDomainName: `${httpApi.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
      webAclArn: this.firewall.webAcl.attrArn,
    });

    new CfnOutput(this, 'ApiUrl', { value: `https://${this.api.distribution.distributionDomainName}/`, description: 'Where clients call the API' });
    new CfnOutput(this, 'DistributionId', { value: this.api.distribution.distributionId });
    new CfnOutput(this, 'WebAclArn', { value: this.firewall.webAcl.attrArn });
  }
}
