import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './condition-failure';

/**
 * Writes a whole item only if the stored one still has `expected` in its counter attribute
 * (`'absent'`: no item with that key yet). False, writing nothing, when another writer got there
 * first: the optimistic concurrency every item kind of the table uses.
 */
export async function conditionalPut(
  client: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  counter: 'revision' | 'version',
  expected: number | 'absent',
): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ...(expected === 'absent'
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: '#counter = :expected', ExpressionAttributeNames: { '#counter': counter }, ExpressionAttributeValues: { ':expected': expected } }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
