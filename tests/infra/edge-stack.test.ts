import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY_HEADER } from '../../functions/http/origin-verification';
import { EDGE_REGION, originSecretName, wafLogGroupName } from '../../infra/config/edge';
import { directoryFunctionNames, directoryFunctions, type DirectoryFunctionDefinition } from '../../infra/config/functions';
import { stageConfig, type StageConfig, type StageName } from '../../infra/config/stages';
import { repoRoot } from '../../infra/constructs/directory-function';
import { managedRuleGroups } from '../../infra/constructs/edge-firewall';
import { defineDirectory, type DirectoryStacks } from '../../infra/directory-app';
import { asArray, onlyResource, renderCfn, resourcesOfType, type CfnResource } from './support/synth-stage';

interface Synthesized {
  readonly config: StageConfig;
  readonly stacks: DirectoryStacks;
  readonly api: Template;
  readonly edge: Template;
}

/**
 * Synthesises a stage exactly as the app does (cdk-nag registered: any unacknowledged finding
 * throws), without esbuild bundles, which nothing here looks at.
 */
function synth(stage: StageName, edge?: Partial<StageConfig['edge']>): Synthesized {
  const base = stageConfig(stage);
  const config: StageConfig = edge ? { ...base, edge: { ...base.edge, ...edge } } : base;
  const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({ context: { ...cdkJson.context, stage, 'aws:cdk:bundling-stacks': [] } });
  const stacks = defineDirectory(app, config);
  const result = { config, stacks, api: Template.fromStack(stacks.api), edge: Template.fromStack(stacks.edge) };
  app.synth();
  return result;
}

const stages: Record<string, Synthesized> = {};
const each = () => [stages.dev!, stages.prod!];

beforeAll(() => {
  stages.dev = synth('dev');
  stages.prod = synth('prod');
  stages.withDomain = synth('prod', { domain: { names: ['api.example.org'], certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } });
});

interface Behavior {
  PathPattern?: string;
  AllowedMethods: string[];
  CachedMethods?: string[];
  CachePolicyId: unknown;
  OriginRequestPolicyId?: unknown;
  FunctionAssociations?: Array<{ EventType: string; FunctionARN: unknown }>;
  ViewerProtocolPolicy: string;
  TargetOriginId: string;
  Compress?: boolean;
}

interface DistributionConfig {
  CacheBehaviors: Behavior[];
  DefaultCacheBehavior: Behavior;
  Origins: Array<{ Id: string; DomainName: unknown; CustomOriginConfig: Record<string, unknown>; OriginCustomHeaders?: Array<{ HeaderName: string; HeaderValue: unknown }> }>;
  [key: string]: unknown;
}

function distributionConfig(stage: Synthesized): DistributionConfig {
  return onlyResource(stage.edge, 'AWS::CloudFront::Distribution').Properties?.DistributionConfig as DistributionConfig;
}

function logicalId(stage: Synthesized, construct: { node: { defaultChild?: unknown } } | object): string {
  const child = 'node' in construct && construct.node.defaultChild ? construct.node.defaultChild : construct;
  return stage.stacks.edge.getLogicalId(child as never);
}

/** The behaviour CloudFront picks for a path: the first pattern that matches (`*` any characters, `?` one), else the default. */
function behaviorFor(config: DistributionConfig, requestPath: string): Behavior {
  const matches = (pattern: string) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(requestPath);
  return config.CacheBehaviors.find((behavior) => matches(behavior.PathPattern!)) ?? config.DefaultCacheBehavior;
}

const CACHING_DISABLED = CachePolicy.CACHING_DISABLED.cachePolicyId;
const ALL_VIEWER_EXCEPT_HOST = OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId;

const routes = directoryFunctionNames
  .map((name) => (directoryFunctions[name] as DirectoryFunctionDefinition).route)
  .filter((route): route is NonNullable<DirectoryFunctionDefinition['route']> => route !== undefined)
  .map((route) => {
    const [method, pattern] = route.routeKey.split(' ') as [string, string];
    return { ...route, method, path: pattern.replace(/\{[^}]+\}/g, 'prg_0123') };
  });

