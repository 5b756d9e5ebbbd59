import type { Duration } from 'aws-cdk-lib';
import type { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import type { StageConfig } from './stages';

/**
 * AWS WAF accepts web ACLs for CloudFront (scope CLOUDFRONT) only in us-east-1, and CloudFront
 * delivers its standard logs (v2) to CloudWatch Logs only there. The edge stack asserts it
 * (a CloudFormation rule), and it references the API stack as an ordinary same-region export, so
 * a stage with the edge deploys all its stacks to this region (infra/stacks/edge-stack.ts).
 */
export const EDGE_REGION = 'us-east-1';

/** The CloudFront distribution and WAF web ACL in front of the HTTP API, per stage. */
export interface EdgeStageConfig {
  /** Which CloudFront edge locations serve the API (and what a GB costs there). */
  readonly priceClass: PriceClass;
  /**
   * How long CloudFront keeps public reads. The origin's Cache-Control decides (functions/http/http-caching.ts);
   * these only bound it: `defaultTtl` applies to a response without Cache-Control, `maxTtl` caps max-age.
   * The minimum is always 0, so `no-store` and `private` responses are never kept.
   */
  readonly cache: { readonly defaultTtl: Duration; readonly maxTtl: Duration };
  /** Per client IP, over a sliding window: past it, WAF answers 429 `rate_limited` until the rate drops. */
  readonly rateLimit: { readonly requests: number; readonly windowSeconds: 60 | 120 | 300 | 600 };
  /**
   * The API's own host names, with an ACM certificate (in us-east-1) covering them; null serves on the
   * distribution's *.cloudfront.net name only, whose certificate is CloudFront's own and whose TLS policy
   * CloudFront fixes (TLSv1 minimum). With a domain the viewer policy is TLSv1.2_2021.
   */
  readonly domain: { readonly names: readonly string[]; readonly certificateArn: string } | null;
}

/**
 * The origin secret's fixed name, so the edge stack resolves it by name (a literal dynamic
 * reference, no cross-stack export of the secret) and its value never appears in a template.
 */
export function originSecretName(config: StageConfig): string {
  return `${config.resourcePrefix}-origin-verify`;
}

/** WAF logs only to log groups whose names start with `aws-waf-logs-`. */
export function wafLogGroupName(config: StageConfig): string {
  return `aws-waf-logs-${config.resourcePrefix}`;
}
