import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
// cdk-nag keys IAM5 findings by this exact rendering of the resource; reusing its own function keeps
// our acknowledgements pinned to one resource pattern instead of waiving IAM5 for the whole policy.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';

/**
 * Acknowledges one cdk-nag rule on `scope` (and everything under it). The reason is mandatory and
 * must say why the finding is acceptable here, since it is the only record a reviewer will see.
 */
export function acknowledgeNag(scope: IConstruct, id: `AwsSolutions-${string}`, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** Acknowledges IAM5 for one wildcard resource (e.g. `<domain arn>/*`), not for every wildcard. */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  const rendered = flattenCfnReference(Stack.of(scope).resolve(resourceArn));
  acknowledgeNag(scope, `AwsSolutions-IAM5[Resource::${rendered}]`, reason);
}