describe('edge stack', () => {
  it(`is refused by CloudFormation anywhere but ${EDGE_REGION}, where CLOUDFRONT-scoped web ACLs exist`, () => {
    for (const stage of each()) {
      const rule = (stage.edge.toJSON().Rules as Record<string, { Assertions: Array<{ Assert: unknown }> }>).EdgeRegion;
      expect(rule?.Assertions).toEqual([expect.objectContaining({ Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, EDGE_REGION] } })]);
    }
  });
});

describe('CloudFront distribution', () => {
  it('serves over HTTP/2 and HTTP/3 and IPv6 from the configured price class, behind the web ACL', () => {
    for (const stage of each()) {
      const config = distributionConfig(stage);
      expect(config).toMatchObject({ Enabled: true, HttpVersion: 'http2and3', IPV6Enabled: true, PriceClass: stage.config.edge.priceClass });
      expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [logicalId(stage, stage.stacks.edge.firewall.webAcl), 'Arn'] });
    }
  });

  it('has one origin, the HTTP API over HTTPS (TLS 1.2) only', () => {
    for (const stage of each()) {
      const [origin, ...others] = distributionConfig(stage).Origins;
      expect(others).toEqual([]);
      expect(origin?.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      const domain = renderCfn(origin?.DomainName);
      // <the API stack's HttpApi id>.execute-api.<this region>: the same region, by the stack rule above.
      expect(domain).toMatch(/^\{"Fn::GetStackOutput":\{"StackName":"IopDirectory-[a-z]+-Api".*\}\}\.execute-api\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\}$/);
      expect(domain).toContain(`PublishOutputRef${stage.stacks.api.getLogicalId(stage.stacks.api.httpApi.node.defaultChild as never)}`);
      for (const behavior of [distributionConfig(stage).DefaultCacheBehavior, ...distributionConfig(stage).CacheBehaviors]) {
        expect(behavior.TargetOriginId).toBe(origin?.Id);
        expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      }
    }
  });

  it('adds the origin secret as a Secrets Manager reference resolved at deployment, never its value', () => {
    for (const stage of each()) {
      const headers = distributionConfig(stage).Origins[0]?.OriginCustomHeaders;
      expect(headers).toEqual([{ HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: `{{resolve:secretsmanager:${originSecretName(stage.config)}:SecretString:::}}` }]);
      // The secret it names is the API stack's generated one.
      const secrets = resourcesOfType(stage.api, 'AWS::SecretsManager::Secret').map(([, resource]) => resource);
      const secret = secrets.find((candidate) => candidate.Properties?.Name === originSecretName(stage.config));
      expect(secret).toBeDefined();
      expect(secret?.Properties?.GenerateSecretString).toMatchObject({ ExcludePunctuation: true, IncludeSpace: false, PasswordLength: 48 });
      expect(secret?.Properties).not.toHaveProperty('SecretString');
    }
  });

  it('caches public reads with the query string (normalised) as the key and the origin Cache-Control in charge', () => {
    for (const stage of each()) {
      const policy = onlyResource(stage.edge, 'AWS::CloudFront::CachePolicy').Properties?.CachePolicyConfig as Record<string, unknown>;
      expect(policy).toMatchObject({
        MinTTL: 0,
        DefaultTTL: stage.config.edge.cache.defaultTtl.toSeconds(),
        MaxTTL: stage.config.edge.cache.maxTtl.toSeconds(),
        ParametersInCacheKeyAndForwardedToOrigin: {
          QueryStringsConfig: { QueryStringBehavior: 'all' },
          CookiesConfig: { CookieBehavior: 'none' },
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
        },
      });
      // Origin only where the API answers CORS (its Access-Control-Allow-Origin depends on it); never Authorization.
      const headers = (policy.ParametersInCacheKeyAndForwardedToOrigin as { HeadersConfig: { HeaderBehavior: string; Headers?: string[] } }).HeadersConfig;
      expect(headers).toEqual(stage.config.api.corsAllowOrigins.length > 0 ? { HeaderBehavior: 'whitelist', Headers: ['origin'] } : { HeaderBehavior: 'none' });
      expect(stage.config.edge.cache.maxTtl.toSeconds()).toBeGreaterThanOrEqual(86_400);
    }
  });

  it('routes every API route to the right behaviour: public reads cached with the query normalised, the rest never cached', () => {
    for (const stage of each()) {
      const config = distributionConfig(stage);
      const cachePolicyId = { Ref: logicalId(stage, stage.stacks.edge.api.publicReadsCachePolicy) };
      const normalize = { 'Fn::GetAtt': [logicalId(stage, stage.stacks.edge.api.normalizeQueryString), 'FunctionARN'] };
      const viewerAddress = { 'Fn::GetAtt': [logicalId(stage, stage.stacks.edge.api.viewerAddress), 'FunctionARN'] };
      expect(routes.length).toBeGreaterThan(15);
      for (const route of routes) {
        const behavior = behaviorFor(config, route.path);
        const label = `${route.routeKey} -> ${behavior.PathPattern ?? 'default'}`;
        expect(behavior.AllowedMethods, label).toContain(route.method);
        if (route.authorization === 'public' && route.method === 'GET') {
          expect(behavior.CachePolicyId, label).toEqual(cachePolicyId);
          expect(behavior.CachedMethods, label).toEqual(['GET', 'HEAD']);
          expect(behavior.FunctionAssociations, label).toEqual([{ EventType: 'viewer-request', FunctionARN: normalize }]);
        } else {
          // Token routes (listings, review, claims) and writes: never cached, every viewer header but Host forwarded.
          expect(behavior.CachePolicyId, label).toBe(CACHING_DISABLED);
          expect(behavior.OriginRequestPolicyId, label).toBe(ALL_VIEWER_EXCEPT_HOST);
          expect(behavior.AllowedMethods, label).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
          if (route.routeKey === 'POST /v1/programs/{id}/reports') {
            expect(behavior.FunctionAssociations, label).toEqual([{ EventType: 'viewer-request', FunctionARN: viewerAddress }]);
          } else {
            expect(behavior.FunctionAssociations ?? [], label).toEqual([]);
          }
        }
      }
      // Anything nobody listed (a new route, another case) falls to the uncached default.
      expect(behaviorFor(config, '/v1/something-new').CachePolicyId).toBe(CACHING_DISABLED);
      expect(behaviorFor(config, '/V1/programs').CachePolicyId).toBe(CACHING_DISABLED);
      expect(config.DefaultCacheBehavior).toMatchObject({ CachePolicyId: CACHING_DISABLED, OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST });
    }
  });

  it('forwards no Authorization and no cookies on the cached reads, only what CORS preflights need', () => {
    for (const stage of each()) {
      const cached = distributionConfig(stage).CacheBehaviors.filter((behavior) => behavior.CachePolicyId !== CACHING_DISABLED);
      expect(cached.map((behavior) => behavior.PathPattern)).toEqual(['/v1/programs', '/v1/programs/*', '/v1/places', '/v1/vocabularies', '/v1/openapi.json']);
      const policies = resourcesOfType(stage.edge, 'AWS::CloudFront::OriginRequestPolicy');
      if (stage.config.api.corsAllowOrigins.length === 0) {
        expect(policies).toEqual([]);
        for (const behavior of cached) expect(behavior).not.toHaveProperty('OriginRequestPolicyId');
        continue;
      }
      expect(policies).toHaveLength(1);
      expect(policies[0]![1].Properties?.OriginRequestPolicyConfig).toMatchObject({
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['access-control-request-headers', 'access-control-request-method'] },
        CookiesConfig: { CookieBehavior: 'none' },
      });
      for (const behavior of cached) expect(behavior.OriginRequestPolicyId).toEqual({ Ref: policies[0]![0] });
    }
  });

  it('runs the query-normalising function on viewer requests (JavaScript runtime 2.0)', () => {
    for (const stage of each()) {
      const fn = stage.edge.toJSON().Resources[logicalId(stage, stage.stacks.edge.api.normalizeQueryString)] as CfnResource;
      expect(fn.Properties).toMatchObject({ AutoPublish: true, FunctionConfig: { Runtime: 'cloudfront-js-2.0' }, Name: `${stage.config.resourcePrefix}-normalize-query-string` });
      expect(String(fn.Properties?.FunctionCode)).toBe(readFileSync(path.join(repoRoot, 'infra/edge/normalize-query-string.js'), 'utf8'));
    }
  });

  it('keeps no server error, so an outage is not prolonged by the edge', () => {
    for (const stage of each()) {
      expect(distributionConfig(stage).CustomErrorResponses).toEqual([500, 502, 503, 504].map((ErrorCode) => ({ ErrorCode, ErrorCachingMinTTL: 0 })));
    }
  });

  it('delivers access logs (standard logging v2) to its own log group with the stage retention', () => {
    for (const stage of each()) {
      const source = onlyResource(stage.edge, 'AWS::Logs::DeliverySource');
      const distributionId = logicalId(stage, stage.stacks.edge.api.distribution);
      expect(source.Properties?.LogType).toBe('ACCESS_LOGS');
      expect(renderCfn(source.Properties?.ResourceArn)).toBe(`arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distributionId}}`);
      const destination = onlyResource(stage.edge, 'AWS::Logs::DeliveryDestination');
      const groupId = logicalId(stage, stage.stacks.edge.api.accessLogs);
      expect(renderCfn(destination.Properties?.DestinationResourceArn)).toBe(
        `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${groupId}}`,
      );
      const group = stage.edge.toJSON().Resources[groupId] as CfnResource;
      expect(group.Properties?.RetentionInDays).toBe(stage.config.logRetention);
      const [[destinationId], [sourceId]] = [resourcesOfType(stage.edge, 'AWS::Logs::DeliveryDestination')[0]!, resourcesOfType(stage.edge, 'AWS::Logs::DeliverySource')[0]!];
      const delivery = onlyResource(stage.edge, 'AWS::Logs::Delivery') as CfnResource & { DependsOn?: string[] };
      expect(delivery.Properties).toMatchObject({ DeliverySourceName: source.Properties?.Name, DeliveryDestinationArn: { 'Fn::GetAtt': [destinationId, 'Arn'] } });
      expect(delivery.DependsOn).toEqual(expect.arrayContaining([sourceId, destinationId]));
    }
  });

  it("uses CloudFront's certificate until a domain is configured, then TLS 1.2 (2021 policy) over SNI with the us-east-1 certificate", () => {
    for (const stage of each()) {
      expect(stage.config.edge.domain).toBeNull();
      expect(distributionConfig(stage)).not.toHaveProperty('Aliases');
      const suppressions = JSON.stringify(onlyResource(stage.edge, 'AWS::CloudFront::Distribution').Metadata);
      for (const rule of ['AwsSolutions-CFR1', 'AwsSolutions-CFR3', 'AwsSolutions-CFR4']) expect(suppressions).toContain(rule);
    }
    const withDomain = distributionConfig(stages.withDomain!);
    expect(withDomain.Aliases).toEqual(['api.example.org']);
    expect(withDomain.ViewerCertificate).toEqual({
      AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(JSON.stringify(onlyResource(stages.withDomain!.edge, 'AWS::CloudFront::Distribution').Metadata)).not.toContain('AwsSolutions-CFR4');
  });
});

