import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StageConfig } from './config/stages';
import { ApiStack } from './stacks/api-stack';
import { EdgeStack } from './stacks/edge-stack';
import { StatefulStack } from './stacks/stateful-stack';

export interface DirectoryStacks {
  readonly stateful: StatefulStack;
  readonly api: ApiStack;
  readonly edge: EdgeStack;
}

/**
 * Adds one stage of the directory to `app`. Shared by the CDK entry point and the infra tests, so
 * the tests synthesise exactly what `cdk synth` does, cdk-nag included.
 */
export function defineDirectory(app: App, config: StageConfig): DirectoryStacks {
  const stackPrefix = `IopDirectory-${config.stage}`;
  const stateful = new StatefulStack(app, `${stackPrefix}-Stateful`, {
    config,
    description: `Treatment program directory (${config.stage}): programs table, search domain and user pool`,
  });
  const api = new ApiStack(app, `${stackPrefix}-Api`, {
    config,
    description: `Treatment program directory (${config.stage}): HTTP API, stream indexer and importer`,
    table: stateful.table,
    searchDomainEndpoint: stateful.searchDomain.domainEndpoint,
    userPool: stateful.users.userPool,
    userPoolClient: stateful.users.client,
    userPoolTriggers: {
      'screen-sign-up': stateful.users.guards.functions['screen-sign-up'].function,
      'require-reviewer-mfa': stateful.users.guards.functions['require-reviewer-mfa'].function,
    },
  });

  // In us-east-1 only (its WAF web ACL must be), and with it the stacks it references.
  const edge = new EdgeStack(app, `${stackPrefix}-Edge`, {
    config,
    description: `Treatment program directory (${config.stage}): CloudFront distribution and WAF web ACL in front of the API`,
    httpApi: api.httpApi,
  });

  Tags.of(app).add('project', 'iop-directory');
  Tags.of(app).add('stage', config.stage);

  // cdk-nag 3 runs as a policy-validation plugin (not an Aspect): any unacknowledged finding,
  // error or warning, fails synthesis. The acknowledgements are copied into template metadata so
  // a reviewer of the deployed templates sees each waiver and its reason.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));

  return { stateful, api, edge };
}
