import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Claim } from '../../domain/claim';
import type { ClaimStore } from '../../ports/claim-store';
import { claimKey, fromClaimItem, isClaimItem, toClaimItem } from './claim-item';
import { isConditionFailure } from './condition-failure';

export class DynamoDbClaimStore implements ClaimStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Claim | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: claimKey(id), ConsistentRead: true }));
    return Item && isClaimItem(Item) ? fromClaimItem(Item) : undefined;
  }

  async save(claim: Claim, expectedRevision: number | 'absent'): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toClaimItem(claim),
          ...(expectedRevision === 'absent'
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#revision = :expected', ExpressionAttributeNames: { '#revision': 'revision' }, ExpressionAttributeValues: { ':expected': expectedRevision } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
