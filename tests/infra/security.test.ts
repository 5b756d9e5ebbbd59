import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { directoryFunctionNames, directoryFunctions, dynamoDbPermissions, type DirectoryFunctionName } from '../../infra/config/functions';
import { openSearchCapabilityDefinitions } from '../../infra/config/search-access';
import { expectedOpenSearchGrants, iamPatternMatches, writeRequests } from './support/opensearch-grants';
import type { StageName } from '../../infra/config/stages';
import { asArray, renderCfn, resourcesOfType, type CfnResource, synthesizeStagesBeforeAll, type SynthesizedStage } from './support/synth-stage';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const { stages, each } = synthesizeStagesBeforeAll();

/** Every identity-policy statement of both stacks, labelled with the policy it came from. */
function identityStatements(stage: SynthesizedStage): Array<{ policy: string; statement: Statement }> {
  const found: Array<{ policy: string; statement: Statement }> = [];
  for (const template of [stage.stateful, stage.api]) {
    for (const [id, policy] of [
      ...resourcesOfType(template, 'AWS::IAM::Policy'),
      ...resourcesOfType(template, 'AWS::IAM::ManagedPolicy'),
    ]) {
      for (const statement of (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement) {
        found.push({ policy: id, statement });
      }
    }
    for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
      for (const inline of (role.Properties?.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }> | undefined) ?? []) {
        for (const statement of inline.PolicyDocument.Statement) found.push({ policy: id, statement });
      }
    }
  }
  return found;
}

function policyOf(stage: SynthesizedStage, name: DirectoryFunctionName) {
  const roleId = stage.stacks.api.getLogicalId(stage.stacks.api.functions[name].role.node.defaultChild as never);
  return identityStatements(stage).filter(({ policy }) => policy.startsWith(roleId.replace(/[0-9A-F]{8}$/, '')));
}

function actionsOf(statements: Array<{ statement: Statement }>): string[] {
  return [...new Set(statements.filter(({ statement }) => statement.Effect === 'Allow').flatMap(({ statement }) => asArray(statement.Action)))].sort();
}

