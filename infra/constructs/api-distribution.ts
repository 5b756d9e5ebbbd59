import path from 'node:path';
import { ArnFormat, Aws, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  OriginSslPolicy,
  SecurityPolicyProtocol,
  SSLMethod,
  ViewerProtocolPolicy,
  type BehaviorOptions,
  type IOriginRequestPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnDelivery, CfnDeliveryDestination, CfnDeliverySource, LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../../functions/http/origin-verification';
import { originSecretName } from '../config/edge';
import type { StageConfig } from '../config/stages';
import { acknowledgeNag } from '../nag/acknowledge';
import { repoRoot } from './directory-function';

export interface ApiDistributionProps {
  readonly config: StageConfig;
  /** Host name of the HTTP API's execute-api endpoint (no scheme, no path). */
  readonly apiDomainName: string;
  /** ARN of the CLOUDFRONT-scoped WAF web ACL in front of the distribution. */
  readonly webAclArn: string;
}

/**
 * How CloudFront treats each path, first match wins (CloudFront path patterns: `*` is any run of
 * characters, `/` included). The public reads are cached; everything else, the default included, is
 * never cached and reaches the API with every viewer header (Authorization too), so a path nobody
 * listed here can never be served from the cache.
 */
export const distributionPaths = {
  /** POST, a signed-in provider: under `/v1/programs/*`, so it must precede the cached pattern. */
  claims: '/v1/programs/*/claims',
  /** POST, anonymous and rate-limited per client address: needs the viewer address, never cached. */
  reports: '/v1/programs/*/reports',
  /** GET routes of contract section 9, plus the API description; each answers with Cache-Control and an ETag. */
  publicReads: ['/v1/programs', '/v1/programs/*', '/v1/places', '/v1/vocabularies', '/v1/openapi.json'],
} as const;

/**
 * The CloudFront distribution in front of the HTTP API (the edge stack's, in us-east-1): caches the
 * public reads under a normalised query string, passes token routes and writes through uncached,
 * adds the origin secret the API requires, and logs every request (standard logging v2 to
 * CloudWatch Logs).
 */
export class ApiDistribution extends Construct {
  readonly distribution: Distribution;
  readonly publicReadsCachePolicy: CachePolicy;
  readonly normalizeQueryString: CloudFrontFunction;
  readonly viewerAddress: CloudFrontFunction;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiDistributionProps) {
    super(scope, id);
    const { config, apiDomainName, webAclArn } = props;
    const cors = config.api.corsAllowOrigins.length > 0;

    this.normalizeQueryString = new CloudFrontFunction(this, 'NormalizeQueryString', {
      functionName: `${config.resourcePrefix}-normalize-query-string`,
      comment: 'Orders query parameters by name so their order does not split the cache',
      code: FunctionCode.fromFile({ filePath: path.join(repoRoot, 'infra', 'edge', 'normalize-query-string.js') }),
      runtime: FunctionRuntime.JS_2_0,
    });
    this.viewerAddress = new CloudFrontFunction(this, 'ViewerAddress', {
      functionName: `${config.resourcePrefix}-viewer-address`,
      comment: 'Hands the API the client address CloudFront saw, for the per-address report limit',
      code: FunctionCode.fromFile({ filePath: path.join(repoRoot, 'infra', 'edge', 'viewer-address.js') }),
      runtime: FunctionRuntime.JS_2_0,
    });

    // The key is the (normalised) query string, plus Origin where the API answers CORS, since its
    // Access-Control-Allow-Origin then depends on it. Cookies and Authorization are not in the key
    // and are not forwarded: a public read never depends on who asks. The origin's Cache-Control
    // decides how long (minimum 0, so no-store is never kept); these TTLs only bound it.
    this.publicReadsCachePolicy = new CachePolicy(this, 'PublicReads', {
      cachePolicyName: `${config.resourcePrefix}-public-reads`,
      comment: 'Public reads: normalised query string in the key, origin Cache-Control honoured',
      queryStringBehavior: CacheQueryStringBehavior.all(),
      headerBehavior: cors ? CacheHeaderBehavior.allowList('origin') : CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      minTtl: Duration.seconds(0),
      defaultTtl: config.edge.cache.defaultTtl,
      maxTtl: config.edge.cache.maxTtl,
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // A CORS preflight of a public read is answered by API Gateway from these two headers.
    const publicReadsOriginRequests: IOriginRequestPolicy | undefined = cors
      ? new OriginRequestPolicy(this, 'PublicReadsCors', {
          originRequestPolicyName: `${config.resourcePrefix}-public-reads-cors`,
          comment: 'CORS preflights of public reads',
          headerBehavior: OriginRequestHeaderBehavior.allowList('access-control-request-headers', 'access-control-request-method'),
          queryStringBehavior: OriginRequestQueryStringBehavior.all(),
          cookieBehavior: OriginRequestCookieBehavior.none(),
        })
      : undefined;

    // The value is resolved by CloudFormation at deployment from Secrets Manager; the template
    // holds only the {{resolve:secretsmanager:...}} reference.
    const origin = new HttpOrigin(apiDomainName, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      customHeaders: { [ORIGIN_VERIFY_HEADER]: SecretValue.secretsManager(originSecretName(config)).unsafeUnwrap() },
    });

    const publicRead: BehaviorOptions = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: CachedMethods.CACHE_GET_HEAD,
      cachePolicy: this.publicReadsCachePolicy,
      ...(publicReadsOriginRequests ? { originRequestPolicy: publicReadsOriginRequests } : {}),
      compress: true,
      functionAssociations: [{ eventType: FunctionEventType.VIEWER_REQUEST, function: this.normalizeQueryString }],
    };
    // Token routes, writes and anything unlisted: never cached, every viewer header but Host
    // (API Gateway routes by its own Host) forwarded, Authorization included.
    const passThrough: BehaviorOptions = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
    };

    const certificate = config.edge.domain ? Certificate.fromCertificateArn(this, 'Certificate', config.edge.domain.certificateArn) : undefined;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${config.resourcePrefix}: the directory API`,
      defaultBehavior: passThrough,
      additionalBehaviors: {
        [distributionPaths.claims]: passThrough,
        [distributionPaths.reports]: {
          ...passThrough,
          functionAssociations: [{ eventType: FunctionEventType.VIEWER_REQUEST, function: this.viewerAddress }],
        },
        ...Object.fromEntries(distributionPaths.publicReads.map((pattern) => [pattern, publicRead])),
      },
      // A failing dependency should not be prolonged by the edge: server errors are not kept (by
      // default CloudFront keeps them 10 s). Client errors keep the origin's own Cache-Control.
      errorResponses: [500, 502, 503, 504].map((httpStatus) => ({ httpStatus, ttl: Duration.seconds(0) })),
      webAclId: webAclArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: config.edge.priceClass,
      enableIpv6: true,
      ...(config.edge.domain && certificate
        ? {
            domainNames: [...config.edge.domain.names],
            certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: SSLMethod.SNI,
          }
        : {}),
    });

    this.accessLogs = this.standardLogging(config);

    acknowledgeNag(
      this.distribution,
      'AwsSolutions-CFR3',
      'Access logging is on, as CloudFront standard logging v2 (an AWS::Logs::DeliverySource for this distribution delivering to its own CloudWatch log group with the stage retention, see standardLogging); this rule only recognises the legacy S3 `Logging` property.',
    );
    acknowledgeNag(
      this.distribution,
      'AwsSolutions-CFR1',
      'The directory is public information meant for anyone looking for care in the US, including people travelling or behind VPNs whose address geolocates abroad; a country block would turn them away without protecting anything. Abuse is limited by the WAF rate rule and managed rule groups instead.',
    );
    if (!config.edge.domain) {
      acknowledgeNag(
        this.distribution,
        'AwsSolutions-CFR4',
        'This stage has no custom domain yet (edge.domain in infra/config/stages.ts), so viewers use the distribution\'s *.cloudfront.net name with CloudFront\'s default certificate, whose security policy CloudFront fixes and cannot be raised; with a domain the distribution uses TLSv1.2_2021 over SNI.',
      );
    }
  }

  /** Standard logging v2: every request of the distribution as JSON in a log group of this (us-east-1) stack. */
  private standardLogging(config: StageConfig): LogGroup {
    const logs = new LogGroup(this, 'AccessLogs', { retention: config.logRetention, removalPolicy: config.removalPolicy });
    const sourceName = `${config.resourcePrefix}-cloudfront`;
    const source = new CfnDeliverySource(this, 'AccessLogSource', {
      name: sourceName,
      logType: 'ACCESS_LOGS',
      resourceArn: Stack.of(this).formatArn({
        service: 'cloudfront',
        region: '',
        account: Aws.ACCOUNT_ID,
        resource: 'distribution',
        resourceName: this.distribution.distributionId,
      }),
    });
    const destination = new CfnDeliveryDestination(this, 'AccessLogDestination', {
      name: `${config.resourcePrefix}-cloudfront-logs`,
      // The log group's own ARN, without the `:*` that its Arn attribute carries.
      destinationResourceArn: Stack.of(this).formatArn({
        service: 'logs',
        account: Aws.ACCOUNT_ID,
        resource: 'log-group',
        resourceName: logs.logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      outputFormat: 'json',
    });
    const delivery = new CfnDelivery(this, 'AccessLogDelivery', {
      deliverySourceName: sourceName,
      deliveryDestinationArn: destination.attrArn,
    });
    delivery.node.addDependency(source, destination);
    return logs;
  }
}
