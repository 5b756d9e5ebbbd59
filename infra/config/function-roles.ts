import { Aws } from 'aws-cdk-lib';
import type { DirectoryFunctionName } from './functions';
import type { StageConfig } from './stages';
import type { StageFunctionName } from './user-pool-triggers';

/**
 * Role names are fixed so the domain policy (in the stateful stack, deployed first) can name the
 * roles before they exist, without a cross-stack reference that would make the stacks circular.
 * The region keeps names unique when a stage is deployed to more than one region (IAM is global).
 */
export function functionRoleName(config: StageConfig, name: StageFunctionName, region: string = Aws.REGION): string {
  return `${config.resourcePrefix}-${name}-${region}`;
}

/** The role's ARN; the defaults are the deploying stack's tokens, concrete values serve scripts outside CDK. */
export function functionRoleArn(
  config: StageConfig,
  name: DirectoryFunctionName,
  where: { partition: string; account: string; region: string } = { partition: Aws.PARTITION, account: Aws.ACCOUNT_ID, region: Aws.REGION },
): string {
  return `arn:${where.partition}:iam::${where.account}:role/${functionRoleName(config, name, where.region)}`;
}