describe('WAF web ACL', () => {
  type Rule = { Name: string; Priority: number; Statement: Record<string, Record<string, unknown>>; Action?: unknown; OverrideAction?: unknown };

  it('is CLOUDFRONT-scoped, allows by default and runs the per-IP rate rule first, then both AWS managed groups', () => {
    for (const stage of each()) {
      const acl = onlyResource(stage.edge, 'AWS::WAFv2::WebACL').Properties as { Scope: string; DefaultAction: unknown; Rules: Rule[] };
      expect(acl.Scope).toBe('CLOUDFRONT');
      expect(acl.DefaultAction).toEqual({ Allow: {} });
      expect(acl.Rules.map((rule) => [rule.Priority, rule.Name])).toEqual([
        [0, 'RateLimitPerIp'],
        [1, 'AWSManagedRulesKnownBadInputsRuleSet'],
        [2, 'AWSManagedRulesCommonRuleSet'],
      ]);
      expect(acl.Rules[0]!.Statement).toEqual({
        RateBasedStatement: { AggregateKeyType: 'IP', Limit: stage.config.edge.rateLimit.requests, EvaluationWindowSec: stage.config.edge.rateLimit.windowSeconds },
      });
      for (const [index, name] of managedRuleGroups.entries()) {
        const rule = acl.Rules[index + 1]!;
        expect(rule.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: name });
        expect(rule.OverrideAction).toEqual({ None: {} });
      }
      // Only the 8 KB body rule is counted instead of blocking: the contract allows 64 KB bodies.
      expect(acl.Rules[2]!.Statement.ManagedRuleGroupStatement!.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
      expect(acl.Rules[1]!.Statement.ManagedRuleGroupStatement).not.toHaveProperty('RuleActionOverrides');
    }
  });

  it("answers a rate-limited client with the contract's 429 body and Retry-After", () => {
    for (const stage of each()) {
      const acl = onlyResource(stage.edge, 'AWS::WAFv2::WebACL').Properties as {
        Rules: Rule[];
        CustomResponseBodies: Record<string, { ContentType: string; Content: string }>;
      };
      expect(acl.Rules[0]!.Action).toEqual({
        Block: {
          CustomResponse: {
            ResponseCode: 429,
            CustomResponseBodyKey: 'rate-limited',
            ResponseHeaders: [{ Name: 'retry-after', Value: String(stage.config.edge.rateLimit.windowSeconds) }],
          },
        },
      });
      const body = acl.CustomResponseBodies['rate-limited']!;
      expect(body.ContentType).toBe('APPLICATION_JSON');
      expect(JSON.parse(body.Content)).toEqual({ error: { code: 'rate_limited', message: expect.any(String), details: [] } });
    }
  });

  it('logs what it blocks or counts to an aws-waf-logs-* group with the stage retention, with Authorization redacted', () => {
    for (const stage of each()) {
      const groupId = logicalId(stage, stage.stacks.edge.firewall.logs);
      const group = stage.edge.toJSON().Resources[groupId] as CfnResource;
      expect(group.Properties).toMatchObject({ LogGroupName: wafLogGroupName(stage.config), RetentionInDays: stage.config.logRetention });
      expect(wafLogGroupName(stage.config)).toMatch(/^aws-waf-logs-/);
      const logging = onlyResource(stage.edge, 'AWS::WAFv2::LoggingConfiguration') as CfnResource & { DependsOn?: string[] };
      expect(logging.Properties?.ResourceArn).toEqual({ 'Fn::GetAtt': [logicalId(stage, stage.stacks.edge.firewall.webAcl), 'Arn'] });
      expect(asArray(logging.Properties?.LogDestinationConfigs as unknown[]).map(renderCfn)).toEqual([
        `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${wafLogGroupName(stage.config)}`,
      ]);
      expect(logging.DependsOn).toContain(groupId);
      expect(logging.Properties?.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }]);
      expect(logging.Properties?.LoggingFilter).toEqual({
        DefaultBehavior: 'DROP',
        Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }] }],
      });
    }
  });
});
