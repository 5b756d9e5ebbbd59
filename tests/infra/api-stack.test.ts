import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { directoryFunctionNames, directoryFunctions, type DirectoryFunctionDefinition } from '../../infra/config/functions';
import { functionRuntime } from '../../infra/constructs/directory-function';
import { onlyResource, renderCfn, resourcesOfType, synthStage, type CfnResource, type SynthesizedStage } from './support/synth-stage';

let dev: SynthesizedStage;
let prod: SynthesizedStage;

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});

function lambdaFunctions(stage: SynthesizedStage): Array<[string, CfnResource]> {
  return resourcesOfType(stage.api, 'AWS::Lambda::Function');
}

function functionResource(stage: SynthesizedStage, name: (typeof directoryFunctionNames)[number]): CfnResource {
  const logicalId = stage.stacks.api.getLogicalId(stage.stacks.api.functions[name].function.node.defaultChild as never);
  const resource = stage.api.toJSON().Resources[logicalId] as CfnResource | undefined;
  if (!resource) throw new Error(`no function resource for ${name}`);
  return resource;
}

/** The staged bundle behind a function's code: the assembly keeps it as `asset.<hash>` next to the templates. */
function bundleDir(stage: SynthesizedStage, fn: CfnResource): string {
  const key = String((fn.Properties?.Code as { S3Key: string }).S3Key);
  const dir = path.join(stage.assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
  if (!existsSync(dir)) throw new Error(`bundle ${dir} was not staged`);
  return dir;
}

describe('functions', () => {
  it('are exactly the directory functions, and there is no other Lambda anywhere', () => {
    for (const stage of [dev, prod]) {
      expect(lambdaFunctions(stage)).toHaveLength(directoryFunctionNames.length);
      stage.stateful.resourceCountIs('AWS::Lambda::Function', 0);
    }
  });

  it('run Node.js 24 (22 on an older aws-cdk-lib) on arm64 with active tracing', () => {
    // The installed aws-cdk-lib knows Node.js 24, so the fallback must not kick in.
    expect(functionRuntime.name).toBe('nodejs24.x');
    for (const stage of [dev, prod]) {
      for (const [id, fn] of lambdaFunctions(stage)) {
        expect(fn.Properties?.Runtime, id).toMatch(/^nodejs2[24]\.x$/);
        expect(fn.Properties?.Runtime, id).toBe(functionRuntime.name);
        expect(fn.Properties?.Architectures, id).toEqual(['arm64']);
        expect(fn.Properties?.TracingConfig, id).toEqual({ Mode: 'Active' });
        expect(fn.Properties?.Handler, id).toBe('index.handler');
      }
    }
  });

  it('log to their own log group with the stage retention, in JSON', () => {
    for (const stage of [dev, prod]) {
      const groups = stage.api.toJSON().Resources as Record<string, CfnResource>;
      for (const [id, fn] of lambdaFunctions(stage)) {
        const logging = fn.Properties?.LoggingConfig as { LogGroup: { Ref: string }; LogFormat: string };
        expect(logging.LogFormat, id).toBe('JSON');
        const group = groups[logging.LogGroup.Ref];
        expect(group?.Type, id).toBe('AWS::Logs::LogGroup');
        expect(group?.Properties?.RetentionInDays, id).toBe(stage.config.logRetention);
      }
    }
  });

  it('get memory and timeout from the stage config', () => {
    for (const stage of [dev, prod]) {
      for (const name of directoryFunctionNames) {
        const fn = functionResource(stage, name);
        expect(fn.Properties?.MemorySize, name).toBe(stage.config.functions[name].memorySizeMiB);
        expect(fn.Properties?.Timeout, name).toBe(stage.config.functions[name].timeout.toSeconds());
      }
    }
  });

  it('receive the table name, the HTTPS domain endpoint and SigV4 settings (search side)', () => {
    for (const stage of [dev, prod]) {
      for (const name of directoryFunctionNames.filter((fn) => directoryFunctions[fn].environment === 'search')) {
        const id = name;
        const variables = (functionResource(stage, name).Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
        expect(variables, id).toMatchObject({
          OPENSEARCH_AUTH: 'sigv4',
          SEARCH_INDEX_ALIAS: 'programs',
          NODE_OPTIONS: '--enable-source-maps',
        });
        expect(renderCfn(variables.OPENSEARCH_URL), id).toMatch(/^https:\/\//);
        expect(JSON.stringify(variables.OPENSEARCH_URL), id).toContain('DomainEndpoint');
        expect(JSON.stringify(variables.PROGRAMS_TABLE), id).toContain(`IopDirectory-${stage.config.stage}-Stateful`);
      }
    }
  });

  it('receive the table name, the pending-listing limit and where search is, for the duplicate lookup (listing side)', () => {
    for (const stage of [dev, prod]) {
      const names = directoryFunctionNames.filter((fn) => directoryFunctions[fn].environment === 'listings');
      expect(names).toHaveLength(12);
      for (const name of names) {
        const variables = (functionResource(stage, name).Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
        expect(Object.keys(variables).sort(), name).toEqual(['MAX_PENDING_LISTINGS', 'NODE_OPTIONS', 'OPENSEARCH_AUTH', 'OPENSEARCH_URL', 'PROGRAMS_TABLE', 'SEARCH_INDEX_ALIAS']);
        expect(variables.OPENSEARCH_AUTH, name).toBe('sigv4');
        expect(variables.MAX_PENDING_LISTINGS, name).toBe(String(stage.config.listings.maxPendingPerProvider));
        expect(JSON.stringify(variables.PROGRAMS_TABLE), name).toContain(`IopDirectory-${stage.config.stage}-Stateful`);
      }
    }
  });

  it('are real minified ESM bundles with source maps and without the AWS SDK', () => {
    for (const name of directoryFunctionNames) {
      const fn = functionResource(dev, name);
      const assetDir = bundleDir(dev, fn);
      const bundle = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
      expect(existsSync(path.join(assetDir, 'index.mjs.map')), name).toBe(true);
      // ESM output with the banner that gives bundled CommonJS code a working require().
      expect(bundle.split('\n', 1)[0], name).toContain("from 'node:module'");
      expect(bundle.split('\n', 1)[0], name).toContain('createRequire');
      expect(bundle, name).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{\s*handler\s*\}/);
      expect(bundle, name).toContain('sourceMappingURL=index.mjs.map');
      // Minified: very long lines rather than formatted source (newlines survive only inside strings).
      expect(bundle.length / bundle.split('\n').length, name).toBeGreaterThan(1000);
      // @aws-sdk/* stays external: imported at runtime, never inlined.
      expect(bundle, name).not.toMatch(/@aws-sdk\/[a-z-]+\/dist-/);
    }
    const indexer = functionResource(dev, 'index-stream');
    const indexerBundle = readFileSync(path.join(bundleDir(dev, indexer), 'index.mjs'), 'utf8');
    expect(indexerBundle).toMatch(/from\s*"@aws-sdk\/util-dynamodb"/);
  });
});

describe('stream indexer', () => {
  it('reads the table stream in batches, reports partial failures and parks exhausted ones in a DLQ', () => {
    for (const stage of [dev, prod]) {
      const mapping = onlyResource(stage.api, 'AWS::Lambda::EventSourceMapping');
      const queueId = stage.stacks.api.getLogicalId(stage.stacks.api.indexFailures.node.defaultChild as never);
      expect(mapping.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      expect(JSON.stringify(mapping.Properties?.EventSourceArn)).toContain('StreamArn');
      const indexerId = stage.stacks.api.getLogicalId(stage.stacks.api.functions['index-stream'].function.node.defaultChild as never);
      expect(mapping.Properties?.FunctionName).toEqual({ Ref: indexerId });
    }
  });

  it('sends failures to an encrypted queue that refuses non-TLS requests', () => {
    for (const stage of [dev, prod]) {
      const queueId = stage.stacks.api.getLogicalId(stage.stacks.api.indexFailures.node.defaultChild as never);
      const queue = (stage.api.toJSON().Resources as Record<string, CfnResource>)[queueId];
      expect(queue?.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: stage.config.indexer.failureRetention.toSeconds(),
      });
      const [, queuePolicy] = resourcesOfType(stage.api, 'AWS::SQS::QueuePolicy').find(([, policy]) =>
        (policy.Properties?.Queues as unknown[]).some((ref) => JSON.stringify(ref).includes(queueId)),
      )!;
      const policy = queuePolicy.Properties?.PolicyDocument as { Statement: unknown[] };
      expect(policy.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });
});

describe('HTTP API', () => {
  const routedFunctions = directoryFunctionNames.filter((name) => (directoryFunctions[name] as DirectoryFunctionDefinition).route);
  const routeOf = (name: (typeof directoryFunctionNames)[number]) => (directoryFunctions[name] as DirectoryFunctionDefinition).route!;

  it('routes every route key to its own function with payload format 2.0', () => {
    for (const stage of [dev, prod]) {
      const routes = resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties?.RouteKey);
      expect(routes.sort()).toEqual(routedFunctions.map((name) => routeOf(name).routeKey).sort());
      expect(routes).toEqual(
        expect.arrayContaining(['GET /v1/programs', 'GET /v1/programs/{id}', 'GET /v1/openapi.json', 'GET /v1/listings/{id}/history', 'POST /v1/review/{id}/reject']),
      );

      const integrations = Object.fromEntries(
        resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Integration').map(([id, integration]) => [id, integration]),
      );
      const expected = Object.fromEntries(routedFunctions.map((name) => [routeOf(name).routeKey, name]));
      for (const [, route] of resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Route')) {
        const routeKey = String(route.Properties?.RouteKey);
        const integrationId = renderCfn(route.Properties?.Target).replace(/^integrations\/\$\{(.+)\}$/, '$1');
        const integration = integrations[integrationId];
        expect(integration?.Properties?.PayloadFormatVersion, routeKey).toBe('2.0');
        const fnId = stage.stacks.api.getLogicalId(stage.stacks.api.functions[expected[routeKey]!].function.node.defaultChild as never);
        expect(integration?.Properties?.IntegrationUri, routeKey).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      }
    }
  });

  it("has one JWT authorizer that trusts the user pool's issuer and only the web client", () => {
    for (const stage of [dev, prod]) {
      const authorizer = onlyResource(stage.api, 'AWS::ApiGatewayV2::Authorizer');
      expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
      const jwt = authorizer.Properties?.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
      const issuer = renderCfn(jwt.Issuer);
      expect(issuer).toMatch(/^https:\/\/cognito-idp\.\$\{AWS::Region\}\.amazonaws\.com\//);
      // The pool id and client id are the stateful stack's, by reference.
      const { users } = stage.stacks.stateful;
      const poolId = stage.stacks.stateful.getLogicalId(users.userPool.node.defaultChild as never);
      const clientId = stage.stacks.stateful.getLogicalId(users.client.node.defaultChild as never);
      expect(issuer).toMatch(new RegExp(`/\\{"Fn::GetStackOutput":.*"OutputName":"PublishOutputRef${poolId}[0-9A-F]*"\\}\\}$`));
      expect(jwt.Audience).toHaveLength(1);
      expect(JSON.stringify(jwt.Audience[0])).toMatch(new RegExp(`"PublishOutputRef${clientId}[0-9A-F]*"`));
    }
  });

  it('puts the authorizer on every listing and review route and on none of the public ones', () => {
    for (const stage of [dev, prod]) {
      const [authorizerId] = resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Authorizer')[0]!;
      const byKey = Object.fromEntries(resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Route').map(([, route]) => [String(route.Properties?.RouteKey), route]));
      const protectedKeys: string[] = routedFunctions.filter((name) => routeOf(name).authorization === 'jwt').map((name) => routeOf(name).routeKey);
      expect(protectedKeys.sort()).toEqual(
        [
          'POST /v1/listings',
          'GET /v1/listings',
          'GET /v1/listings/{id}',
          'PUT /v1/listings/{id}',
          'DELETE /v1/listings/{id}',
          'GET /v1/listings/{id}/history',
          'GET /v1/review/queue',
          'POST /v1/review/{id}/approve',
          'POST /v1/review/{id}/reject',
          'POST /v1/review/{id}/convert',
          'POST /v1/listings/{id}/confirm',
          'POST /v1/programs/{id}/claims',
          'GET /v1/review/expiring',
        ].sort(),
      );
      for (const [routeKey, route] of Object.entries(byKey)) {
        if (protectedKeys.includes(routeKey)) {
          expect(route.Properties, routeKey).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
        } else {
          // Public: search reads, and the one anonymous write, problem reports.
          expect(routeKey).toMatch(/^(GET \/v1\/(programs|openapi|vocabularies|places)|POST \/v1\/programs\/\{id\}\/reports$)/);
          expect(route.Properties?.AuthorizationType ?? 'NONE', routeKey).toBe('NONE');
          expect(route.Properties, routeKey).not.toHaveProperty('AuthorizerId');
        }
      }
    }
  });

  it('throttles and access-logs the default stage as the stage config says', () => {
    for (const stage of [dev, prod]) {
      const apiStage = onlyResource(stage.api, 'AWS::ApiGatewayV2::Stage');
      expect(apiStage.Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingBurstLimit: stage.config.api.throttle.burstLimit,
          ThrottlingRateLimit: stage.config.api.throttle.rateLimit,
        },
      });
      const access = apiStage.Properties?.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
      const group = (stage.api.toJSON().Resources as Record<string, CfnResource>)[access.DestinationArn['Fn::GetAtt'][0]];
      expect(group?.Type).toBe('AWS::Logs::LogGroup');
      expect(group?.Properties?.RetentionInDays).toBe(stage.config.logRetention);
      expect(JSON.parse(access.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    }
  });

  it('allows exactly the configured browser origins', () => {
    expect(dev.config.api.corsAllowOrigins.length).toBeGreaterThan(0);
    for (const stage of [dev, prod]) {
      const api = onlyResource(stage.api, 'AWS::ApiGatewayV2::Api');
      if (stage.config.api.corsAllowOrigins.length === 0) {
        expect(api.Properties).not.toHaveProperty('CorsConfiguration');
        continue;
      }
      expect(api.Properties?.CorsConfiguration).toMatchObject({
        AllowOrigins: [...stage.config.api.corsAllowOrigins],
        AllowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        // Browsers must be allowed to send the bearer token and the listing preconditions, and to read the ETag.
        AllowHeaders: expect.arrayContaining(['authorization', 'content-type', 'if-match', 'idempotency-key']),
        ExposeHeaders: expect.arrayContaining(['etag', 'location', 'retry-after']),
      });
    }
  });
});
