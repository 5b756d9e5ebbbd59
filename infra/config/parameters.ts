/**
 * Values a stage needs that belong to the account it deploys to rather than to this repository
 * (the on-call address, the SES identity and sender): kept in SSM Parameter Store and named here as
 * a CloudFormation dynamic reference, which CloudFormation resolves when it creates or updates the
 * resource. Synthesis stays offline and the templates never hold the values (personal addresses
 * among them); a parameter that does not exist fails the deploy, naming it, instead of falling back
 * to anything. Like the origin secret's reference, a changed value is picked up when the resource
 * is next updated, not by itself. Create them once per account before the first deploy:
 * `aws ssm put-parameter --type String --name <name> --value <value>` (README "Before the first deploy").
 */
export function deployTimeParameter(name: string): string {
  if (!/^\/[A-Za-z0-9_.\-/]+$/.test(name)) throw new Error(`Not an SSM parameter name: ${JSON.stringify(name)}`);
  return `{{resolve:ssm:${name}}}`;
}

/** The parameter a value names, or undefined for a literal value. */
export function deployTimeParameterName(value: string): string | undefined {
  return /^\{\{resolve:ssm:([^}:]+)\}\}$/.exec(value)?.[1];
}
