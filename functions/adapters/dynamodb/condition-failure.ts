import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A conditional write that lost: someone else wrote first. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException';
}