describe('IAM', () => {
  // AWS offers no resource-level permissions for these, so "*" is the only valid resource.
  const resourceStarAllowed = ['dynamodb:ListStreams', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

  it('grants no wildcard actions, and Resource "*" only for the actions AWS cannot scope', () => {
    for (const stage of each()) {
      const statements = identityStatements(stage).filter(({ statement }) => statement.Effect === 'Allow');
      expect(statements.length).toBeGreaterThan(0);
      const starActions = new Set<string>();
      for (const { policy, statement } of statements) {
        for (const action of asArray(statement.Action)) expect(action, policy).not.toContain('*');
        if (asArray(statement.Resource).includes('*')) {
          // Never mixed with scoped resources, so the exception cannot widen anything else.
          expect(asArray(statement.Resource), policy).toEqual(['*']);
          asArray(statement.Action).forEach((action) => starActions.add(action));
        }
      }
      expect([...starActions].sort()).toEqual(resourceStarAllowed);
    }
  });

  it('uses resource wildcards only for paths under the one search domain and the import bucket prefixes', () => {
    for (const stage of each()) {
      const importRole = stage.stacks.api.getLogicalId(stage.stacks.api.functions['import-from-s3'].role.node.defaultChild as never).replace(/[0-9A-F]{8}$/, '');
      const operationsRole = operationsRoleId(stage);
      for (const { policy, statement } of identityStatements(stage)) {
        for (const resource of asArray(statement.Resource).filter((r) => r !== '*').map(renderCfn)) {
          if (!resource.includes('*')) continue;
          if (policy.startsWith(importRole) || (policy.startsWith(operationsRole) && resource.includes(':s3:::'))) {
            // <bucket arn>/imports/* or /reports/*, the bucket being the stateful stack's import bucket
            // (the importer's reads and reports; the operations role's uploads and report reads).
            expect(resource, policy).toMatch(new RegExp(`:s3:::${stage.config.resourcePrefix}-imports-\\$\\{AWS::AccountId\\}-\\$\\{AWS::Region\\}/(imports|reports)/\\*$`));
            continue;
          }
          // A document id or a versioned index name, known only at run time; the whole domain only
          // for the operations role, which administers it.
          if (policy.startsWith(operationsRole)) expect(resource, policy).toMatch(new RegExp(`:es:.*:domain/${stage.config.search.domainName}/\\*$`));
          else expect(resource, policy).toMatch(new RegExp(`:es:.*:domain/${stage.config.search.domainName}/(programs/_doc/\\*|programs-\\*|programs-\\*/_mapping)$`));
        }
      }
    }
  });

  it('gives every function its own role with no managed policies, assumable only by Lambda', () => {
    for (const stage of each()) {
      const roles = resourcesOfType(stage.api, 'AWS::IAM::Role');
      expect(roles).toHaveLength(directoryFunctionNames.length);
      for (const [id, role] of roles) {
        expect(role.Properties?.ManagedPolicyArns, id).toBeUndefined();
        expect(role.Properties?.AssumeRolePolicyDocument, id).toEqual({
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
          Version: '2012-10-17',
        });
      }
      // People assume exactly one role, the operations role (stateful stack), through the account;
      // every other role of the stage is a service's.
      const assumedByPeople = [...resourcesOfType(stage.stateful, 'AWS::IAM::Role'), ...roles].filter(([, role]) =>
        JSON.stringify(role.Properties?.AssumeRolePolicyDocument).includes(':root'),
      );
      expect(assumedByPeople.map(([, role]) => role.Properties?.RoleName)).toEqual([stage.config.operations.roleName]);
      expect(assumedByPeople[0]![1].Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('gives each function only what its handler uses', () => {
    const base = ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
    for (const stage of each()) {
      expect(actionsOf(policyOf(stage, 'openapi-document'))).toEqual(base);
      expect(actionsOf(policyOf(stage, 'search-programs'))).toEqual([...base, 'es:ESHttpGet', 'es:ESHttpPost'].sort());
      expect(actionsOf(policyOf(stage, 'get-program'))).toEqual([...base, 'es:ESHttpGet'].sort());
      // Problem reports: a document lookup, a conditional put and a counter update; no table reads.
      expect(actionsOf(policyOf(stage, 'submit-report'))).toEqual([...base, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'es:ESHttpGet'].sort());
      expect(actionsOf(policyOf(stage, 'index-stream'))).toEqual(
        [
          ...base,
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
          'es:ESHttpDelete',
          'es:ESHttpGet',
          'es:ESHttpHead',
          'es:ESHttpPost',
          'es:ESHttpPut',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:SendMessage',
        ].sort(),
      );
      for (const name of listingFunctionNames) {
        const tableActions = [...dynamoDbPermissions[directoryFunctions[name].dynamoDbAccess]];
        const searchActions = directoryFunctions[name].openSearchAccess.flatMap((capability) => openSearchCapabilityDefinitions[capability].iam.flatMap((permission) => permission.actions));
        expect(actionsOf(policyOf(stage, name)), name).toEqual([...base, ...tableActions, ...searchActions].sort());
      }
      // Of the listing functions, only creating and replacing a listing read search (the duplicate check).
      expect(listingFunctionNames.filter((name) => directoryFunctions[name].openSearchAccess.length > 0).sort()).toEqual(['create-listing', 'update-listing']);
      for (const name of ['create-listing', 'update-listing'] as const) {
        expect(actionsOf(policyOf(stage, name)).filter((action) => action.startsWith('es:')), name).toEqual(['es:ESHttpGet', 'es:ESHttpPost']);
      }
      // Only the listing functions touch the table itself; the indexer only reads its stream.
      const tableUsers = directoryFunctionNames.filter((name) => actionsOf(policyOf(stage, name)).some((action) => /^dynamodb:(GetItem|Query)$/.test(action)));
      expect(tableUsers.sort()).toEqual([...listingFunctionNames].sort());
      // The importer: batch reads and writes on the table, its own objects, its failure queue, and
      // geocoding where the stage enables it (geocoding.test.ts covers both settings).
      expect(actionsOf(policyOf(stage, 'import-from-s3'))).toEqual(
        [
          ...base,
          ...(stage.config.geocoding.geocoder === 'amazon-location' ? ['geo-places:Geocode'] : []),
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          's3:GetObject',
          's3:GetObjectVersion',
          's3:PutObject',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:SendMessage',
        ].sort(),
      );
    }
  });

  it('gives read-only listing functions no write action, nobody DeleteItem, Scan to the reconciliation only, and batch writes to the importer only', () => {
    for (const stage of each()) {
      for (const name of listingFunctionNames.filter((fn) => directoryFunctions[fn].dynamoDbAccess === 'read')) {
        expect(actionsOf(policyOf(stage, name)).filter((action) => action.startsWith('dynamodb:')), name).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
      }
      const roleOf = (name: DirectoryFunctionName) => stage.stacks.api.getLogicalId(stage.stacks.api.functions[name].role.node.defaultChild as never).replace(/[0-9A-F]{8}$/, '');
      const importRole = roleOf('import-from-s3');
      const reconcileRole = roleOf('reconcile-search-index');
      const operationsRole = operationsRoleId(stage);
      for (const { policy, statement } of identityStatements(stage)) {
        for (const action of asArray(statement.Action)) {
          expect(action, policy).not.toMatch(/^dynamodb:(DeleteItem|DeleteTable|UpdateTable|\*)/);
          // Reading the whole table is the reconciliation's job (and the operators', for a reindex
          // from a workstation); both batch-read, never batch-write.
          const scans = policy.startsWith(reconcileRole) || policy.startsWith(operationsRole);
          if (!scans) expect(action, policy).not.toBe('dynamodb:Scan');
          if (scans) expect(action, policy).not.toMatch(/^dynamodb:(BatchWriteItem|PutItem|UpdateItem)$/);
          else if (!policy.startsWith(importRole)) expect(action, policy).not.toMatch(/^dynamodb:Batch/);
        }
      }
    }
  });

  it('scopes the report writer to the base table (no index)', () => {
    for (const stage of each()) {
      const tableArns = policyOf(stage, 'submit-report')
        .map(({ statement }) => statement)
        .filter((statement) => asArray(statement.Action).some((action) => String(action).startsWith('dynamodb:')))
        .flatMap((statement) => asArray(statement.Resource).map(renderCfn));
      expect(tableArns).toHaveLength(1);
      expect(tableArns[0]).toMatch(/Programs[0-9A-F]{8}Arn/);
      expect(tableArns[0]).not.toContain('/index/');
    }
  });

  it('scopes the importer to the base table (no index) and to the imports/ and reports/ prefixes', () => {
    for (const stage of each()) {
      const statements = policyOf(stage, 'import-from-s3').map(({ statement }) => statement);
      const resourcesFor = (prefix: string) =>
        statements.filter((statement) => asArray(statement.Action).some((action) => action.startsWith(prefix))).flatMap((statement) => asArray(statement.Resource).map(renderCfn));
      const tableArns = resourcesFor('dynamodb:');
      expect(tableArns).toHaveLength(1);
      expect(tableArns[0]).toMatch(/Programs[0-9A-F]{8}Arn/);
      expect(tableArns[0]).not.toContain('/index/');
      for (const statement of statements) {
        const actions = asArray(statement.Action).filter((action) => action.startsWith('s3:')).sort();
        if (actions.length === 0) continue;
        const resources = asArray(statement.Resource).map(renderCfn);
        expect(resources).toHaveLength(1);
        if (actions.includes('s3:PutObject')) {
          expect(actions).toEqual(['s3:PutObject']);
          expect(resources[0]).toMatch(/\/reports\/\*$/);
        } else {
          expect(actions).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
          expect(resources[0]).toMatch(/\/imports\/\*$/);
        }
      }
    }
  });

  it('scopes listing functions to the table and its two named indexes, with "*" only for X-Ray', () => {
    for (const stage of each()) {
      for (const name of listingFunctionNames) {
        for (const { statement } of policyOf(stage, name)) {
          for (const action of asArray(statement.Action)) expect(action, name).not.toContain('*');
          const resources = asArray(statement.Resource);
          if (resources.includes('*')) {
            expect(asArray(statement.Action).sort(), name).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
            continue;
          }
          if (asArray(statement.Action).some((action) => String(action).startsWith('es:'))) {
            // The duplicate check of create and update: reads of the search domain, nothing else.
            expect(['create-listing', 'update-listing'], name).toContain(name);
            expect(asArray(statement.Action).sort(), name).toEqual(['es:ESHttpGet', 'es:ESHttpPost']);
            for (const resource of resources.map(renderCfn)) expect(resource, name).toMatch(/:domain\/iop-directory-[a-z]+\/programs\/_search$/);
            continue;
          }
          for (const resource of resources.map(renderCfn)) expect(resource, name).not.toContain('*');
          if (asArray(statement.Action).some((action) => String(action).startsWith('dynamodb:'))) {
            // The table ARN is a cross-stack reference; what follows it must be nothing or one named index.
            const rendered = resources.map(renderCfn);
            for (const arn of rendered) expect(arn, name).toMatch(/Programs[0-9A-F]{8}Arn/);
            expect(rendered.map((arn) => arn.replace(/^(\{.*\}|\$\{[^}]+\})/, '<table>')).sort(), name).toEqual([
              '<table>',
              '<table>/index/gsi1',
              '<table>/index/gsi2',
            ]);
          }
        }
      }
    }
  });
});

const listingFunctionNames = directoryFunctionNames.filter((name) => directoryFunctions[name].environment === 'listings');

/** The logical-id prefix of the operations role's policies (stateful stack). */
function operationsRoleId(stage: SynthesizedStage): string {
  return stage.stacks.stateful.getLogicalId(stage.stacks.stateful.operations.role.node.defaultChild as never).replace(/[0-9A-F]{8}$/, '');
}

/** `<action> <request path>` for every OpenSearch grant of a function's role (the domain ARN stripped). */
function openSearchGrantsOf(stage: SynthesizedStage, name: DirectoryFunctionName): string[] {
  const domain = new RegExp(`^arn:\\$\\{AWS::Partition\\}:es:\\$\\{AWS::Region\\}:\\$\\{AWS::AccountId\\}:domain/${stage.config.search.domainName}`);
  return policyOf(stage, name)
    .map(({ statement }) => statement)
    .filter((statement) => statement.Effect === 'Allow' && asArray(statement.Action).some((action) => action.startsWith('es:')))
    .flatMap((statement) =>
      asArray(statement.Resource).flatMap((resource) => {
        const rendered = renderCfn(resource);
        expect(rendered, name).toMatch(domain);
        return asArray(statement.Action).map((action) => `${action} ${rendered.replace(domain, '')}`);
      }),
    )
    .sort();
}

describe('OpenSearch grants', () => {
  it('give each function exactly its own request paths and verbs on the search domain', () => {
    for (const stage of each()) {
      for (const name of directoryFunctionNames) {
        expect(openSearchGrantsOf(stage, name), name).toEqual([...(expectedOpenSearchGrants[name] ?? [])].sort());
      }
    }
  });

  it('let no function that only reads write, delete or re-point the index (no _bulk, _delete_by_query, _aliases, document writes)', () => {
    const writers = ['index-stream', 'reconcile-search-index'];
    for (const stage of each()) {
      for (const name of directoryFunctionNames.filter((fn) => !writers.includes(fn))) {
        const grants = openSearchGrantsOf(stage, name).map((grant) => grant.split(' ') as [string, string]);
        for (const request of writeRequests) {
          const [action, path] = request.split(' ') as [string, string];
          const allowed = grants.some(([grantedAction, pattern]) => grantedAction === action && iamPatternMatches(pattern, path));
          expect(allowed, `${name} may ${request}`).toBe(false);
        }
      }
      // The public routes in particular: search reads _search only, the detail and report routes _doc only.
      expect(openSearchGrantsOf(stage, 'search-programs').every((grant) => grant.endsWith(' /programs/_search'))).toBe(true);
      expect(openSearchGrantsOf(stage, 'get-program')).toEqual(['es:ESHttpGet /programs/_doc/*']);
    }
  });

  it('let the writers write only through _bulk, and touch indices only behind the alias', () => {
    for (const stage of each()) {
      for (const name of ['index-stream', 'reconcile-search-index'] as const) {
        const grants = openSearchGrantsOf(stage, name);
        for (const request of ['es:ESHttpPost /programs/_delete_by_query', 'es:ESHttpPost /_aliases', 'es:ESHttpPut /programs/_doc/prg_1', 'es:ESHttpDelete /programs']) {
          const [action, path] = request.split(' ') as [string, string];
          expect(grants.some((grant) => grant.startsWith(`${action} `) && iamPatternMatches(grant.split(' ')[1]!, path)), `${name} may ${request}`).toBe(false);
        }
      }
    }
  });
});

/** Acknowledgements as recorded on construct metadata by Validations.of(...).acknowledge. */
function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const found: Array<{ path: string; id: string; reason: string }> = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

/** What cdk-nag would report if nothing were acknowledged (rule id and resource path). */
function rawFindings(stage: SynthesizedStage): Array<{ id: string; path: string }> {
  const pack = new AwsSolutionsChecks();
  // cdk-nag has no public switch for this; replacing its private check is the only way to see
  // the findings each acknowledgement hides, so stale acknowledgements are caught.
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack.validateScope(stage.app).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({ id: violation.ruleName, path: String(resource.constructPath) })),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged errors or warnings', () => {
    for (const stage of each()) {
      const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stage.app);
      expect(report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
      expect(report.success).toBe(true);
    }
  });

  it('leaves no AwsSolutions (or any other) error or warning annotation on the stacks', () => {
    for (const stage of each()) {
      for (const stack of [stage.stacks.stateful, stage.stacks.api]) {
        const annotations = Annotations.fromStack(stack);
        expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
        expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
        expect(annotations.findError('*', Match.anyValue())).toEqual([]);
        expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
      }
    }
  });

  it('is registered on the app, so a finding fails synthesis', () => {
    for (const stage of each()) {
      const plugins = (stage.app as unknown as { _validationPlugins: Array<{ name: string }> })._validationPlugins;
      expect(plugins.map((plugin) => plugin.name)).toContain('AwsSolutions');
    }
  });

  it('acknowledges only findings that actually occur, each under the construct it concerns', () => {
    for (const stage of each()) {
      const findings = rawFindings(stage);
      for (const ack of acknowledgements(stage.app)) {
        const hidden = findings.filter((finding) => finding.id === ack.id && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`)));
        expect(hidden.length, `${ack.id} on ${ack.path} hides nothing`).toBeGreaterThan(0);
      }
    }
  });

  it('acknowledges exactly the reviewed set of findings', () => {
    const inventory = (stage: SynthesizedStage) =>
      [...new Set(acknowledgements(stage.app).map(({ path, id }) => `${path} ${id.replace(/\[Resource::.*:domain\/[^/]+\//, '[Resource::<domain>/').replace(/\[Resource::.*:s3:::[^/]*-imports-[^/]*\/(imports|reports)\/\*\]$/, '[Resource::<import bucket>/$1/*]')}`))].sort();
    // Every role acknowledges X-Ray's Resource "*".
    const functionRoles = directoryFunctionNames.map((name) => name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase()));
    const expected = (stage: StageName, singleNode: boolean) =>
      [
        // The origin secret rotates by hand: CloudFront only picks a new value up on redeployment.
        `IopDirectory-${stage}-Api/OriginVerification/Secret AwsSolutions-SMG4`,
        // So does the cursor signing key: the functions pick a new value up on redeployment.
        `IopDirectory-${stage}-Api/CursorSigningKey/Secret AwsSolutions-SMG4`,
        // No geo restriction, standard logging v2 (not the legacy S3 logging the rule looks for),
        // and no custom domain yet, so CloudFront's default certificate and TLS policy.
        `IopDirectory-${stage}-Edge/Api/Distribution AwsSolutions-CFR1`,
        `IopDirectory-${stage}-Edge/Api/Distribution AwsSolutions-CFR3`,
        `IopDirectory-${stage}-Edge/Api/Distribution AwsSolutions-CFR4`,
        `IopDirectory-${stage}-Api/IndexStreamFailures AwsSolutions-SQS3`,
        `IopDirectory-${stage}-Api/ImportFailures AwsSolutions-SQS3`,
        `IopDirectory-${stage}-Api/ImportFromS3/Role AwsSolutions-IAM5[Resource::<import bucket>/imports/*]`,
        `IopDirectory-${stage}-Api/ImportFromS3/Role AwsSolutions-IAM5[Resource::<import bucket>/reports/*]`,
        ...functionRoles.map((fn) => `IopDirectory-${stage}-Api/${fn}/Role AwsSolutions-IAM5[Resource::*]`),
        // Document reads by id: the detail route and the problem report's existence check.
        ...['GetProgram', 'SubmitReport'].map((fn) => `IopDirectory-${stage}-Api/${fn}/Role AwsSolutions-IAM5[Resource::<domain>/programs/_doc/*]`),
        // The two writers of the index (the stream indexer and the reconciliation, through the same
        // writer) create the alias's first versioned index and add mapping fields to it.
        ...['IndexStream', 'ReconcileSearchIndex'].flatMap((fn) => [
          `IopDirectory-${stage}-Api/${fn}/Role AwsSolutions-IAM5[Resource::<domain>/programs-*]`,
          `IopDirectory-${stage}-Api/${fn}/Role AwsSolutions-IAM5[Resource::<domain>/programs-*/_mapping]`,
        ]),
        // The operations role administers the whole domain (reindex, security configuration).
        `IopDirectory-${stage}-Stateful/Operations/Role AwsSolutions-IAM5[Resource::<domain>/*]`,
        // Operators upload for import and read the reports (imports.uploaderRoles).
        `IopDirectory-${stage}-Stateful/Operations/Role AwsSolutions-IAM5[Resource::<import bucket>/imports/*]`,
        `IopDirectory-${stage}-Stateful/Operations/Role AwsSolutions-IAM5[Resource::<import bucket>/reports/*]`,
        `IopDirectory-${stage}-Stateful/Search/Domain AwsSolutions-OS1`,
        // MFA stays optional for providers; reviewers' tokens require TOTP (the pre token generation trigger).
        `IopDirectory-${stage}-Stateful/Users/Pool AwsSolutions-COG2`,
        // The user pool's triggers are functions like the others: X-Ray's Resource "*".
        ...['ScreenSignUp', 'RequireReviewerMfa'].map((fn) => `IopDirectory-${stage}-Stateful/Users/Guards/${fn}/Role AwsSolutions-IAM5[Resource::*]`),
        `IopDirectory-${stage}-Stateful/Search/Domain AwsSolutions-OS3`,
        ...(singleNode
          ? [`IopDirectory-${stage}-Stateful/Search/Domain AwsSolutions-OS4`, `IopDirectory-${stage}-Stateful/Search/Domain AwsSolutions-OS7`]
          : []),
      ].sort();
    expect(inventory(stages.dev!)).toEqual(expected('dev', true));
    // Prod has dedicated masters and zone awareness, so those two rules pass without help.
    expect(inventory(stages.prod!)).toEqual(expected('prod', false));
  });

  it('gives every acknowledgement a specific reason, also in the synthesized templates', () => {
    const generic = /^(n\/?a|none|todo|tbd|ok|fine|not needed|not applicable|false positive|suppressed?|ignore[d]?)\.?$/i;
    for (const stage of each()) {
      const acks = acknowledgements(stage.app);
      expect(acks.length).toBeGreaterThan(0);
      for (const { path, id, reason } of acks) {
        expect(reason.trim(), `${id} on ${path}`).not.toMatch(generic);
        expect(reason.length, `${id} on ${path}: reason too short to say why`).toBeGreaterThanOrEqual(80);
      }
      // Reasons are per rule, not one boilerplate string pasted everywhere.
      const reasonsByRule = new Map<string, Set<string>>();
      for (const { id, reason } of acks) reasonsByRule.set(reason, (reasonsByRule.get(reason) ?? new Set()).add(id.replace(/\[.*$/, '')));
      for (const [reason, rules] of reasonsByRule) expect(rules.size, reason).toBe(1);

      for (const template of [stage.stateful, stage.api, stage.edge]) {
        for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, CfnResource>)) {
          const rules = (resource.Metadata?.cdk_nag as { rules_to_suppress?: Array<{ id: string; reason: string }> } | undefined)?.rules_to_suppress ?? [];
          for (const rule of rules) expect(rule.reason.length, `${rule.id} on ${id}`).toBeGreaterThanOrEqual(80);
        }
      }
    }
  });
});
