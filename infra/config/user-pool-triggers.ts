import { directoryFunctions, type DirectoryFunctionName } from './functions';

/**
 * The user pool's Lambda triggers. They live in the stateful stack with the pool: a pool in that
 * stack naming functions of the API stack would make the stacks circular, and a pool whose trigger
 * is missing fails every sign-up or sign-in. Otherwise they are functions like the others
 * (DirectoryFunction: own role and log group, bundle, Powertools layer, tracing).
 */
export const userPoolTriggers = {
  // Cognito's pre sign-up trigger: self sign-ups only (AdminCreateUser passes through).
  'screen-sign-up': {
    entry: 'screen-sign-up',
    description: 'Cognito pre sign-up: refuses self sign-ups from denied or unlisted email domains and past the sign-up rates',
  },
  // Cognito's pre token generation trigger: every sign-in and token refresh.
  'require-reviewer-mfa': {
    entry: 'require-reviewer-mfa',
    description: 'Cognito pre token generation: refuses tokens carrying the reviewers group to accounts without an authenticator app',
  },
} as const satisfies Record<string, { readonly entry: string; readonly description: string }>;

export type UserPoolTriggerName = keyof typeof userPoolTriggers;

export const userPoolTriggerNames = Object.keys(userPoolTriggers) as UserPoolTriggerName[];

/** Every Lambda function of a stage: the API stack's and the user pool's triggers. */
export type StageFunctionName = DirectoryFunctionName | UserPoolTriggerName;

/** Handler file and description of any function of the stage. */
export function functionDefinitionOf(name: StageFunctionName): { readonly entry: string; readonly description: string } {
  return name in userPoolTriggers ? userPoolTriggers[name as UserPoolTriggerName] : directoryFunctions[name as DirectoryFunctionName];
}
