import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGeocodingConfig } from '../../functions/config/geocoding-config';
import { directoryFunctionNames, type DirectoryFunctionName } from '../../infra/config/functions';
import type { GeocodingStageConfig } from '../../infra/config/geocoding';
import { stageConfig, type StageConfig, type StageName } from '../../infra/config/stages';
import { repoRoot } from '../../infra/constructs/directory-function';
import { defineDirectory, type DirectoryStacks } from '../../infra/directory-app';
import { asArray, renderCfn, resourcesOfType, type CfnResource } from './support/synth-stage';

interface Synthesized {
  readonly config: StageConfig;
  readonly stacks: DirectoryStacks;
  readonly api: Template;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/**
 * Synthesises a stage, optionally with other geocoding settings, exactly as the app does (cdk-nag
 * registered: any unacknowledged finding throws) but without esbuild bundles, which these
 * assertions do not look at: `aws:cdk:bundling-stacks: []` stages placeholder code instead.
 */
function synth(stage: StageName, geocoding?: GeocodingStageConfig): Synthesized {
  const config: StageConfig = geocoding ? { ...stageConfig(stage), geocoding } : stageConfig(stage);
  const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({ context: { ...cdkJson.context, stage, 'aws:cdk:bundling-stacks': [] } });
  const stacks = defineDirectory(app, config);
  const api = Template.fromStack(stacks.api);
  app.synth();
  return { config, stacks, api };
}

function variablesOf(stage: Synthesized, name: DirectoryFunctionName): Record<string, unknown> {
  const logicalId = stage.stacks.api.getLogicalId(stage.stacks.api.functions[name].function.node.defaultChild as never);
  const fn = stage.api.toJSON().Resources[logicalId] as CfnResource;
  return (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** Allow statements of one function's role. */
function statementsOf(stage: Synthesized, name: DirectoryFunctionName): Statement[] {
  const roleId = stage.stacks.api.getLogicalId(stage.stacks.api.functions[name].role.node.defaultChild as never);
  return resourcesOfType(stage.api, 'AWS::IAM::Policy')
    .filter(([, policy]) => asArray(policy.Properties?.Roles as unknown[]).some((role) => renderCfn(role) === `\${${roleId}}`))
    .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((statement) => statement.Effect === 'Allow');
}

function geoStatements(stage: Synthesized, name: DirectoryFunctionName): Statement[] {
  return statementsOf(stage, name).filter((statement) => asArray(statement.Action).some((action) => action.startsWith('geo')));
}

/** What the handler would parse at cold start, with the region token as Lambda would resolve it. */
function parsedInLambda(variables: Record<string, unknown>) {
  const env = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, renderCfn(value).replace('${AWS::Region}', 'us-east-1')]));
  return loadGeocodingConfig(env);
}

const stages: Partial<Record<'dev' | 'prod' | 'disabled' | 'otherRegion', Synthesized>> = {};

beforeAll(() => {
  stages.dev = synth('dev');
  stages.prod = synth('prod');
  stages.disabled = synth('prod', { geocoder: 'none' });
  stages.otherRegion = synth('dev', { geocoder: 'amazon-location', region: 'us-west-2', maxAttempts: 3 });
});

describe('geocoding of the importer', () => {
  it('is enabled with Amazon Location Service in both stages (stage config)', () => {
    for (const stage of [stages.dev!, stages.prod!]) expect(stage.config.geocoding).toEqual({ geocoder: 'amazon-location', maxAttempts: 5 });
  });

  it('when enabled, tells the importer the geocoder, region and attempts, which its config accepts', () => {
    for (const stage of [stages.dev!, stages.prod!]) {
      const variables = variablesOf(stage, 'import-from-s3');
      expect(variables.GEOCODER).toBe('amazon-location');
      expect(variables.GEOCODER_REGION).toEqual({ Ref: 'AWS::Region' });
      expect(variables.GEOCODER_MAX_ATTEMPTS).toBe('5');
      expect(variables).not.toHaveProperty('GEOCODER_ENDPOINT');
      expect(parsedInLambda(variables)).toEqual({ geocoder: 'amazon-location', region: 'us-east-1', maxAttempts: 5 });
    }
  });

  it('when enabled, grants the importer geo-places:Geocode on the AWS-managed provider of its region, and nothing else geo', () => {
    for (const stage of [stages.dev!, stages.prod!]) {
      const statements = geoStatements(stage, 'import-from-s3');
      expect(statements).toHaveLength(1);
      expect(asArray(statements[0]!.Action)).toEqual(['geo-places:Geocode']);
      expect(asArray(statements[0]!.Resource).map(renderCfn)).toEqual(['arn:${AWS::Partition}:geo-places:${AWS::Region}::provider/default']);
    }
  });

  it('names a configured region in both the setting and the grant', () => {
    const stage = stages.otherRegion!;
    const variables = variablesOf(stage, 'import-from-s3');
    expect(variables).toMatchObject({ GEOCODER: 'amazon-location', GEOCODER_REGION: 'us-west-2', GEOCODER_MAX_ATTEMPTS: '3' });
    expect(parsedInLambda(variables)).toEqual({ geocoder: 'amazon-location', region: 'us-west-2', maxAttempts: 3 });
    expect(geoStatements(stage, 'import-from-s3').flatMap((statement) => asArray(statement.Resource).map(renderCfn))).toEqual([
      'arn:${AWS::Partition}:geo-places:us-west-2::provider/default',
    ]);
  });

  it('when disabled, states GEOCODER=none, passes no other setting and grants nothing geo', () => {
    const stage = stages.disabled!;
    const variables = variablesOf(stage, 'import-from-s3');
    expect(variables.GEOCODER).toBe('none');
    expect(Object.keys(variables).filter((key) => key.startsWith('GEOCODER_'))).toEqual([]);
    expect(parsedInLambda(variables)).toEqual({ geocoder: 'none' });
    expect(geoStatements(stage, 'import-from-s3')).toEqual([]);
  });

  it('is given to the importer only: no other function gets the settings or the grant', () => {
    for (const stage of Object.values(stages)) {
      for (const name of directoryFunctionNames.filter((fn) => fn !== 'import-from-s3')) {
        expect(Object.keys(variablesOf(stage, name)).filter((key) => key.startsWith('GEOCODER')), name).toEqual([]);
        expect(geoStatements(stage, name), name).toEqual([]);
      }
    }
  });
});
