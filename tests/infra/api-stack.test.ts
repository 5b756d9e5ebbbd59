import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { directoryFunctionNames, directoryFunctions, type DirectoryFunctionDefinition } from '../../infra/config/functions';
import { userPoolTriggerNames } from '../../infra/config/user-pool-triggers';
import { openSearchClientBudget } from '../../infra/config/opensearch-client';
import { reconciliation } from '../../infra/config/reconciliation';
import { checkReservedConcurrency, minimumUnreservedConcurrency, stageConfig } from '../../infra/config/stages';
import { functionRuntime } from '../../infra/constructs/directory-function';
import { makesCursors } from '../../infra/constructs/cursor-signing-key';
import { onlyResource, renderCfn, resourcesOfType, synthStage, type CfnResource, type SynthesizedStage } from './support/synth-stage';

// The function cold starts imitated below must not reach Cognito for the pool's keys.
vi.mock('../../functions/adapters/auth/cognito-token-verifier', () => ({
  cognitoTokenVerifier: () => ({ verify: () => Promise.reject(new Error('not in this test')), prefetchKeys: () => Promise.resolve() }),
}));

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
  it('are exactly the directory functions, and there is no other Lambda anywhere but the user pool triggers', () => {
    for (const stage of [dev, prod]) {
      expect(lambdaFunctions(stage)).toHaveLength(directoryFunctionNames.length);
      // The pool's pre sign-up and pre token generation triggers live beside it (accounts.test.ts).
      stage.stateful.resourceCountIs('AWS::Lambda::Function', userPoolTriggerNames.length);
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
        expect(Object.keys(variables).sort(), name).toEqual([
          'COGNITO_CLIENT_ID',
          'COGNITO_USER_POOL_ID',
          'CURSOR_SIGNING_KEY',
          'MAX_PENDING_LISTINGS',
          'NODE_OPTIONS',
          'OPENSEARCH_AUTH',
          'OPENSEARCH_MAX_RETRIES',
          'OPENSEARCH_REQUEST_TIMEOUT_MS',
          'OPENSEARCH_URL',
          'PROGRAMS_TABLE',
          'SEARCH_INDEX_ALIAS',
          'TOKEN_VERIFICATION',
        ]);
        expect(variables.OPENSEARCH_AUTH, name).toBe('sigv4');
        expect(variables.MAX_PENDING_LISTINGS, name).toBe(String(stage.config.listings.maxPendingPerProvider));
        expect(JSON.stringify(variables.PROGRAMS_TABLE), name).toContain(`IopDirectory-${stage.config.stage}-Stateful`);
      }
    }
  });

  it('hand the cursor signing key, as a reference resolved at deployment, to the functions that make or read cursors and to no other', () => {
    for (const stage of [dev, prod]) {
      const secret = stage.stacks.api.node.findChild('CursorSigningKey').node.findChild('Secret').node.defaultChild as never;
      const secretId = stage.stacks.api.getLogicalId(secret);
      const resource = stage.api.toJSON().Resources[secretId] as { Properties: Record<string, unknown> };
      expect(resource.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
      expect(resource.Properties).not.toHaveProperty('SecretString');
      expect(directoryFunctionNames.filter(makesCursors)).toHaveLength(14);
      for (const name of directoryFunctionNames) {
        const variables = (functionResource(stage, name).Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
        if (makesCursors(name)) expect(renderCfn(variables.CURSOR_SIGNING_KEY), name).toMatch(new RegExp(`^\\{\\{resolve:secretsmanager:.*${secretId}.*:SecretString:::\\}\\}$`));
        else expect(variables, name).not.toHaveProperty('CURSOR_SIGNING_KEY');
      }
    }
  });

  it('give up on OpenSearch well before Lambda gives up on them: every attempt and retry within the budget of the function timeout', () => {
    for (const stage of [dev, prod]) {
      for (const name of directoryFunctionNames) {
        const variables = (functionResource(stage, name).Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
        if (variables.OPENSEARCH_URL === undefined) {
          expect(variables.OPENSEARCH_REQUEST_TIMEOUT_MS, name).toBeUndefined();
          continue;
        }
        const timeoutMs = stage.config.functions[name].timeout.toMilliseconds();
        const perAttempt = Number(variables.OPENSEARCH_REQUEST_TIMEOUT_MS);
        const attempts = Number(variables.OPENSEARCH_MAX_RETRIES) + 1;
        expect(perAttempt, name).toBeGreaterThanOrEqual(1000);
        expect(perAttempt, name).toBeLessThanOrEqual(openSearchClientBudget.maxRequestTimeout.toMilliseconds());
        // All attempts together take at most 60% of the function's time.
        expect(perAttempt * attempts, name).toBeLessThanOrEqual(timeoutMs * openSearchClientBudget.share);
      }
      // The public search: 3 s per attempt, one retry, within its 10 s.
      const search = (functionResource(stage, 'search-programs').Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect([search.OPENSEARCH_REQUEST_TIMEOUT_MS, search.OPENSEARCH_MAX_RETRIES]).toEqual(['3000', '1']);
    }
  });

  it('reserve concurrency as the stage says: none in dev, caps on the public OpenSearch routes and a floor for the indexer in prod', () => {
    for (const name of directoryFunctionNames) {
      expect(functionResource(dev, name).Properties?.ReservedConcurrentExecutions, name).toBeUndefined();
    }
    const reserved = Object.fromEntries(
      directoryFunctionNames.flatMap((name) => {
        const count = functionResource(prod, name).Properties?.ReservedConcurrentExecutions;
        return count === undefined ? [] : [[name, count]];
      }),
    );
    expect(reserved).toEqual({ 'search-programs': 100, 'get-program': 50, 'submit-report': 20, 'index-stream': 10, 'reconcile-search-index': 1 });
    // Listing and review routes share the unreserved pool, which the caps keep from running dry.
    const total = Object.values(reserved).reduce((sum: number, count) => sum + Number(count), 0);
    expect(prod.config.concurrency.accountLimit - total).toBeGreaterThanOrEqual(minimumUnreservedConcurrency + 500);
  });

  it('refuse to synthesise reservations the account could not give (Lambda keeps 100 unreserved)', () => {
    const prodConfig = stageConfig('prod');
    expect(() => checkReservedConcurrency({ ...prodConfig, concurrency: { ...prodConfig.concurrency, accountLimit: 250 } })).toThrow(/leaving 69 unreserved/);
    expect(() => checkReservedConcurrency(prodConfig)).not.toThrow();
    // A quota of 10 (new accounts) is fine as long as nothing is reserved, as in dev.
    expect(() => checkReservedConcurrency(stageConfig('dev'))).not.toThrow();
    expect(() => checkReservedConcurrency({ ...stageConfig('dev'), concurrency: { accountLimit: 10, reserved: { 'index-stream': 2 } } })).toThrow(/requires at least 100/);
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

/**
 * What CloudFormation resolves a reference to, where the function's configuration checks its
 * shape (anything else referenced becomes a plain stand-in).
 */
const RESOLVED_AS: Record<string, string> = {
  COGNITO_USER_POOL_ID: 'us-east-1_Example1',
  COGNITO_CLIENT_ID: 'exampleclientid1',
  EXPIRY_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:expiry',
  ORIGIN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:origin',
  // A dynamic reference to the generated secret (infra/constructs/cursor-signing-key.ts).
  CURSOR_SIGNING_KEY: 'k'.repeat(43),
};

/** A function's environment as Lambda would hand it over: the template's variables resolved, plus the region Lambda always sets. */
function lambdaEnvironment(variables: Record<string, unknown>): Record<string, string> {
  const resolved = Object.entries(variables).map(([name, value]) => {
    if (typeof value === 'string') return [name, value];
    // References (Ref, GetAtt, imports) resolve at deployment; the region is the stage's.
    const rendered = renderCfn(value).replaceAll('${AWS::Region}', 'us-east-1');
    return [name, RESOLVED_AS[name] ?? rendered.replace(/\$\{[^}]*\}|\{".*\}/g, 'resolved')];
  });
  return { AWS_REGION: 'us-east-1', ...Object.fromEntries(resolved) };
}

describe('function configuration', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  // The functions' configuration has no defaults (functions/config/): a variable the stack forgets
  // would fail that function's cold start in AWS. Each entry module is loaded, as Lambda would, with
  // exactly its template's environment (the test process's own settings, the engines', removed).
  it.each(directoryFunctionNames)('%s: its entry module loads with the environment the stack gives it', async (name) => {
    const variables = (functionResource(dev, name).Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    const environment = lambdaEnvironment(variables);
    for (const key of Object.keys(process.env)) if (/^[A-Z][A-Z0-9_]*$/.test(key) && !KEPT_VARIABLES.has(key)) vi.stubEnv(key, undefined);
    for (const [key, value] of Object.entries(environment)) vi.stubEnv(key, value);
    vi.resetModules();
    await expect(import(`../../functions/handlers/${directoryFunctions[name].entry}.ts`)).resolves.toHaveProperty('handler');
  });
});

/** What the test process keeps of its own environment while it imitates a function's. */
const KEPT_VARIABLES = new Set(['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS', 'NODE_ENV', 'TEST', 'CI']);

describe('stream indexer', () => {
  it('reads the table stream in batches, reports partial failures, retries for hours and only then parks a change', () => {
    for (const stage of [dev, prod]) {
      const mapping = onlyResource(stage.api, 'AWS::Lambda::EventSourceMapping');
      const queueId = stage.stacks.api.getLogicalId(stage.stacks.api.indexFailures.node.defaultChild as never);
      expect(mapping.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        // A few minutes (indeed hours) of OpenSearch trouble park nothing: retried until 6 hours old.
        MaximumRetryAttempts: 10_000,
        MaximumRecordAgeInSeconds: 6 * 3600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      expect(JSON.stringify(mapping.Properties?.EventSourceArn)).toContain('StreamArn');
      const indexerId = stage.stacks.api.getLogicalId(stage.stacks.api.functions['index-stream'].function.node.defaultChild as never);
      expect(mapping.Properties?.FunctionName).toEqual({ Ref: indexerId });
    }
  });

  it('leaves what it parks to the hourly reconciliation, which repairs every change older than its settle time', () => {
    for (const stage of [dev, prod]) {
      // A parked change is at least this old, or has failed every retry; the reconciliation skips
      // only changes younger than its settle time, so the next run after parking repairs it.
      expect(reconciliation.settle.toSeconds()).toBeLessThan(stage.config.indexer.maxRecordAge.toSeconds());
      const reconciler = functionResource(stage, 'reconcile-search-index');
      const variables = (reconciler.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.RECONCILE_SETTLE_SECONDS).toBe(String(reconciliation.settle.toSeconds()));
      const reconcilerId = stage.stacks.api.getLogicalId(stage.stacks.api.functions['reconcile-search-index'].function.node.defaultChild as never);
      const schedules = resourcesOfType(stage.api, 'AWS::Events::Rule').filter(([, rule]) =>
        JSON.stringify(rule.Properties?.Targets).includes(reconcilerId),
      );
      expect(schedules.map(([, rule]) => rule.Properties?.ScheduleExpression)).toEqual(['rate(1 hour)']);
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

  it('has one authorizer, the origin check: a Lambda that requires the header CloudFront adds, with simple, cached answers', () => {
    for (const stage of [dev, prod]) {
      const authorizer = onlyResource(stage.api, 'AWS::ApiGatewayV2::Authorizer');
      const fnId = stage.stacks.api.getLogicalId(stage.stacks.api.functions['verify-origin'].function.node.defaultChild as never);
      expect(authorizer.Properties).toMatchObject({
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.x-origin-verify'],
        AuthorizerResultTtlInSeconds: 300,
      });
      expect(JSON.stringify(authorizer.Properties?.AuthorizerUri)).toContain(fnId);
      // The function reads the one secret it compares with (its ARN, from this stack), nothing else.
      const secretId = stage.stacks.api.getLogicalId(stage.stacks.api.originVerification.secret.node.defaultChild as never);
      const variables = (functionResource(stage, 'verify-origin').Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.ORIGIN_SECRET_ARN).toEqual({ Ref: secretId });
      const roleId = stage.stacks.api.getLogicalId(stage.stacks.api.functions['verify-origin'].role.node.defaultChild as never);
      const statements = resourcesOfType(stage.api, 'AWS::IAM::Policy')
        .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes(roleId))
        .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement);
      const secretStatements = statements.filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager'));
      expect(secretStatements).toEqual([{ Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: { Ref: secretId } }]);
    }
  });

  it('puts every route behind the origin check, and lets the token-route functions verify tokens against the pool themselves', () => {
    for (const stage of [dev, prod]) {
      const [authorizerId] = resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Authorizer')[0]!;
      const byKey = Object.fromEntries(resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Route').map(([, route]) => [String(route.Properties?.RouteKey), route]));
      const protectedNames = routedFunctions.filter((name) => routeOf(name).authorization === 'jwt');
      expect(protectedNames.map((name) => routeOf(name).routeKey).sort()).toEqual(
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
        expect(route.Properties, routeKey).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
      }
      // The pool id and client id are the stateful stack's, by reference; API Gateway no longer checks tokens.
      const { users } = stage.stacks.stateful;
      const poolId = stage.stacks.stateful.getLogicalId(users.userPool.node.defaultChild as never);
      const clientId = stage.stacks.stateful.getLogicalId(users.client.node.defaultChild as never);
      for (const name of routedFunctions) {
        const variables = (functionResource(stage, name).Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
        if (routeOf(name).authorization === 'jwt') {
          expect(variables.TOKEN_VERIFICATION, name).toBe('cognito');
          expect(JSON.stringify(variables.COGNITO_USER_POOL_ID), name).toMatch(new RegExp(`"PublishOutputRef${poolId}[0-9A-F]*"`));
          expect(JSON.stringify(variables.COGNITO_CLIENT_ID), name).toMatch(new RegExp(`"PublishOutputRef${clientId}[0-9A-F]*"`));
        } else {
          // Public: search reads, and the one anonymous write, problem reports.
          expect(routeOf(name).routeKey, name).toMatch(/^(GET \/v1\/(programs|openapi|vocabularies|places)|POST \/v1\/programs\/\{id\}\/reports$)/);
          expect(variables, name).not.toHaveProperty('TOKEN_VERIFICATION');
          expect(variables, name).not.toHaveProperty('COGNITO_USER_POOL_ID');
        }
      }
    }
  });

  it('keys the report rate limit on the viewer address the edge hands on, not on API Gateway\'s peer (an edge server)', () => {
    for (const stage of [dev, prod]) {
      for (const name of routedFunctions) {
        const variables = (functionResource(stage, name).Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
        expect(variables.CLIENT_ADDRESS, name).toBe(name === 'submit-report' ? 'viewer-address-header' : undefined);
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
      expect(JSON.parse(access.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status', authorizerError: '$context.authorizer.error' });
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
