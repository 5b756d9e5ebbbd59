import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { beforeAll } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { stageConfig, type StageConfig, type StageName } from '../../../infra/config/stages';
import { repoRoot } from '../../../infra/constructs/directory-function';
import { defineDirectory, type DirectoryStacks } from '../../../infra/directory-app';

export interface SynthesizedStage {
  readonly config: StageConfig;
  readonly app: App;
  readonly stacks: DirectoryStacks;
  readonly assembly: CloudAssembly;
  readonly stateful: Template;
  readonly api: Template;
  readonly edge: Template;
}

/** The context `cdk synth` would use (feature flags from cdk.json), so tests see the same templates. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/**
 * Synthesises one stage exactly as the CDK app does: real esbuild bundles, and cdk-nag registered,
 * so any unacknowledged finding makes synthesis (and therefore this call) throw with the report.
 * Expensive (four bundles): call once per stage per test file and share the result.
 */
export function synthStage(stage: StageName): SynthesizedStage {
  const config = stageConfig(stage);
  const app = new App({ context: { ...cdkJsonContext(), stage } });
  const stacks = defineDirectory(app, config);
  const stateful = Template.fromStack(stacks.stateful);
  const api = Template.fromStack(stacks.api);
  const edge = Template.fromStack(stacks.edge);
  return { config, app, stacks, assembly: app.synth(), stateful, api, edge };
}

export type CfnResource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; Metadata?: Record<string, unknown> };

export function resourcesOfType(template: Template, type: string): Array<[logicalId: string, resource: CfnResource]> {
  return Object.entries(template.findResources(type) as Record<string, CfnResource>);
}

/** The only resource of `type`, failing loudly when there is not exactly one. */
export function onlyResource(template: Template, type: string): CfnResource {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0]![1];
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Renders a resolved CloudFormation value as one string (`Fn::Join` joined, `Ref` as `${Name}`,
 * `Fn::GetAtt` as `${Id.Attr}`) so values built in different stacks can be compared.
 */
export function renderCfn(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(renderCfn).join(separator);
    }
    if ('Ref' in object) return `\${${String(object.Ref)}}`;
    if ('Fn::GetAtt' in object) return `\${${(object['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  return JSON.stringify(value);
}

/** The stages a CDK test checks, both of them, so a rule that holds in dev but not prod is caught. */
export const STAGE_NAMES: readonly StageName[] = ['dev', 'prod'];

/**
 * Synthesises every stage once, in the calling test file's `beforeAll` (synthesis is expensive and
 * runs cdk-nag, so an unacknowledged finding fails the file there), and shares the results with its
 * tests: `stages.dev` / `stages.prod` for one stage, `each()` for all of them.
 */
export function synthesizeStagesBeforeAll(): {
  stageNames: readonly StageName[];
  stages: Partial<Record<StageName, SynthesizedStage>>;
  each: () => SynthesizedStage[];
} {
  const stages: Partial<Record<StageName, SynthesizedStage>> = {};
  beforeAll(() => {
    for (const name of STAGE_NAMES) stages[name] = synthStage(name);
  });
  return { stageNames: STAGE_NAMES, stages, each: () => STAGE_NAMES.map((name) => stages[name]!) };
}
